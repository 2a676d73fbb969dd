"""EC2 / VPC customer-managed prefix lists and their entries.

Security group rules and routes name prefix lists by id; with the entries a check can tell what a
rule really admits. AWS-managed lists (OwnerId "AWS": S3, DynamoDB, CloudFront origin-facing, ...)
exist in every region and are not the account's; lists shared from another account are their
owner's to report.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ringfence.model.network import ManagedPrefixList
from ringfence.sources.aws.collectors.ec2_network import owned
from ringfence.sources.aws.context import CollectContext, tags_of
from ringfence.sources.aws.registry import collector


@collector(
    "ec2.managed_prefix_lists",
    service="ec2",
    iam_actions=("ec2:DescribeManagedPrefixLists", "ec2:GetManagedPrefixListEntries"),
    produces=(ManagedPrefixList,),
)
def collect_prefix_lists(ctx: CollectContext) -> Iterator[ManagedPrefixList]:
    for plist in ctx.iter_pages("describe_managed_prefix_lists", "PrefixLists"):
        if not owned(ctx, plist) or str(plist.get("State", "")).startswith("delete"):
            continue
        list_id = plist["PrefixListId"]
        entries, error = _entries(ctx, list_id)
        yield ManagedPrefixList(
            arn=plist.get("PrefixListArn") or ctx.arn("ec2", f"prefix-list/{list_id}"),
            native_id=list_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(plist.get("Tags")),
            name=plist.get("PrefixListName", ""),
            address_family=plist.get("AddressFamily"),
            entries=entries,
            max_entries=plist.get("MaxEntries"),
            unresolved={"entries": error} if error else {},
        )


def _entries(ctx: CollectContext, list_id: str) -> tuple[tuple[str, ...], str | None]:
    """Every entry across pages; a failed page leaves the entries unknown, not partial."""
    cidrs: list[str] = []
    kwargs: dict[str, Any] = {"PrefixListId": list_id}
    while True:
        reply = ctx.call("get_managed_prefix_list_entries", **kwargs)
        if reply.error:
            return (), reply.error
        cidrs.extend(e["Cidr"] for e in reply.data.get("Entries", []) if e.get("Cidr"))
        token = reply.data.get("NextToken")
        if not token:
            return tuple(cidrs), None
        kwargs["NextToken"] = token
