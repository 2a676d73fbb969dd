from __future__ import annotations

from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import (
    Bucket,
    DbCluster,
    DbInstance,
    EncryptionRule,
    Finding,
    Inventory,
    KmsKey,
    Resource,
    Status,
    Trail,
    Volume,
)
from ringfence.model.cache import CacheReplicationGroup
from ringfence.model.messaging import MqBroker

from support import ACCOUNT, REGION, Aws, findings_for, status_of

KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/"


def findings(*resources: Resource, **params: Any) -> dict[str, Finding]:
    found = evaluate(
        Inventory(resources),
        [all_checks()["ENC-03"]],
        params={"ENC-03": params} if params else None,
        strict=True,
    )
    return {f.resource_id: f for f in found}


def key(key_id: str, manager: str, *aliases: str, account: str = ACCOUNT) -> KmsKey:
    return KmsKey(
        arn=f"arn:aws:kms:{REGION}:{account}:key/{key_id}",
        native_id=key_id,
        account=account,
        region=REGION,
        key_manager=manager,
        key_spec="SYMMETRIC_DEFAULT",
        aliases=aliases,
    )


def volume(vol_id: str, key_ref: str | None, encrypted: bool = True) -> Volume:
    return Volume(
        arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/{vol_id}",
        native_id=vol_id,
        account=ACCOUNT,
        region=REGION,
        encrypted=encrypted,
        kms_key_id=key_ref,
    )


def bucket(name: str, *rules: EncryptionRule) -> Bucket:
    return Bucket(
        arn=f"arn:aws:s3:::{name}", native_id=name, account=ACCOUNT, region=REGION, encryption_rules=rules
    )


