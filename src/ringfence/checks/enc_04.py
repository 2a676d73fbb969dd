"""ENC-04: EBS and RDS snapshots are encrypted and not public.

Judged on the snapshots the account owns: EBS snapshots (OwnerId self), RDS DB snapshots and DB
cluster snapshots, manual and automated. A snapshot fails when it is unencrypted, or when anyone
may restore it (createVolumePermission group "all"; the RDS restore attribute "all"). A public
snapshot is reported critical: anyone with an AWS account can copy the data out. (AWS refuses to
make an encrypted snapshot public, so a public one is also unencrypted.)

Snapshots of Neptune and DocumentDB, which the RDS APIs also list, are not RDS snapshots:
NOT_APPLICABLE, as in ENC-06.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.support import non_rds_reason
from ringfence.model import Remediation, Resource, Severity, Snapshot
from ringfence.model.rds_snapshots import DbSnapshot

META = CheckMeta(
    id="ENC-04",
    title="EBS and RDS snapshots are encrypted and not public",
    severity=Severity.HIGH,
    rationale=(
        "Snapshots hold a full copy of the data: an unencrypted one is readable by anyone who can copy "
        "it, and a public one can be restored by any AWS account in the world."
    ),
    remediation=Remediation(
        text=(
            "Remove the public permission at once. Replace unencrypted snapshots with encrypted copies "
            "under a customer-managed key, then delete the originals; turn on EBS encryption by default "
            "and encrypt the source volumes and databases so new snapshots are encrypted."
        ),
        cli=(
            "aws ec2 modify-snapshot-attribute --snapshot-id SNAP_ID --attribute createVolumePermission "
            "--operation-type remove --group-names all\n"
            "aws ec2 copy-snapshot --source-region REGION --source-snapshot-id SNAP_ID --encrypted "
            "--kms-key-id KEY_ARN\n"
            "aws rds modify-db-snapshot-attribute --db-snapshot-identifier SNAP --attribute-name restore "
            "--values-to-remove all\n"
            "aws rds copy-db-snapshot --source-db-snapshot-identifier SNAP --target-db-snapshot-identifier "
            "SNAP-encrypted --kms-key-id KEY_ARN"
        ),
        cloudformation=(
            "# Snapshots are not CloudFormation resources; encrypt their sources so snapshots inherit it:\n"
            "Type: AWS::RDS::DBInstance\nProperties:\n  StorageEncrypted: true\n  KmsKeyId: !Ref DataKey"
        ),
        terraform=(
            'resource "aws_ebs_encryption_by_default" "on" {\n  enabled = true\n}\n\n'
            'resource "aws_ebs_snapshot_copy" "encrypted" {\n  source_snapshot_id = "snap-..."\n'
            '  source_region      = "eu-west-1"\n  encrypted          = true\n  kms_key_id         = aws_kms_key.data.arn\n}'
        ),
    ),
    modes=("live",),
    resource_types=(Snapshot.KIND, DbSnapshot.KIND),
    frameworks=Mapping_(fsbp=("EC2.1", "RDS.1", "RDS.4"), nist_800_53=("AC-3", "SC-28")),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for snap in ctx.inventory.of(Snapshot):
        yield _judge(snap, f"EBS snapshot {snap.display_name}", snap.encrypted, snap.public)
    for db_snap in ctx.inventory.of(DbSnapshot):
        other = non_rds_reason(db_snap.engine)
        if other:
            yield not_applicable(db_snap, other, resource_type=db_snap.resource_type)
        else:
            yield _judge(db_snap, db_snap.label, db_snap.encrypted, db_snap.public, db_snap.resource_type)


def _judge(
    snap: Resource, name: str, encrypted: bool | None, public: bool | None, resource_type: str | None = None
) -> Outcome:
    kw = {"resource_type": resource_type} if resource_type else {}
    if public:
        state = "unencrypted and " if encrypted is False else ""
        return failed(
            snap, f"{name} is {state}public: any AWS account can restore it", severity=Severity.CRITICAL, **kw
        )
    undecided = [
        f"{field} not known: {snap.unknown(field) or 'not stated'}"
        for field, value in (("encrypted", encrypted), ("public", public))
        if value is None
    ]
    if encrypted is False:
        note = f" ({'; '.join(undecided)})" if undecided else ""
        return failed(snap, f"{name} is unencrypted{note}", **kw)
    if undecided:
        return unknown(snap, f"{name}: {'; '.join(undecided)}", **kw)
    return passed(snap, f"{name} is encrypted and not public", **kw)
