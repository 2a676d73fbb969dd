"""ENC-05: EFS file systems are encrypted at rest."""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import FileSystem, Remediation, Severity

GONE = ("deleting", "deleted")

META = CheckMeta(
    id="ENC-05",
    title="EFS file systems are encrypted at rest",
    severity=Severity.HIGH,
    rationale=(
        "An unencrypted file system holds its data, and every backup of it, in plaintext; "
        "encryption at rest can only be chosen when the file system is created."
    ),
    remediation=Remediation(
        text=(
            "Create an encrypted file system (with a customer-managed key), copy the data across "
            "(AWS DataSync), move the mount targets' clients to it and delete the old one."
        ),
        cli="aws efs create-file-system --creation-token NAME --encrypted --kms-key-id KEY_ARN",
        cloudformation=(
            "Type: AWS::EFS::FileSystem\nProperties:\n  Encrypted: true\n  KmsKeyId: !GetAtt DataKey.Arn"
        ),
        terraform=(
            'resource "aws_efs_file_system" "data" {\n  encrypted  = true\n'
            "  kms_key_id = aws_kms_key.data.arn\n}"
        ),
    ),
    modes=("live", "iac"),
    resource_types=(FileSystem.KIND,),
    tested_with="moto server; IaC templates and a Terraform plan (tests/iac)",
    frameworks=Mapping_(cis=("2.4.1",), fsbp=("EFS.1",), nist_800_53=("SC-28",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for fs in ctx.inventory.of(FileSystem):
        reason = fs.unknown("encrypted")
        if fs.life_cycle_state in GONE:
            yield not_applicable(fs, f"file system is {fs.life_cycle_state}")
        elif reason or fs.encrypted is None:
            yield unknown(fs, f"encryption not known: {reason or 'not stated'}")
        elif fs.encrypted:
            yield passed(fs, "file system is encrypted at rest")
        else:
            yield failed(fs, f"file system {fs.display_name} is not encrypted at rest")
