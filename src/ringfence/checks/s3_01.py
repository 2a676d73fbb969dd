"""S3-01: account-level S3 Block Public Access is fully on.

Reported on the account (the Account resource, id = the account id). No account-level
configuration is how AWS stores "all four off": FAIL. A configuration that could not be read is
UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Account, Remediation, Severity

META = CheckMeta(
    id="S3-01",
    title="Account-level S3 Block Public Access is fully on",
    severity=Severity.CRITICAL,
    rationale=(
        "The account-level settings override every bucket and access point in the account, so one "
        "bucket's public ACL or policy, present or future, cannot expose data."
    ),
    remediation=Remediation(
        text="Turn on all four S3 Block Public Access settings for the account.",
        cli=(
            "aws s3control put-public-access-block --account-id ACCOUNT_ID --public-access-block-configuration "
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"
        ),
        terraform=(
            'resource "aws_s3_account_public_access_block" "this" {\n  block_public_acls       = true\n'
            "  ignore_public_acls      = true\n  block_public_policy     = true\n"
            "  restrict_public_buckets = true\n}"
        ),
    ),
    modes=("live",),
    resource_types=(Account.KIND,),
    tested_with="moto server; Inventory built directly for an unreadable configuration",
    frameworks=Mapping_(cis=("2.1.4",), fsbp=("S3.1",), nist_800_53=("AC-3", "AC-21", "SC-7")),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for account in ctx.inventory.of(Account):
        reason = account.unknown("s3_public_access_block")
        pab = account.s3_public_access_block
        if reason:
            yield unknown(account, f"account-level Block Public Access could not be read: {reason}")
        elif pab is None:
            yield failed(
                account, "no account-level S3 Block Public Access configuration: all four settings are off"
            )
        elif pab.all_on:
            yield passed(account, "all four account-level S3 Block Public Access settings are on")
        else:
            yield failed(
                account, f"account-level S3 Block Public Access is off for {', '.join(pab.off_settings())}"
            )
