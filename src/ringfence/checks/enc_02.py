"""ENC-02: every EBS volume is encrypted.

IaC: volumes, and the EBS block device mappings of instances and launch templates. A volume or
mapping that does not set Encrypted true fails: the template does not encrypt it (EBS encryption by
default, an account setting judged by ENC-01, would still encrypt it once deployed). One made from
a snapshot without Encrypted is encrypted exactly when the snapshot is: UNKNOWN. An instance or
launch template with no EBS mapping at all is NOT_APPLICABLE: its root volume is the AMI's.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import BlockDevice, Instance, LaunchTemplate, Remediation, Resource, Severity, Volume

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
    modes=("live", "iac"),
    resource_types=(Volume.KIND, Instance.KIND, LaunchTemplate.KIND),
    tested_with="moto server; IaC templates and a Terraform plan (tests/iac)",
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
            why = NOT_SET if ctx.mode == "iac" else ""
            yield failed(volume, f"volume {volume.display_name} is not encrypted{why} (attached to {attached})")
    if ctx.mode == "iac":
        for instance in ctx.inventory.of(Instance):
            yield _mappings(instance, "instance", instance.block_devices)
        for template in ctx.inventory.of(LaunchTemplate):
            devices = tuple(d for v in template.versions for d in v.block_devices)
            yield _mappings(template, "launch template", devices)


NOT_SET = (
    ": the template does not set Encrypted to true (EBS encryption by default, if on in the target "
    "account, would still encrypt it: ENC-01)"
)


def _mappings(resource: Resource, what: str, devices: tuple[BlockDevice, ...]) -> Outcome:
    name = f"{what} {resource.display_name}"
    reason = resource.unknown("block_devices")
    if not devices and not reason:
        return not_applicable(
            resource,
            f"{name} declares no EBS block device: its root volume is the AMI's (encrypted when the AMI's "
            "snapshot is, or when EBS encryption by default is on: ENC-01)",
        )
    failing = [d.device_name for d in devices if d.encrypted is False]
    if failing:
        return failed(resource, f"{name}: EBS device(s) {', '.join(failing)} not encrypted{NOT_SET}")
    undecided = [
        f"{d.device_name}: {resource.unknown(f'block_devices/{d.device_name}') or 'not stated'}"
        for d in devices
        if d.encrypted is None
    ]
    if reason:
        undecided.append(reason)
    if undecided:
        return unknown(resource, f"{name}: encryption not known: {'; '.join(undecided)}")
    return passed(resource, f"{name}: all {len(devices)} EBS device(s) are encrypted")
