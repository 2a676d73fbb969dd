"""ENC-02: every EBS volume is encrypted."""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Remediation, Severity, Volume

META = CheckMeta(
    id="ENC-02",
    title="Every EBS volume is encrypted",
    severity=Severity.HIGH,
    rationale=(
        "An unencrypted volume, and every snapshot taken of it, holds its data in plaintext; "
        "encryption cannot be switched on in place."
    ),
    remediation=Remediation(
        text=(
            "Snapshot the volume, copy the snapshot with encryption under a customer-managed key, "
            "create a volume from the copy and swap it in."
        ),
        cli=(
            "aws ec2 copy-snapshot --source-snapshot-id SNAPSHOT_ID --source-region REGION "
            "--encrypted --kms-key-id KEY_ARN"
        ),
        cloudformation="Type: AWS::EC2::Volume\nProperties:\n  Encrypted: true\n  KmsKeyId: !Ref DataKey",
        terraform='resource "aws_ebs_volume" "data" {\n  encrypted  = true\n  kms_key_id = aws_kms_key.data.arn\n}',
    ),
    modes=("live",),
    resource_types=(Volume.KIND,),
    frameworks=Mapping_(fsbp=("EC2.3",), nist_800_53=("SC-28",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for volume in ctx.inventory.of(Volume):
        reason = volume.unknown("encrypted")
        if reason or volume.encrypted is None:
            yield unknown(volume, f"encryption not known: {reason or 'not stated'}")
        elif volume.encrypted:
            yield passed(volume, "volume is encrypted")
        else:
            attached = ", ".join(volume.attached_instance_ids) or "no instance"
            yield failed(volume, f"volume {volume.display_name} is not encrypted (attached to {attached})")
