import json
from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Bucket, Inventory, Status, VpcEndpoint

from support import ACCOUNT, REGION, Aws, findings_for, status_of

CHECK = all_checks()["S3-04"]


def endpoint_only(bucket: str, *endpoints: str, key: str = "aws:SourceVpce") -> str:
    statement = {
        "Sid": "OnlyThroughOurEndpoints",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"StringNotEquals": {key: list(endpoints)}},
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_data_buckets_need_a_deny_unless_through_the_estates_endpoints(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    endpoint = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.s3")["VpcEndpoint"][
        "VpcEndpointId"
    ]
    s3 = aws.client("s3")
    confidential = [{"Key": "DataClassification", "Value": "Confidential"}]
    buckets: dict[str, tuple[list[dict[str, str]], str | None]] = {
        "rf-claims": (confidential, endpoint_only("rf-claims", endpoint)),
        "rf-vpc-only": (confidential, endpoint_only("rf-vpc-only", vpc, key="aws:SourceVpc")),
        "rf-foreign": (confidential, endpoint_only("rf-foreign", endpoint, "vpce-0badc0ffee0000000")),
        "rf-open": (confidential, None),
        "rf-named": ([], None),
        "rf-public-site": ([{"Key": "DataClassification", "Value": "public"}], None),
    }
    for name, (tags, policy) in buckets.items():
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        if tags:
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})
        if policy:
            s3.put_bucket_policy(Bucket=name, Policy=policy)

    result = aws.scan(controls=["S3-04"])

    assert status_of(result, "S3-04", ":::rf-claims") is Status.PASS
    assert status_of(result, "S3-04", ":::rf-vpc-only") is Status.PASS
    assert status_of(result, "S3-04", ":::rf-foreign") is Status.FAIL
    assert status_of(result, "S3-04", ":::rf-open") is Status.FAIL
    assert status_of(result, "S3-04", ":::rf-public-site") is Status.NOT_APPLICABLE
    assert status_of(result, "S3-04", ":::rf-named") is Status.NOT_APPLICABLE
    foreign = next(f for f in findings_for(result, "S3-04") if f.resource_id.endswith("rf-foreign"))
    assert "vpce-0badc0ffee0000000" in foreign.message

    # A bucket named in params.data_buckets is a data bucket whatever its tags.
    named = evaluate(result.inventory, [CHECK], params={"S3-04": {"data_buckets": ["rf-named"]}}, strict=True)
    assert next(f for f in named if f.resource_id.endswith("rf-named")).status is Status.FAIL


def test_unknown_endpoints_with_an_incomplete_listing_and_unreadable_tags() -> None:
    def bucket(name: str, **kw: Any) -> Bucket:
        return Bucket(arn=f"arn:aws:s3:::{name}", native_id=name, account=ACCOUNT, region=REGION, **kw)

    known = VpcEndpoint(
        arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-endpoint/vpce-0a1b2c3d4e5f60718",
        native_id="vpce-0a1b2c3d4e5f60718",
        account=ACCOUNT,
        region=REGION,
        service_name=f"com.amazonaws.{REGION}.s3",
    )
    tags = {"dataclassification": "RESTRICTED"}
    inventory = Inventory(
        [
            known,
            bucket("rf-unsure", tags=tags, policy=endpoint_only("rf-unsure", "vpce-0ffffffffffffffff")),
            bucket("rf-pattern", tags=tags, policy=endpoint_only("rf-pattern", "vpce-*")),
            bucket("rf-untold", unresolved={"tags": "access denied: s3:GetBucketTagging (AccessDenied)"}),
        ],
        incomplete=[(ACCOUNT, "us-east-1", VpcEndpoint.KIND)],
    )
    found = {f.resource_id.rsplit(":", 1)[-1]: f for f in evaluate(inventory, [CHECK], strict=True)}
    assert found["rf-unsure"].status is Status.UNKNOWN
    assert found["rf-pattern"].status is Status.FAIL
    assert found["rf-untold"].status is Status.UNKNOWN
