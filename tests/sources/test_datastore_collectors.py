"""The S3, KMS, EFS and RDS collectors against the moto server: what reaches the model."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from ringfence.model import Bucket, DbCluster, DbInstance, FileSystem, KmsKey, PublicAccessBlock
from ringfence.sources.aws.collectors.efs import collect_file_systems
from ringfence.sources.aws.collectors.kms import collect_keys
from ringfence.sources.aws.collectors.rds import collect_db_clusters, collect_db_instances
from ringfence.sources.aws.collectors.s3 import collect_buckets, location_region
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.session import ClientFactory, make_session

from support import ACCOUNT, REGION, Aws

ALL_BPA = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def context(aws: Aws, service: str, region: str = REGION) -> CollectContext:
    options = aws.options()
    factory = ClientFactory(make_session(options), options)
    return CollectContext(factory=factory, account=ACCOUNT, region=region, service=service)


def deny(ctx: CollectContext, service: str, region: str, operation: str, when: Any = None) -> None:
    """Make `operation` answer AccessDenied (for requests whose parameters satisfy `when`), as IAM
    or a bucket policy would; moto enforces neither."""
    client = ctx.factory.client(service, region)
    code = "AccessDenied" if service == "s3" else "AccessDeniedException"

    def mark(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["ringfence_deny"] = when is None or when(params)

    def answer(context: dict[str, Any], **_: Any) -> Any:
        if context.get("ringfence_deny"):
            http = AWSResponse("https://denied.invalid", 403, {}, None)
            return http, {
                "Error": {"Code": code, "Message": "denied"},
                "ResponseMetadata": {"HTTPStatusCode": 403},
            }
        return None

    client.meta.events.register(f"before-parameter-build.{service}.{operation}", mark)
    client.meta.events.register(f"before-call.{service}.{operation}", answer)


def by_name(resources: list[Any]) -> dict[str, Any]:
    return {r.native_id: r for r in resources}


# --- S3 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("constraint", "region"),
    [(None, "us-east-1"), ("", "us-east-1"), ("EU", "eu-west-1"), ("ap-south-1", "ap-south-1")],
)
def test_location_constraint_names_the_region(constraint: str | None, region: str) -> None:
    assert location_region(constraint) == region


def test_buckets_are_read_in_their_own_region_with_absent_configurations(aws: Aws) -> None:
    aws.client("s3", "us-east-1").create_bucket(Bucket="rf-virginia")
    aws.client("s3", "us-west-2").create_bucket(
        Bucket="rf-oregon", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    ctx = context(aws, "s3", region="")
    calls: list[tuple[str, str, str]] = []
    for region in ("us-east-1", "us-west-2", REGION):

        def record(params: dict[str, Any], model: Any, _region: str = region, **_: Any) -> None:
            calls.append((_region, model.name, params.get("Bucket", "")))

        ctx.factory.client("s3", region).meta.events.register("before-parameter-build.s3", record)

    buckets = by_name(list(collect_buckets(ctx)))

    assert ctx.gaps == []
    oregon = buckets["rf-oregon"]
    assert (oregon.region, oregon.arn) == ("us-west-2", "arn:aws:s3:::rf-oregon")
    assert buckets["rf-virginia"].region == "us-east-1"
    # everything about a bucket but its location goes to the bucket's region
    details = {
        (region, op) for region, op, name in calls if name == "rf-oregon" and op != "GetBucketLocation"
    }
    assert {region for region, _ in details} == {"us-west-2"}
    assert len(details) == 6
    # absent configurations are states, not gaps
    assert oregon.encryption_rules == ()
    assert oregon.public_access_block is None
    assert oregon.policy is None
    assert oregon.website_enabled is False
    assert oregon.tags == {}
    assert [g.grantee_type for g in oregon.acl_grants] == ["CanonicalUser"]
    assert oregon.unresolved == {}


def test_bucket_configurations_reach_the_model(aws: Aws) -> None:
    s3 = aws.client("s3")
    name = "rf-configured"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": "alias/data",
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    s3.put_public_access_block(
        Bucket=name, PublicAccessBlockConfiguration={**ALL_BPA, "BlockPublicPolicy": False}
    )
    s3.put_bucket_acl(Bucket=name, ACL="public-read")
    policy = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*"}]}
    )
    s3.put_bucket_policy(Bucket=name, Policy=policy)
    s3.put_bucket_website(Bucket=name, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "env", "Value": "prod"}]})

    bucket: Bucket = by_name(list(collect_buckets(context(aws, "s3", region=""))))[name]

    rule = bucket.encryption_rules[0]
    assert (rule.sse_algorithm, rule.kms_key_id, rule.bucket_key_enabled) == ("aws:kms", "alias/data", True)
    assert bucket.public_access_block == PublicAccessBlock(True, True, False, True)
    assert any(g.grantee_uri and g.grantee_uri.endswith("/AllUsers") for g in bucket.acl_grants)
    assert bucket.policy is not None
    assert json.loads(bucket.policy)["Statement"][0]["Effect"] == "Deny"
    assert bucket.website_enabled is True
    assert bucket.tags == {"env": "prod"}


def test_access_denied_on_one_bucket_is_unresolved_and_a_gap(aws: Aws) -> None:
    s3 = aws.client("s3")
    for name in ("rf-locked", "rf-open"):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    ctx = context(aws, "s3", region="")
    deny(ctx, "s3", REGION, "GetBucketPolicy", when=lambda params: params.get("Bucket") == "rf-locked")

    buckets = by_name(list(collect_buckets(ctx)))

    locked, other = buckets["rf-locked"], buckets["rf-open"]
    assert locked.unknown("policy") == "access denied: s3:GetBucketPolicy (AccessDenied)"
    assert locked.unknown("encryption_rules", "public_access_block", "acl_grants") is None
    assert other.unresolved == {}
    assert [(g.region, g.operation, g.error_code) for g in ctx.gaps] == [
        (REGION, "GetBucketPolicy", "AccessDenied")
    ]


def test_unknown_bucket_location_is_unresolved_region(aws: Aws) -> None:
    aws.client("s3").create_bucket(
        Bucket="rf-where", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    ctx = context(aws, "s3", region="")
    deny(ctx, "s3", REGION, "GetBucketLocation")

    bucket = by_name(list(collect_buckets(ctx)))["rf-where"]

    assert bucket.region == ""
    assert bucket.unknown("region") == "access denied: s3:GetBucketLocation (AccessDenied)"
    assert bucket.unknown("encryption_rules") is None  # the other calls still answered


# --- KMS --------------------------------------------------------------------------------------


def test_keys_with_aliases_rotation_and_policy(aws: Aws) -> None:
    kms = aws.client("kms")
    rotating = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotating)
    kms.create_alias(AliasName="alias/data", TargetKeyId=rotating)
    plain = kms.create_key()["KeyMetadata"]["KeyId"]
    signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    ctx = context(aws, "kms")

    keys: dict[str, KmsKey] = by_name(list(collect_keys(ctx)))

    assert ctx.gaps == []
    assert keys[rotating].aliases == ("alias/data",)
    assert keys[rotating].rotation_enabled is True
    assert keys[plain].rotation_enabled is False
    assert (keys[plain].key_manager, keys[plain].key_spec, keys[plain].key_state) == (
        "CUSTOMER",
        "SYMMETRIC_DEFAULT",
        "Enabled",
    )
    assert "Statement" in (keys[plain].policy or "")
    # rotation is not asked where it does not exist, and that is no gap
    assert keys[signing].key_spec == "RSA_2048"
    assert keys[signing].rotation_enabled is None
    assert keys[signing].unresolved == {}
    assert ctx.factory.call_log.calls[("kms", "GetKeyRotationStatus")] == 2


def test_unlisted_aliases_leave_the_keys_with_a_gap(aws: Aws) -> None:
    key_id = aws.client("kms").create_key()["KeyMetadata"]["KeyId"]
    ctx = context(aws, "kms")
    deny(ctx, "kms", REGION, "ListAliases")

    keys = by_name(list(collect_keys(ctx)))

    assert keys[key_id].unknown("aliases") == "access denied: kms:ListAliases (AccessDeniedException)"
    assert keys[key_id].key_manager == "CUSTOMER"
    assert [g.operation for g in ctx.gaps] == ["ListAliases"]


def test_undescribable_key_is_unresolved(aws: Aws) -> None:
    key_id = aws.client("kms").create_key()["KeyMetadata"]["KeyId"]
    ctx = context(aws, "kms")
    deny(ctx, "kms", REGION, "DescribeKey")

    key = by_name(list(collect_keys(ctx)))[key_id]

    assert key.unknown("key_manager") == "access denied: kms:DescribeKey (AccessDeniedException)"
    assert key.unknown("rotation_enabled") is not None
    assert key.arn.endswith(f":key/{key_id}")


# --- EFS and RDS ------------------------------------------------------------------------------


def test_file_systems(aws: Aws) -> None:
    efs = aws.client("efs")
    good = efs.create_file_system(
        CreationToken="a", Encrypted=True, Tags=[{"Key": "Name", "Value": "shared"}]
    )
    bad = efs.create_file_system(CreationToken="b", Encrypted=False)

    systems: dict[str, FileSystem] = by_name(list(collect_file_systems(context(aws, "efs"))))

    assert systems[good["FileSystemId"]].encrypted is True
    assert systems[good["FileSystemId"]].name == "shared"
    assert systems[good["FileSystemId"]].arn == good["FileSystemArn"]
    assert systems[bad["FileSystemId"]].encrypted is False


def test_db_instances_and_clusters(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in ((1, "a"), (2, "b"))
    ]
    rds = aws.client("rds")
    rds.create_db_subnet_group(DBSubnetGroupName="data", DBSubnetGroupDescription="data", SubnetIds=subnets)
    rds.create_db_instance(
        DBInstanceIdentifier="orders",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="admin_user",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
        DBSubnetGroupName="data",
        StorageEncrypted=True,
        PubliclyAccessible=False,
        Tags=[{"Key": "Environment", "Value": "prod"}],
    )
    rds.create_db_cluster(
        DBClusterIdentifier="ledger",
        Engine="aurora-postgresql",
        MasterUsername="admin_user",
        MasterUserPassword="not-a-real-password",
        DBSubnetGroupName="data",
        StorageEncrypted=True,
    )
    rds.create_db_instance(
        DBInstanceIdentifier="ledger-1",
        Engine="aurora-postgresql",
        DBInstanceClass="db.r5.large",
        DBClusterIdentifier="ledger",
    )
    rds.create_db_cluster(DBClusterIdentifier="graph", Engine="neptune")

    instances: dict[str, DbInstance] = by_name(list(collect_db_instances(context(aws, "rds"))))
    ctx = context(aws, "rds")
    clusters: dict[str, DbCluster] = by_name(list(collect_db_clusters(ctx)))

    orders = instances["orders"]
    assert orders.arn == f"arn:aws:rds:{REGION}:{ACCOUNT}:db:orders"
    assert (orders.vpc_id, set(orders.subnet_ids)) == (vpc, set(subnets))
    assert (orders.storage_encrypted, orders.publicly_accessible, orders.cluster_id) == (True, False, None)
    assert orders.parameter_groups
    assert orders.ca_certificate_identifier
    assert orders.tags == {"Environment": "prod"}
    assert instances["ledger-1"].cluster_id == "ledger"
    ledger = clusters["ledger"]
    assert ledger.member_instance_ids == ("ledger-1",)
    assert (ledger.vpc_id, set(ledger.subnet_ids)) == (vpc, set(subnets))
    assert ledger.storage_encrypted is True
    assert clusters["graph"].engine == "neptune"  # kept: the checks decide
    assert ctx.gaps == []


def test_unlisted_subnet_groups_leave_clusters_unresolved(aws: Aws) -> None:
    aws.client("rds").create_db_cluster(
        DBClusterIdentifier="ledger",
        Engine="aurora-mysql",
        MasterUsername="admin_user",
        MasterUserPassword="not-a-real-password",
    )
    ctx = context(aws, "rds")
    deny(ctx, "rds", REGION, "DescribeDBSubnetGroups")

    cluster = by_name(list(collect_db_clusters(ctx)))["ledger"]

    assert cluster.engine == "aurora-mysql"
    assert (
        cluster.unknown("subnet_ids") == "access denied: rds:DescribeDbSubnetGroups (AccessDeniedException)"
    )
    assert [g.operation for g in ctx.gaps] == ["DescribeDbSubnetGroups"]
