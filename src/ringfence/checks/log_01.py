"""LOG-01: a multi-region CloudTrail trail is logging, validated and encrypted.

One finding per account (on the Account resource): PASS when at least one trail, the account's own
or its organisation's, is multi-region, logging, log-file-validated and KMS-encrypted. One finding
per trail the account owns, for its own settings (logging, validation, KMS); whether it is
multi-region is said there but judged only at account level, since a single-region trail beside a
compliant multi-region one is not a defect. An organisation trail seen from a member account counts
for the member's account finding and is judged, as a trail, in the account that owns it.

IaC: templates hold trails, not accounts, so there is no account finding; each trail is judged on
all four settings, multi-region included (the criterion is one trail with all four).
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Account, Remediation, Severity, Trail
from ringfence.model.logging import TrailListing

META = CheckMeta(
    id="LOG-01",
    title="A multi-region CloudTrail trail is logging, validated and encrypted",
    severity=Severity.HIGH,
    rationale=(
        "CloudTrail is the record of who did what in the account. Without a logging multi-region trail, "
        "activity in an unwatched region leaves no lasting trace; without log file validation, edited "
        "or deleted log files go unnoticed; without KMS, anyone who can read the bucket reads the logs."
    ),
    remediation=Remediation(
        text=(
            "Create (or fix) one multi-region trail with log file validation and a KMS key, and keep it "
            "logging; in an organisation, an organisation trail from the management account covers all."
        ),
        cli=(
            "aws cloudtrail update-trail --name TRAIL --is-multi-region-trail --enable-log-file-validation "
            "--kms-key-id KEY_ARN && aws cloudtrail start-logging --name TRAIL"
        ),
        cloudformation=(
            "Type: AWS::CloudTrail::Trail\nProperties:\n  IsLogging: true\n  IsMultiRegionTrail: true\n"
            "  EnableLogFileValidation: true\n  KMSKeyId: !Ref TrailKey\n  S3BucketName: !Ref TrailBucket"
        ),
        terraform=(
            'resource "aws_cloudtrail" "main" {\n  name                       = "main"\n'
            "  s3_bucket_name             = aws_s3_bucket.trail.id\n  is_multi_region_trail      = true\n"
            "  enable_log_file_validation = true\n  kms_key_id                 = aws_kms_key.trail.arn\n"
            "  enable_logging             = true\n}"
        ),
    ),
    modes=("live", "iac"),
    resource_types=(Account.KIND, Trail.KIND, TrailListing.KIND),
    tested_with=(
        "moto server; organisation trails and unreadable trail status or listings via an Inventory; IaC "
        "templates and a Terraform plan (tests/iac)"
    ),
    frameworks=Mapping_(
        cis=("3.1", "3.2", "3.5"),
        fsbp=("CloudTrail.1", "CloudTrail.2", "CloudTrail.4"),
        nist_800_53=("AU-2", "AU-9", "AU-12"),
    ),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    trails = ctx.inventory.of(Trail)
    listings = ctx.inventory.of(TrailListing)
    for account in ctx.inventory.of(Account):
        yield _account(
            account,
            [t for t in trails if t.account == account.account],
            [g for g in listings if g.account == account.account],
        )
    for trail in trails:
        if trail.owned:
            yield _trail(trail, whole=ctx.mode == "iac")


def _account(account: Account, trails: list[Trail], unlisted: list[TrailListing]) -> Outcome:
    complete = [t for t in trails if t.multi_region and _settings(t) == ([], [])]
    if complete:
        names = ", ".join(sorted(_name(t) for t in complete))
        return passed(account, f"multi-region trail logging, validated and KMS-encrypted: {names}")
    if unlisted:
        regions = ", ".join(sorted(g.listed_region for g in unlisted))
        reason = unlisted[0].unknown("trails") or "not stated"
        return unknown(
            account, f"no complete trail among those read; trails in {regions} could not be listed: {reason}"
        )
    candidates = [t for t in trails if t.multi_region is not False and not _settings(t)[0]]
    if candidates:
        names = "; ".join(sorted(f"{_name(t)}: {', '.join(_not_known(t))}" for t in candidates))
        return unknown(account, f"no trail is known to be complete; not known for: {names}")
    if not trails:
        return failed(account, "no CloudTrail trail found in the scanned regions")
    multi = [t for t in trails if t.multi_region]
    if not multi:
        names = ", ".join(sorted(_name(t) for t in trails))
        return failed(account, f"no multi-region trail (single-region only: {names})")
    gaps = "; ".join(sorted(f"{_name(t)}: {', '.join(_settings(t)[0])}" for t in multi))
    return failed(account, f"no multi-region trail is logging, validated and KMS-encrypted ({gaps})")


def _trail(trail: Trail, *, whole: bool = False) -> Outcome:
    """The trail's own settings; `whole` (IaC) judges multi-region too."""
    scope = (
        "trail" if trail.multi_region is None else "multi-region" if trail.multi_region else "single-region"
    )
    missing, not_known = _settings(trail)
    if whole and trail.multi_region is False:
        missing.insert(0, "not multi-region")
    elif whole and trail.multi_region is None:
        not_known.insert(0, f"multi-region ({trail.unknown('multi_region') or 'not stated'})")
    if missing:
        return failed(trail, f"{scope} trail {_name(trail)}: {', '.join(missing)}")
    if not_known:
        return unknown(trail, f"{scope} trail {_name(trail)}: not known: {', '.join(not_known)}")
    return passed(trail, f"{scope} trail {_name(trail)} is logging, validated and KMS-encrypted")


def _settings(trail: Trail) -> tuple[list[str], list[str]]:
    """(what the trail is known to lack, what could not be learned, with the reason) among logging,
    log file validation and KMS encryption; whether it is multi-region is the caller's."""
    missing: list[str] = []
    not_known: list[str] = []
    for field, value, what, lack in (
        ("is_logging", trail.is_logging, "logging status", "not logging"),
        ("log_file_validation", trail.log_file_validation, "log file validation", "log file validation off"),
    ):
        if value is None or trail.unknown(field):
            not_known.append(f"{what} ({trail.unknown(field) or 'not stated'})")
        elif not value:
            missing.append(lack)
    if not trail.kms_key_id:  # DescribeTrails leaves KmsKeyId out when the logs are SSE-S3 only
        missing.append("not encrypted with KMS (SSE-S3 only)")
    return missing, not_known


def _not_known(trail: Trail) -> list[str]:
    region_scope = [] if trail.multi_region is not None else ["multi-region (not stated)"]
    return region_scope + _settings(trail)[1]


def _name(trail: Trail) -> str:
    owner = "" if trail.owned else f", organisation trail of {trail.owner_account}"
    if trail.home_region is None and not owner:
        return trail.trail_name or trail.trail_arn  # IaC: the region is the deployment's
    return f"{trail.trail_name or trail.trail_arn} ({trail.home_region}{owner})"
