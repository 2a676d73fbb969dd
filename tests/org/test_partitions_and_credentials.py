"""ARNs and endpoints in the aws-cn and aws-us-gov partitions, and assumed-role credentials that are
refreshed before they expire."""

from __future__ import annotations

import datetime as dt

import boto3
from org_support import build_small_org

from ringfence.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY
from ringfence.scanner import ScanOptions, scan
from ringfence.sources.aws.assume import RoleSpec, account_factory, assumed_credentials
from ringfence.sources.aws.session import AwsOptions, CallLog, ClientFactory, ClientPool, make_session

from support import ACCOUNT, REGION, Aws


def test_endpoints_follow_the_partition() -> None:
    options = AwsOptions(access_key_id="AKIAEXAMPLE", secret_access_key="x", home_region="cn-north-1")
    session = make_session(options)
    factory = ClientFactory(session, options, pool=ClientPool(session, options))
    assert factory.client("ec2", "cn-north-1").meta.endpoint_url == "https://ec2.cn-north-1.amazonaws.com.cn"
    assert factory.client("sts", "cn-northwest-1").meta.endpoint_url.endswith(".amazonaws.com.cn")
    assert (
        factory.client("ec2", "us-gov-west-1").meta.endpoint_url == "https://ec2.us-gov-west-1.amazonaws.com"
    )
    assert factory.client("iam", "us-gov-west-1").meta.partition == "aws-us-gov"
    assert factory.client("iam", "cn-north-1").meta.partition == "aws-cn"


def test_role_arns_name_the_partition() -> None:
    spec = RoleSpec(name="Audit", path="/security/")
    assert spec.arn("111122223333", "aws-cn") == "arn:aws-cn:iam::111122223333:role/security/Audit"
    assert spec.arn("111122223333", "aws-us-gov") == "arn:aws-us-gov:iam::111122223333:role/security/Audit"


def _scan_in(aws: Aws, region: str) -> tuple[str, list[str]]:
    ec2 = boto3.Session(
        aws_access_key_id=DEMO_ACCESS_KEY, aws_secret_access_key=DEMO_SECRET_KEY, region_name=region
    ).client("ec2", endpoint_url=aws.endpoint_url)
    volume = ec2.create_volume(Size=1, AvailabilityZone=f"{region}a", Encrypted=False)["VolumeId"]
    options = AwsOptions(
        endpoint_url=aws.endpoint_url,
        home_region=region,
        access_key_id=DEMO_ACCESS_KEY,
        secret_access_key=DEMO_SECRET_KEY,
    )
    result = scan(ScanOptions(aws=options, regions=[region], controls=["ENC-02", "ENC-01"]))
    return volume, [f.resource_id for f in result.findings]


def test_a_china_scan_reports_aws_cn_arns(aws: Aws) -> None:
    volume, ids = _scan_in(aws, "cn-north-1")
    assert f"arn:aws-cn:ec2:cn-north-1:{ACCOUNT}:volume/{volume}" in ids
    assert f"{ACCOUNT}/cn-north-1" in ids
    assert not [i for i in ids if i.startswith("arn:aws:")]


def test_a_govcloud_scan_reports_aws_us_gov_arns(aws: Aws) -> None:
    volume, ids = _scan_in(aws, "us-gov-west-1")
    assert f"arn:aws-us-gov:ec2:us-gov-west-1:{ACCOUNT}:volume/{volume}" in ids


def test_assumed_credentials_are_refreshed_before_they_expire(aws: Aws) -> None:
    org = build_small_org(aws.endpoint_url, members=1)
    log = CallLog()
    options = aws.options()
    session = make_session(options)
    base = ClientFactory(session, options, log, pool=ClientPool(session, options), account=ACCOUNT)
    member = org.members[0]
    creds = assumed_credentials(base, RoleSpec().arn(member, "aws"), RoleSpec(), REGION)
    first = creds.get_frozen_credentials()
    assert log.calls[("sts", "AssumeRole")] == 1
    creds.get_frozen_credentials()
    assert log.calls[("sts", "AssumeRole")] == 1  # still fresh: no new call
    # 5 minutes left: inside botocore's mandatory refresh window (10 minutes)
    creds._expiry_time = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    second = creds.get_frozen_credentials()
    assert log.calls[("sts", "AssumeRole")] == 2
    assert second.access_key != first.access_key
    factory = account_factory(base, member, RoleSpec(), "aws", REGION)
    assert factory.client("sts", REGION).get_caller_identity()["Account"] == member
    assert account_factory(base, ACCOUNT, RoleSpec(), "aws", REGION) is base  # its own credentials
