"""ENC-06: RDS instances and Aurora clusters are encrypted at rest.

A DB cluster's members (Aurora, Multi-AZ DB clusters) take their storage encryption from the
cluster: the cluster is judged and each member is NOT_APPLICABLE, naming the cluster (UNKNOWN when
the cluster is missing from the inventory). Neptune and DocumentDB are listed by the same APIs but
are not RDS databases: NOT_APPLICABLE.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.support import cluster_member_outcome, non_rds_reason
from ringfence.model import DbCluster, DbInstance, Remediation, Severity

META = CheckMeta(
    id="ENC-06",
    title="RDS instances and Aurora clusters are encrypted at rest",
    severity=Severity.HIGH,
    rationale=(
        "An unencrypted database keeps its storage, automated backups, read replicas and snapshots "
        "in plaintext; encryption cannot be switched on for an existing instance or cluster."
    ),
    remediation=Remediation(
        text=(
            "Snapshot the instance (Aurora: the cluster), copy the snapshot encrypted under a "
            "customer-managed key, restore from the copy and move clients to the new endpoint."
        ),
        cli=(
            "aws rds copy-db-snapshot --source-db-snapshot-identifier SNAP --target-db-snapshot-identifier "
            "SNAP-encrypted --kms-key-id KEY_ARN\n"
            "aws rds restore-db-instance-from-db-snapshot --db-instance-identifier NEW_DB "
            "--db-snapshot-identifier SNAP-encrypted"
        ),
        cloudformation=(
            "Type: AWS::RDS::DBInstance\nProperties:\n  StorageEncrypted: true\n  KmsKeyId: !GetAtt DataKey.Arn"
        ),
        terraform=(
            'resource "aws_rds_cluster" "db" {\n  storage_encrypted = true\n'
            "  kms_key_id        = aws_kms_key.data.arn\n}"
        ),
    ),
    modes=("live", "iac"),
    resource_types=(DbInstance.KIND, DbCluster.KIND),
    tested_with="moto server; IaC templates and a Terraform plan (tests/iac)",
    frameworks=Mapping_(cis=("2.3.1",), fsbp=("RDS.3", "RDS.27"), nist_800_53=("SC-28",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    for db in inv.of(DbInstance):
        other = non_rds_reason(db.engine)
        member = None if other else cluster_member_outcome(inv, db)
        if other:
            yield not_applicable(db, other)
        elif member:
            yield member
        else:
            yield _judge(db, "DB instance", db.storage_encrypted, db.unknown("storage_encrypted"))
    for cluster in inv.of(DbCluster):
        other = non_rds_reason(cluster.engine)
        if other:
            yield not_applicable(cluster, other)
        else:
            reason = cluster.unknown("storage_encrypted")
            yield _judge(cluster, "DB cluster", cluster.storage_encrypted, reason)


def _judge(db: DbInstance | DbCluster, what: str, encrypted: bool | None, reason: str | None) -> Outcome:
    if reason or encrypted is None:
        return unknown(db, f"storage encryption not known: {reason or 'not stated'}")
    if encrypted:
        return passed(db, f"{what} storage is encrypted")
    return failed(
        db, f"{what} {db.display_name} ({db.engine or 'engine not stated'}) is not encrypted at rest"
    )
