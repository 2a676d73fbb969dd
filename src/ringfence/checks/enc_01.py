"""ENC-01: EBS encryption by default is on in every region in use."""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.support import regions_in_use
from ringfence.model import RegionSettings, Remediation, Severity

META = CheckMeta(
    id="ENC-01",
    title="EBS encryption by default is on in every region in use",
    severity=Severity.HIGH,
    rationale=(
        "With encryption by default every new volume and snapshot copy is encrypted, whoever creates "
        "it and however; without it one forgotten flag leaves data in plaintext."
    ),
    remediation=Remediation(
        text="Turn on EBS encryption by default in the region (optionally with a customer-managed key).",
        cli="aws ec2 enable-ebs-encryption-by-default --region REGION",
        terraform='resource "aws_ebs_encryption_by_default" "this" { enabled = true }',
    ),
    modes=("live",),
    resource_types=(RegionSettings.KIND,),
    frameworks=Mapping_(cis=("2.2.1",), fsbp=("EC2.7",), nist_800_53=("SC-28",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    in_use = regions_in_use(ctx.inventory)
    for settings in ctx.inventory.of(RegionSettings):
        if (settings.account, settings.region) not in in_use:
            yield not_applicable(settings, "region not in use (holds only the resources AWS creates)")
            continue
        reason = settings.unknown("ebs_encryption_by_default")
        if reason or settings.ebs_encryption_by_default is None:
            yield unknown(settings, f"EBS encryption default could not be read: {reason or 'no answer'}")
        elif settings.ebs_encryption_by_default:
            yield passed(settings, "EBS encryption by default is on")
        else:
            yield failed(settings, f"EBS encryption by default is off in {settings.region}, a region in use")
