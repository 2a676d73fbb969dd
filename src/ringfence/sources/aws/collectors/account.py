"""Account-wide settings: root user MFA and keys (IAM), account-level S3 Block Public Access."""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.model import Account, PublicAccessBlock
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.registry import collector


@collector(
    "account.settings",
    service="iam",
    scope="global",
    iam_actions=("iam:GetAccountSummary", "s3:GetAccountPublicAccessBlock"),
    produces=(Account,),
)
def collect_account(ctx: CollectContext) -> Iterator[Account]:
    unresolved: dict[str, str] = {}
    root_mfa: bool | None = None
    root_keys: bool | None = None
    summary = ctx.call("get_account_summary", service="iam")
    if summary.error:
        unresolved["root_mfa_enabled"] = summary.error
        unresolved["root_access_keys_present"] = summary.error
    else:
        values = summary.data.get("SummaryMap", {})
        root_mfa = bool(values.get("AccountMFAEnabled", 0))
        root_keys = bool(values.get("AccountAccessKeysPresent", 0))

    home = ctx.factory.options.home_region or "us-east-1"
    pab: PublicAccessBlock | None = None
    reply = ctx.call(
        "get_public_access_block",
        service="s3control",
        region=home,
        absent=("NoSuchPublicAccessBlockConfiguration",),
        AccountId=ctx.account,
    )
    if reply.error:
        unresolved["s3_public_access_block"] = reply.error
    elif not reply.absent:
        conf = reply.data.get("PublicAccessBlockConfiguration", {})
        pab = PublicAccessBlock(
            block_public_acls=bool(conf.get("BlockPublicAcls")),
            ignore_public_acls=bool(conf.get("IgnorePublicAcls")),
            block_public_policy=bool(conf.get("BlockPublicPolicy")),
            restrict_public_buckets=bool(conf.get("RestrictPublicBuckets")),
        )
    yield Account(
        arn=ctx.account,
        native_id=ctx.account,
        account=ctx.account,
        region="",
        partition=ctx.partition,
        root_mfa_enabled=root_mfa,
        root_access_keys_present=root_keys,
        s3_public_access_block=pab,
        unresolved=unresolved,
    )