def test_stores_under_a_customer_key_pass_and_sse_s3_or_aws_s3_fail(aws: Aws) -> None:
    key_arn = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    ec2 = aws.client("ec2")
    good_volume = ec2.create_volume(Size=1, AvailabilityZone=f"{REGION}a", Encrypted=True, KmsKeyId=key_arn)
    plain_volume = ec2.create_volume(Size=1, AvailabilityZone=f"{REGION}a", Encrypted=False)
    fs = aws.client("efs").create_file_system(CreationToken="fs", Encrypted=True, KmsKeyId=key_arn)
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier="orders",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="admin_user",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
        StorageEncrypted=True,
        KmsKeyId=key_arn,
    )
    s3 = aws.client("s3")
    for name, default in (
        ("rf-cmk", {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}),
        ("rf-sse-s3", {"SSEAlgorithm": "AES256"}),
        ("rf-aws-s3", {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/aws/s3"}),
    ):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": default}]},
        )

    result = aws.scan(controls=["ENC-03"])

    assert status_of(result, "ENC-03", good_volume["VolumeId"]) is Status.PASS
    assert status_of(result, "ENC-03", plain_volume["VolumeId"]) is Status.NOT_APPLICABLE
    assert status_of(result, "ENC-03", fs["FileSystemId"]) is Status.PASS
    assert status_of(result, "ENC-03", ":db:orders") is Status.PASS
    assert status_of(result, "ENC-03", ":::rf-cmk") is Status.PASS
    assert status_of(result, "ENC-03", ":::rf-sse-s3") is Status.FAIL
    assert status_of(result, "ENC-03", ":::rf-aws-s3") is Status.FAIL
    sse_s3 = next(f for f in findings_for(result, "ENC-03") if f.resource_id.endswith("rf-sse-s3"))
    assert "SSE-S3" in sse_s3.message


def test_aws_managed_and_foreign_keys() -> None:
    result = findings(
        key("cmk", "CUSTOMER", "alias/data"),
        key("managed", "AWS", "alias/aws/ebs"),
        volume("vol-cmk", "alias/data"),
        volume("vol-managed", KEY_ARN + "managed"),
        volume("vol-foreign", "arn:aws:kms:eu-west-1:999999999999:key/theirs"),
        volume("vol-alias", "alias/aws/ebs-not-listed"),
        bucket("rf-default-key", EncryptionRule("aws:kms")),
        bucket("rf-dsse", EncryptionRule("aws:kms:dsse", KEY_ARN + "cmk")),
    )
    statuses = {rid.rsplit("/", 1)[-1].rsplit(":", 1)[-1]: f.status for rid, f in result.items()}
    assert statuses["vol-cmk"] is Status.PASS
    assert statuses["vol-managed"] is Status.FAIL
    assert statuses["vol-foreign"] is Status.UNKNOWN
    assert statuses["vol-alias"] is Status.FAIL  # alias/aws/* is AWS-managed even unread
    assert statuses["rf-default-key"] is Status.FAIL  # SSE-KMS without a key id is aws/s3
    assert statuses["rf-dsse"] is Status.PASS
    assert "not in the inventory" in next(f for r, f in result.items() if r.endswith("vol-foreign")).message


def test_clusters_trails_and_applies_to() -> None:
    cluster = DbCluster(
        arn=f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:ledger",
        native_id="ledger",
        account=ACCOUNT,
        region=REGION,
        engine="aurora-mysql",
        storage_encrypted=True,
        kms_key_id=KEY_ARN + "managed",
    )
    member = DbInstance(
        arn=f"arn:aws:rds:{REGION}:{ACCOUNT}:db:ledger-1",
        native_id="ledger-1",
        account=ACCOUNT,
        region=REGION,
        engine="aurora-mysql",
        storage_encrypted=True,
        kms_key_id=KEY_ARN + "managed",
        cluster_id="ledger",
    )
    docdb = DbCluster(
        arn=f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:docs",
        native_id="docs",
        account=ACCOUNT,
        region=REGION,
        engine="docdb",
        storage_encrypted=True,
    )
    trail = Trail(
        arn=f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/org",
        native_id="org",
        account=ACCOUNT,
        region=REGION,
        kms_key_id=KEY_ARN + "cmk",
    )
    untrail = Trail(
        arn=f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/plain",
        native_id="plain",
        account=ACCOUNT,
        region=REGION,
    )
    keys = (key("cmk", "CUSTOMER"), key("managed", "AWS"))
    everything = findings(
        *keys, cluster, member, docdb, trail, untrail, bucket("rf-s3", EncryptionRule("AES256"))
    )

    assert everything[cluster.arn].status is Status.FAIL
    assert everything[member.arn].status is Status.NOT_APPLICABLE
    assert "ledger" in everything[member.arn].message
    assert everything[docdb.arn].status is Status.NOT_APPLICABLE
    assert everything[trail.arn].status is Status.PASS
    assert everything[untrail.arn].status is Status.NOT_APPLICABLE

    only_s3 = findings(*keys, cluster, trail, bucket("rf-s3", EncryptionRule("AES256")), applies_to=["s3"])
    assert set(only_s3) == {"arn:aws:s3:::rf-s3"}


def test_elasticache_and_amazon_mq_keys(aws: Aws) -> None:
    key_arn = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    cache = aws.client("elasticache")
    for name, extra in (("rf-cmk", {"KmsKeyId": key_arn}), ("rf-default", {})):
        cache.create_replication_group(
            ReplicationGroupId=name,
            ReplicationGroupDescription=name,
            Engine="redis",
            CacheNodeType="cache.t3.micro",
            NumCacheClusters=1,
            AtRestEncryptionEnabled=True,
            TransitEncryptionEnabled=True,
            **extra,
        )
    mq = aws.client("mq")
    brokers = {
        name: mq.create_broker(
            BrokerName=name,
            DeploymentMode="SINGLE_INSTANCE",
            EngineType="ACTIVEMQ",
            EngineVersion="5.17.6",
            HostInstanceType="mq.t3.micro",
            PubliclyAccessible=False,
            AutoMinorVersionUpgrade=True,
            Users=[{"Username": "admin", "Password": "not-a-real-password"}],
            EncryptionOptions=options,
        )["BrokerId"]
        for name, options in (
            ("rf-broker-cmk", {"UseAwsOwnedKey": False, "KmsKeyId": key_arn}),
            ("rf-broker-owned", {"UseAwsOwnedKey": True}),
        )
    }

    result = aws.scan(controls=["ENC-03"])

    assert status_of(result, "ENC-03", "replicationgroup:rf-cmk") is Status.PASS
    assert status_of(result, "ENC-03", "replicationgroup:rf-default") is Status.FAIL
    assert status_of(result, "ENC-03", brokers["rf-broker-cmk"]) is Status.PASS
    assert status_of(result, "ENC-03", brokers["rf-broker-owned"]) is Status.FAIL


def test_amazon_mq_aws_managed_key_and_unencrypted_caches() -> None:
    managed = MqBroker(
        arn=f"arn:aws:mq:{REGION}:{ACCOUNT}:broker:orders:b-1",
        native_id="b-1",
        account=ACCOUNT,
        region=REGION,
        broker_name="orders",
        use_aws_owned_key=False,
    )
    plain = CacheReplicationGroup(
        arn=f"arn:aws:elasticache:{REGION}:{ACCOUNT}:replicationgroup:plain",
        native_id="plain",
        account=ACCOUNT,
        region=REGION,
        at_rest_encryption=False,
    )
    result = findings(managed, plain)
    assert result[managed.arn].status is Status.FAIL
    assert "aws/mq" in result[managed.arn].message
    assert result[plain.arn].status is Status.NOT_APPLICABLE
