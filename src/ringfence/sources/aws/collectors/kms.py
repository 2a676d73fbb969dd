"""KMS: the region's keys (customer-managed and AWS-managed), their aliases, rotation and policy.

KeyManager is taken from DescribeKey as answered; nothing is inferred from alias names. Rotation is
read only where automatic rotation exists; every other key answers GetKeyRotationStatus with an
error that is not a gap, so it is not asked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.model import KmsKey
from ringfence.sources.aws.context import CollectContext, CollectionStopped
from ringfence.sources.aws.errors import gap_kind
from ringfence.sources.aws.registry import collector

# What DescribeKey tells; all unknown together when it fails.
DESCRIBED = (
    "key_manager",
    "key_spec",
    "key_usage",
    "key_state",
    "origin",
    "custom_key_store_id",
    "multi_region",
)
ROTATION_STATES = ("Enabled", "Disabled")


@collector(
    "kms.keys",
    service="kms",
    iam_actions=(
        "kms:ListKeys",
        "kms:ListAliases",
        "kms:DescribeKey",
        "kms:GetKeyRotationStatus",
        "kms:GetKeyPolicy",
    ),
    produces=(KmsKey,),
)
def collect_keys(ctx: CollectContext) -> Iterator[KmsKey]:
    aliases, alias_error = _aliases(ctx)
    for item in ctx.iter_pages("list_keys", "Keys"):
        key = _read_key(ctx, item, aliases, alias_error)
        if key is not None:
            yield key


def _aliases(ctx: CollectContext) -> tuple[Mapping[str, tuple[str, ...]], str | None]:
    """Alias names by target key id (AWS-managed alias/aws/* ones too), or the reason they are unknown."""
    by_key: dict[str, list[str]] = defaultdict(list)
    try:
        for alias in ctx.iter_pages("list_aliases", "Aliases"):
            if alias.get("TargetKeyId") and alias.get("AliasName"):
                by_key[str(alias["TargetKeyId"])].append(str(alias["AliasName"]))
    except CollectionStopped:
        gap = ctx.gaps[-1]  # iter_pages recorded it; the keys are still worth reading
        return {}, f"{gap_kind(gap.error_code)}: {gap.service}:{gap.operation} ({gap.error_code})"
    return {k: tuple(sorted(v)) for k, v in by_key.items()}, None


def _read_key(
    ctx: CollectContext, item: dict[str, Any], aliases: Mapping[str, tuple[str, ...]], alias_error: str | None
) -> KmsKey | None:
    key_id = str(item["KeyId"])
    unresolved: dict[str, str] = {"aliases": alias_error} if alias_error else {}
    described = ctx.call("describe_key", KeyId=key_id)
    meta: dict[str, Any] = described.data.get("KeyMetadata", {})
    if described.error:
        unresolved.update(dict.fromkeys((*DESCRIBED, "rotation_enabled"), described.error))
    elif meta.get("AWSAccountId", ctx.account) != ctx.account:
        return None
    rotation: bool | None = None
    period: int | None = None
    if not described.error and _rotation_applies(meta):
        reply = ctx.call("get_key_rotation_status", absent=("UnsupportedOperationException",), KeyId=key_id)
        if reply.error:
            unresolved["rotation_enabled"] = reply.error
        elif not reply.absent:
            rotation = bool(reply.data.get("KeyRotationEnabled"))
            period = reply.data.get("RotationPeriodInDays")
    policy = ctx.call("get_key_policy", KeyId=key_id, PolicyName="default")
    if policy.error:
        unresolved["policy"] = policy.error
    multi_region = meta.get("MultiRegion")
    return KmsKey(
        arn=str(meta.get("Arn") or item.get("KeyArn") or ctx.arn("kms", f"key/{key_id}")),
        native_id=key_id,
        account=ctx.account,
        region=ctx.region,
        key_manager=meta.get("KeyManager"),
        key_spec=meta.get("KeySpec") or meta.get("CustomerMasterKeySpec"),
        key_usage=meta.get("KeyUsage"),
        key_state=meta.get("KeyState"),
        origin=meta.get("Origin"),
        custom_key_store_id=meta.get("CustomKeyStoreId"),
        rotation_enabled=rotation,
        rotation_period_days=period,
        aliases=aliases.get(key_id, ()),
        policy=policy.data.get("Policy"),
        multi_region=None if multi_region is None else bool(multi_region),
        unresolved=unresolved,
    )


def _rotation_applies(meta: Mapping[str, Any]) -> bool:
    """Automatic rotation exists for symmetric encryption CUSTOMER keys with KMS-made key material
    outside custom key stores (enabled or disabled; keys pending deletion or import are skipped)."""
    return (
        meta.get("KeyManager") == "CUSTOMER"
        and (meta.get("KeySpec") or meta.get("CustomerMasterKeySpec")) == "SYMMETRIC_DEFAULT"
        and meta.get("Origin") == "AWS_KMS"
        and not meta.get("CustomKeyStoreId")
        and meta.get("KeyState") in ROTATION_STATES
    )
