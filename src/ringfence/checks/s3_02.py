"""S3-02: every bucket blocks public access.

A bucket passes when its own Block Public Access settings are all on, its ACL grants nothing to
the AllUsers or AuthenticatedUsers groups, and no policy statement allows Principal '*' without a
restricting condition (controls.yaml's header). The criterion is bucket-level: account-level Block
Public Access fully on (S3-01) blocks such access at request time but does not make the bucket pass;
every message says what the account level is, so the risk can be read off the finding.

IaC: a bucket that declares no PublicAccessBlockConfiguration passes that part. S3 has turned all
four settings on for every new bucket since April 2023, and a template (or a plan creating the
bucket) makes a new bucket; CloudFormation leaves the settings alone when the property is absent.
A bucket a plan only updates keeps whatever it has, which the plan does not show: UNKNOWN. The
account level is not in the files, so messages do not mention it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.support import open_statements, parse_policy
from ringfence.model import Account, Bucket, Inventory, Remediation, Severity

PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}

META = CheckMeta(
    id="S3-02",
    title="Every bucket blocks public access",
    severity=Severity.HIGH,
    rationale=(
        "A bucket whose own settings allow public ACLs or policies is one account-level change away "
        "from exposing its data; a public grant or open policy already present is exposure waiting "
        "for that change."
    ),
    remediation=Remediation(
        text=(
            "Turn on all four Block Public Access settings on the bucket, remove ACL grants to AllUsers "
            "and AuthenticatedUsers (or disable ACLs with Object Ownership BucketOwnerEnforced), and "
            "restrict or remove policy statements that allow Principal '*'."
        ),
        cli=(
            "aws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration "
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\n"
            "aws s3api put-bucket-ownership-controls --bucket BUCKET --ownership-controls "
            "Rules=[{ObjectOwnership=BucketOwnerEnforced}]"
        ),
        cloudformation=(
            "Type: AWS::S3::Bucket\nProperties:\n  PublicAccessBlockConfiguration:\n    BlockPublicAcls: true\n"
            "    IgnorePublicAcls: true\n    BlockPublicPolicy: true\n    RestrictPublicBuckets: true\n"
            "  OwnershipControls:\n    Rules:\n      - ObjectOwnership: BucketOwnerEnforced"
        ),
        terraform=(
            'resource "aws_s3_bucket_public_access_block" "this" {\n  bucket                  = aws_s3_bucket.this.id\n'
            "  block_public_acls       = true\n  ignore_public_acls      = true\n"
            "  block_public_policy     = true\n  restrict_public_buckets = true\n}"
        ),
    ),
    modes=("live", "iac"),
    resource_types=(Bucket.KIND, Account.KIND),
    tested_with="moto server; Inventory built directly for unreadable settings; IaC templates (tests/iac)",
    frameworks=Mapping_(cis=("2.1.4",), fsbp=("S3.8",), nist_800_53=("AC-3", "AC-21", "SC-7")),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    iac = ctx.mode == "iac"
    for bucket in ctx.inventory.of(Bucket):
        problems, unknowns = _problems(bucket, iac=iac)
        if not iac:
            note = f" ({_account_level(ctx.inventory, bucket.account)})"
        elif bucket.public_access_block is None and not bucket.unknown("public_access_block"):
            note = f" ({NEW_BUCKET_DEFAULT})"
        else:
            note = ""
        if problems:
            yield failed(bucket, f"bucket {bucket.native_id}: {'; '.join(problems)}{note}")
        elif unknowns:
            yield unknown(bucket, f"{'; '.join(unknowns)}{note}")
        else:
            yield passed(
                bucket,
                f"bucket-level Block Public Access fully on, no public ACL grant, no open policy statement{note}",
            )


NEW_BUCKET_DEFAULT = (
    "no bucket-level Block Public Access declared: S3 turns all four settings on for new buckets "
    "(since April 2023)"
)


def _problems(bucket: Bucket, *, iac: bool = False) -> tuple[list[str], list[str]]:
    problems: list[str] = []
    unknowns: list[str] = []
    pab = bucket.public_access_block
    reason = bucket.unknown("public_access_block")
    if reason:
        unknowns.append(f"Block Public Access not {'known' if iac else 'readable'}: {reason}")
    elif pab is None and iac:
        pass  # not declared: a new bucket gets all four settings on
    elif pab is None:
        problems.append("no bucket-level Block Public Access configuration (all four settings off)")
    elif not pab.all_on:
        problems.append(f"bucket-level Block Public Access off for {', '.join(pab.off_settings())}")

    reason = bucket.unknown("acl_grants")
    public = sorted(
        f"{g.permission} to {PUBLIC_GROUPS[g.grantee_uri]}"
        for g in bucket.acl_grants
        if g.grantee_uri in PUBLIC_GROUPS
    )
    if reason:
        unknowns.append(f"ACL not readable: {reason}")
    elif public:
        problems.append(f"ACL grants {', '.join(public)}")

    reason = bucket.unknown("policy")
    if reason:
        unknowns.append(f"bucket policy not readable: {reason}")
    else:
        try:
            statements = parse_policy(bucket.policy)
            opened = [s.sid or f"#{statements.index(s) + 1}" for s in open_statements(bucket.policy)]
        except ValueError as exc:
            unknowns.append(f"bucket policy not understood: {exc}")
        else:
            if opened:
                problems.append(
                    f"policy statement(s) {', '.join(opened)} allow Principal '*' without a restricting condition"
                )
    return problems, unknowns


def _account_level(inventory: Inventory, account_id: str) -> str:
    account = inventory.get(Account, account_id, "", account_id)
    if account is None or account.unknown("s3_public_access_block"):
        return "account-level Block Public Access not known"
    pab = account.s3_public_access_block
    if pab is not None and pab.all_on:
        return "account-level Block Public Access is fully on and blocks public access at request time"
    return "account-level Block Public Access is not fully on either"
