"""ENC-03: data stores are encrypted with customer-managed KMS keys, not AWS-managed keys.

Judged on encrypted data stores only. An unencrypted one is NOT_APPLICABLE here, because its own
control fails it: EBS ENC-02, EFS ENC-05, RDS/Aurora ENC-06, S3 ENC-07, CloudTrail LOG-01.

A key is customer-managed when the inventory's key says KeyManager CUSTOMER (the API's answer).
A reference to alias/aws/... names an AWS-managed key even when that key was not read: FAIL. Any
other key that is not in the inventory (another account's key, a region not scanned, KMS not
readable) leaves the answer UNKNOWN.

S3: the criterion lists "S3 (SSE-KMS)". Since January 2023 every bucket is encrypted, at the least
with SSE-S3 (AES256), which uses S3-managed keys and no KMS key at all. Such a bucket is encrypted
but not with a customer-managed key, so it FAILS here with that message (and ENC-07 fails it for
not using KMS). SSE-KMS without a key id uses the AWS-managed key aws/s3: FAIL. Only a bucket with
no encryption configuration at all (possible before 2023) counts as unencrypted.

CloudTrail: a trail without KmsKeyId is not KMS-encrypted; LOG-01 requires the key, and its log
files take the bucket's default encryption, which is judged here on the bucket.

RDS: a cluster member's storage is the cluster's (Aurora, Multi-AZ DB clusters), so the cluster is
judged and its members are NOT_APPLICABLE, as in ENC-06. Neptune and DocumentDB are listed by the
RDS APIs but are not among the control's data stores: NOT_APPLICABLE.

ElastiCache: replication groups encrypted at rest (ENC-10 fails the others). With no KmsKeyId they
use ElastiCache's default key, which is not a customer-managed key: FAIL.

Amazon MQ: a broker is always encrypted at rest. UseAwsOwnedKey true means an AWS-owned key (FAIL);
false with no KmsKeyId means the AWS-managed key aws/mq (FAIL); otherwise the key named is judged.
The key is chosen when a broker is created, so the remediation is a new broker.

IaC (a resource with a source_type): a key is found by its logical id, Terraform address or an
alias the files declare; a key the files do not declare is UNKNOWN. Encrypted without a key id:
RDS and EFS use their AWS-managed keys (FAIL); EBS uses the account's default EBS key, aws/ebs
unless someone changed it, which the files cannot say (UNKNOWN).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.support import (
    bucket_kms_rule,
    cluster_member_outcome,
    find_kms_key,
    is_aws_managed_alias,
    non_rds_reason,
)
from ringfence.model import (
    Bucket,
    DbCluster,
    DbInstance,
    FileSystem,
    Inventory,
    KmsKey,
    Remediation,
    Resource,
    Severity,
    Trail,
    Volume,
)
from ringfence.model.cache import CacheReplicationGroup
from ringfence.model.messaging import MqBroker

META = CheckMeta(
    id="ENC-03",
    title="Data stores are encrypted with customer-managed KMS keys, not AWS-managed keys",
    severity=Severity.MEDIUM,
    rationale=(
        "An AWS-managed key's policy cannot be changed: anyone in the account whom IAM lets use the "
        "service can decrypt through it, and it cannot be shared, disabled or scheduled for deletion. "
        "A customer-managed key gives separate control over who may decrypt, and a way to revoke it."
    ),
    remediation=Remediation(
        text=(
            "Create a customer-managed key and move the data store to it. S3 and CloudTrail switch keys "
            "in place; EBS and RDS need an encrypted copy of a snapshot restored under the new key; EFS "
            "needs a new file system and a copy of the data (AWS DataSync)."
        ),
        cli=(
            "aws s3api put-bucket-encryption --bucket BUCKET --server-side-encryption-configuration "
            '\'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms",'
            '"KMSMasterKeyID":"KEY_ARN"},"BucketKeyEnabled":true}]}\'\n'
            "aws cloudtrail update-trail --name TRAIL --kms-key-id KEY_ARN\n"
            "aws rds copy-db-snapshot --source-db-snapshot-identifier SNAP --target-db-snapshot-identifier "
            "SNAP-cmk --kms-key-id KEY_ARN"
        ),
        cloudformation=(
            "DataKey:\n  Type: AWS::KMS::Key\n  Properties:\n    EnableKeyRotation: true\n"
            "Bucket:\n  Type: AWS::S3::Bucket\n  Properties:\n    BucketEncryption:\n"
            "      ServerSideEncryptionConfiguration:\n        - ServerSideEncryptionByDefault:\n"
            "            SSEAlgorithm: aws:kms\n            KMSMasterKeyID: !GetAtt DataKey.Arn\n"
            "          BucketKeyEnabled: true"
        ),
        terraform=(
            'resource "aws_kms_key" "data" {\n  enable_key_rotation = true\n}\n\n'
            'resource "aws_db_instance" "db" {\n  storage_encrypted = true\n'
            "  kms_key_id        = aws_kms_key.data.arn\n}"
        ),
    ),
    modes=("live", "iac"),
    resource_types=(
        Volume.KIND,
        FileSystem.KIND,
        DbInstance.KIND,
        DbCluster.KIND,
        Bucket.KIND,
        Trail.KIND,
        KmsKey.KIND,
        CacheReplicationGroup.KIND,
        MqBroker.KIND,
    ),
    tested_with=(
        "moto server; Inventory built directly for AWS-managed keys, other accounts' keys and Amazon MQ "
        "key choices"
    ),
    frameworks=Mapping_(nist_800_53=("SC-12", "SC-28")),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    wanted = {str(name).lower() for name in ctx.params.get("applies_to", ())}
    for name, judge in JUDGES.items():
        if name in wanted:
            yield from judge(ctx.inventory)


def _volumes(inv: Inventory) -> Iterator[Outcome]:
    for vol in inv.of(Volume):
        yield _store(inv, vol, "volume", vol.encrypted, vol.unknown("encrypted"), vol.kms_key_id, "ENC-02")


def _file_systems(inv: Inventory) -> Iterator[Outcome]:
    for fs in inv.of(FileSystem):
        yield _store(inv, fs, "file system", fs.encrypted, fs.unknown("encrypted"), fs.kms_key_id, "ENC-05")


def _databases(inv: Inventory) -> Iterator[Outcome]:
    for db in inv.of(DbInstance):
        other = non_rds_reason(db.engine)
        member = None if other else cluster_member_outcome(inv, db)
        if other:
            yield not_applicable(db, f"{other}; not among ENC-03's data stores")
        elif member:
            yield member
        else:
            reason = db.unknown("storage_encrypted")
            yield _store(inv, db, "DB instance", db.storage_encrypted, reason, db.kms_key_id, "ENC-06")
    for cluster in inv.of(DbCluster):
        other = non_rds_reason(cluster.engine)
        if other:
            yield not_applicable(cluster, f"{other}; not among ENC-03's data stores")
        else:
            reason = cluster.unknown("storage_encrypted")
            yield _store(
                inv, cluster, "DB cluster", cluster.storage_encrypted, reason, cluster.kms_key_id, "ENC-06"
            )


def _buckets(inv: Inventory) -> Iterator[Outcome]:
    for bucket in inv.of(Bucket):
        reason = bucket.unknown("encryption_rules")
        rule = bucket_kms_rule(bucket)
        if reason:
            yield unknown(bucket, f"default encryption could not be read: {reason}")
        elif not bucket.encryption_rules:
            yield not_applicable(bucket, "no default encryption configuration: ENC-07 fails it")
        elif rule is None:
            algorithms = ", ".join(sorted({r.sse_algorithm for r in bucket.encryption_rules}))
            yield failed(
                bucket,
                f"bucket {bucket.native_id} is encrypted with SSE-S3 ({algorithms}) only: S3-managed keys, "
                "not a customer-managed KMS key",
            )
        elif not rule.kms_key_id:
            yield failed(
                bucket,
                f"bucket {bucket.native_id} uses {rule.sse_algorithm} without a key id, which is the "
                "AWS-managed key aws/s3",
            )
        else:
            yield _key_outcome(inv, bucket, "bucket", rule.kms_key_id)


def _trails(inv: Inventory) -> Iterator[Outcome]:
    for trail in inv.of(Trail):
        reason = trail.unknown("kms_key_id")
        if reason:
            yield unknown(trail, f"the trail's KMS key could not be read: {reason}")
        elif not trail.kms_key_id:
            yield not_applicable(
                trail,
                "the trail does not encrypt its log files with KMS (LOG-01 requires it); "
                "its bucket's default encryption is judged on the bucket",
            )
        else:
            yield _key_outcome(inv, trail, "trail", trail.kms_key_id)


def _caches(inv: Inventory) -> Iterator[Outcome]:
    for group in inv.of(CacheReplicationGroup):
        reason = group.unknown("at_rest_encryption")
        if reason or group.at_rest_encryption is None:
            yield unknown(
                group, f"encryption at rest of the replication group is not known: {reason or 'not stated'}"
            )
        elif not group.at_rest_encryption:
            yield not_applicable(group, "the replication group is not encrypted at rest: ENC-10 fails it")
        elif not group.kms_key_id:
            yield failed(
                group,
                f"replication group {group.native_id} is encrypted with ElastiCache's default key, not a "
                "customer-managed KMS key",
            )
        else:
            yield _key_outcome(inv, group, "replication group", group.kms_key_id)


def _brokers(inv: Inventory) -> Iterator[Outcome]:
    for broker in inv.of(MqBroker):
        name = f"broker {broker.broker_name or broker.native_id}"
        reason = broker.unknown("use_aws_owned_key", "kms_key_id")
        if reason:
            yield unknown(broker, f"the encryption key of the {name} is not known: {reason}")
        elif broker.use_aws_owned_key:
            yield failed(broker, f"{name} is encrypted with an AWS-owned key, not a customer-managed KMS key")
        elif not broker.kms_key_id:
            if broker.use_aws_owned_key is None:
                yield unknown(broker, f"the encryption options of the {name} are not stated")
            else:
                yield failed(broker, f"{name} is encrypted with the AWS-managed key aws/mq")
        else:
            yield _key_outcome(inv, broker, "broker", broker.kms_key_id)


JUDGES: dict[str, Callable[[Inventory], Iterator[Outcome]]] = {
    "ebs": _volumes,
    "efs": _file_systems,
    "rds": _databases,
    "s3": _buckets,
    "cloudtrail": _trails,
    "elasticache": _caches,
    "mq": _brokers,
}


def _store(
    inv: Inventory,
    resource: Resource,
    what: str,
    encrypted: bool | None,
    reason: str | None,
    key_ref: str | None,
    own_control: str,
) -> Outcome:
    if reason or encrypted is None:
        return unknown(resource, f"encryption of the {what} is not known: {reason or 'not stated'}")
    if not encrypted:
        return not_applicable(resource, f"the {what} is not encrypted: {own_control} fails it")
    return _key_outcome(inv, resource, what, key_ref)


# IaC: what a data store encrypted without a key id uses (None: not knowable from the files).
IAC_DEFAULT_KEYS: dict[str, str | None] = {
    "volume": None,
    "file system": "aws/elasticfilesystem",
    "DB instance": "aws/rds",
    "DB cluster": "aws/rds",
}


def _key_outcome(inv: Inventory, resource: Resource, what: str, key_ref: str | None) -> Outcome:
    name = f"{what} {resource.display_name}"
    reason = resource.unknown("kms_key_id")
    iac = resource.source_type is not None
    if iac and not reason and not key_ref and what in IAC_DEFAULT_KEYS:
        default = IAC_DEFAULT_KEYS[what]
        if default:
            return failed(resource, f"{name} is encrypted without a KMS key id: it uses the AWS-managed key {default}")
        return unknown(
            resource,
            f"{name} is encrypted without a KMS key id: it uses the account's default EBS key (aws/ebs unless "
            "changed with modify-ebs-default-kms-key-id), which the files do not say",
        )
    if reason or not key_ref:
        return unknown(
            resource, f"the {what} is encrypted but its KMS key is not known: {reason or 'not stated'}"
        )
    if is_aws_managed_alias(key_ref):
        return failed(resource, f"{name} is encrypted with the AWS-managed key {key_ref}")
    key = find_kms_key(inv, resource, key_ref)
    if key is None and iac:
        return unknown(
            resource, f"KMS key {key_ref} is not declared in these files: whether it is customer-managed is not known"
        )
    if key is None:
        return unknown(
            resource,
            f"KMS key {key_ref} is not in the inventory (another account's key, a region not scanned, "
            "or KMS not readable): whether it is customer-managed is not known",
        )
    reason = key.unknown("key_manager")
    if reason or key.key_manager is None:
        return unknown(
            resource, f"KeyManager of KMS key {key.native_id} is not known: {reason or 'not stated'}"
        )
    label = ", ".join(key.aliases) or key.native_id
    if key.key_manager == "CUSTOMER":
        return passed(resource, f"{name} is encrypted with customer-managed key {label}")
    return failed(
        resource, f"{name} is encrypted with the AWS-managed key {label} (KeyManager {key.key_manager})"
    )
