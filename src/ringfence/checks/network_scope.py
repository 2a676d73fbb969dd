"""Helpers the tier-scoped network checks share (NET-05, NET-07, NET-08, NET-09, NET-10, NET-15):
which tier a set of subnets is in, which route table a subnet uses, what approved_egress (of
NET-07) allows, and address arithmetic on CIDRs."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ringfence.checks.context import CheckContext
from ringfence.checks.sg_rules import IpNetwork, network
from ringfence.model import Inventory, NetworkInterface, RouteTable, Subnet, Vpc
from ringfence.model.network import ManagedPrefixList

NO_TIER_HINT = "tag Tier=public|private|data, or a Name with one of those words"
WHOLE = (ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0"))
SHOWN = 6

Key = tuple[str, str, str]  # account, region, native id


def names(items: Sequence[str], limit: int = SHOWN) -> str:
    shown = ", ".join(items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown


# --- tiers -------------------------------------------------------------------------------------


@dataclass
class TierView:
    """Subnets sorted by tier; `unknown` holds the ones whose tier cannot be told, with why."""

    by_tier: dict[str, list[Subnet]] = field(default_factory=lambda: defaultdict(list))
    unknown: list[str] = field(default_factory=list)

    def of(self, *tiers: str) -> list[Subnet]:
        return [s for t in tiers for s in self.by_tier.get(t, [])]

    @property
    def tiers(self) -> set[str]:
        return {t for t, subnets in self.by_tier.items() if subnets}

    def unknown_reason(self) -> str:
        return f"tier unknown for subnet(s) {names(self.unknown)} ({NO_TIER_HINT})"


def classify(ctx: CheckContext, account: str, region: str, subnet_ids: Iterable[str]) -> TierView:
    view = TierView()
    for subnet_id in dict.fromkeys(subnet_ids):
        subnet = ctx.inventory.get(Subnet, account, region, subnet_id)
        if subnet is None:
            view.unknown.append(f"{subnet_id} (not in the inventory)")
            continue
        tier = ctx.tiers.tier_of(subnet)
        if tier is None:
            view.unknown.append(f"{subnet.display_name} (no tier)")
        else:
            view.by_tier[tier].append(subnet)
    return view


def subnet_tier_reason(ctx: CheckContext, subnet: Subnet) -> str | None:
    """None when the subnet has a tier; otherwise the UNKNOWN reason."""
    if ctx.tiers.tier_of(subnet) is not None:
        return None
    return f"subnet {subnet.display_name} has no tier ({NO_TIER_HINT})"


# --- route tables ------------------------------------------------------------------------------


class Routing:
    """Which route table each subnet uses: its explicit association, else its VPC's main table."""

    def __init__(self, inv: Inventory) -> None:
        self.inventory = inv
        self.explicit: dict[Key, RouteTable] = {}
        self.main: dict[Key, RouteTable] = {}
        for table in inv.of(RouteTable):
            for subnet_id in table.subnet_ids:
                self.explicit[(table.account, table.region, subnet_id)] = table
            if table.is_main:
                self.main[(table.account, table.region, table.vpc_id)] = table

    def table_of(self, subnet: Subnet) -> RouteTable | None:
        key = (subnet.account, subnet.region, subnet.native_id)
        return self.explicit.get(key) or self.main.get((subnet.account, subnet.region, subnet.vpc_id))

    def subnets_of(self, table: RouteTable) -> list[str]:
        """Ids of the subnets that use `table`, explicitly or as their VPC's main table."""
        served = list(table.subnet_ids)
        if table.is_main:
            served += [
                s.native_id
                for s in self.inventory.in_scope(Subnet, table.account, table.region)
                if s.vpc_id == table.vpc_id and (s.account, s.region, s.native_id) not in self.explicit
            ]
        return served


# --- approved egress (NET-07's param) ----------------------------------------------------------


@dataclass(frozen=True)
class Approved:
    networks: tuple[IpNetwork, ...] = ()
    prefix_lists: frozenset[str] = frozenset()
    unresolved_lists: tuple[str, ...] = ()  # approved lists whose entries are not known

    def covers_prefix_list(self, list_id: str | None) -> bool:
        return bool(list_id) and list_id in self.prefix_lists


def approved_egress(ctx: CheckContext, account: str, region: str) -> Approved:
    """params.approved_egress: CIDRs, and prefix-list ids whose entries (when the list is the
    account's own, in the inventory) count as approved CIDRs too. Unparseable entries approve nothing."""
    networks: list[IpNetwork] = []
    lists: set[str] = set()
    unresolved: list[str] = []
    for entry in ctx.params.get("approved_egress") or ():
        text = str(entry).strip()
        if text.startswith("pl-"):
            lists.add(text)
            plist = ctx.inventory.get(ManagedPrefixList, account, region, text)
            if plist is None or plist.unknown("entries"):
                unresolved.append(text)
                continue
            networks.extend(n for n in (network(c) for c in plist.entries) if n is not None)
            continue
        net = network(text)
        if net is not None:
            networks.append(net)
    return Approved(tuple(networks), frozenset(lists), tuple(unresolved))


def vpc_networks(vpc: Vpc) -> list[IpNetwork]:
    return [n for n in (network(c) for c in (*vpc.cidr_blocks, *vpc.ipv6_cidr_blocks)) if n is not None]


# --- address arithmetic ------------------------------------------------------------------------


def subtract(nets: Iterable[IpNetwork], remove: Iterable[IpNetwork]) -> list[IpNetwork]:
    """The addresses of `nets` not in any of `remove` (as a list of networks)."""
    left = list(nets)
    for cut in remove:
        kept: list[IpNetwork] = []
        for net in left:
            if net.version != cut.version:
                kept.append(net)
            elif net.subnet_of(cut):  # type: ignore[arg-type]
                continue
            elif cut.subnet_of(net):  # type: ignore[arg-type]
                kept.extend(net.address_exclude(cut))  # type: ignore[arg-type]
            else:
                kept.append(net)
        left = kept
    return left


def covered(net: IpNetwork, by: Iterable[IpNetwork]) -> bool:
    return not subtract([net], by)


def is_whole(net: IpNetwork) -> bool:
    return net.prefixlen == 0


def summary(nets: Sequence[IpNetwork]) -> str:
    """A short description of an address set for messages."""
    collapsed = [
        *ipaddress.collapse_addresses(n for n in nets if n.version == 4),
        *ipaddress.collapse_addresses(n for n in nets if n.version == 6),
    ]
    return names([str(n) for n in collapsed], 3)


# --- attachments -------------------------------------------------------------------------------


def interfaces_by_group(inv: Inventory) -> Mapping[Key, list[NetworkInterface]]:
    out: dict[Key, list[NetworkInterface]] = defaultdict(list)
    for eni in inv.of(NetworkInterface):
        for group_id in eni.security_group_ids:
            out[(eni.account, eni.region, group_id)].append(eni)
    return out
