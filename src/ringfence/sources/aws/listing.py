"""Listings whose failure is a fact to record on a resource rather than the end of a collector."""

from __future__ import annotations

from typing import Any

from ringfence.sources.aws.context import CollectContext, CollectionStopped
from ringfence.sources.aws.errors import gap_kind


def try_listing(
    ctx: CollectContext, operation: str, key: str, **kwargs: Any
) -> tuple[list[dict[str, Any]], str | None]:
    """Every item of a listing, or ([], the reason) when it failed (the gap is recorded)."""
    try:
        return ctx.paginate(operation, key, **kwargs), None
    except CollectionStopped:
        gap = ctx.gaps[-1]  # recorded by paginate
        return [], f"{gap_kind(gap.error_code)}: {gap.service}:{gap.operation} ({gap.error_code})"


def region_record_arn(ctx: CollectContext, service: str) -> str:
    """The id of a per-region record (model.detection): ACCOUNT/REGION/SERVICE."""
    return f"{ctx.account}/{ctx.region}/{service}"
