"""Route tables compiled for longest-prefix match over sets of destinations.

A VPC route table and a transit gateway route table both become a `RouteIndex`: the address line cut
into segments, each with the route that wins there. The winner is the longest prefix; between routes
with the same prefix, the AWS priority order decides (VPC: local, then a static CIDR route, then a
prefix-list route, then a propagated one; transit gateway: static, prefix list, then propagated from
a VPC, Direct Connect, Connect, VPN). Routes naming a prefix list whose entries are not in the scan
cannot be placed; they are kept aside as "maybe" routes that could win anywhere.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ringfence.model.network import Route
from ringfence.model.transit import TransitGatewayRoute
from ringfence.network.addresses import ALL_ADDRESSES, IntervalSet, Partition, cidr_length, cidr_set


@dataclass(frozen=True, slots=True)
class RouteChoice:
    """One route as the engine follows it."""

    table_id: str
    destination: str  # the CIDR or prefix-list id as written in the route
    target_type: str  # local igw eigw nat pcx tgw vgw vpce eni instance attachment blackhole unsupported
    target_ids: tuple[str, ...]  # usually one; several for transit gateway equal-cost multipath
    length: int  # prefix length (for a prefix-list route, the matching entry's)
    rank: int  # priority among routes with the same prefix: lower wins
    origin: str = "static"

    @property
    def label(self) -> str:
        target = ",".join(self.target_ids) or self.target_type
        return f"{self.destination} -> {target}"

    @property
    def target_id(self) -> str:
        return self.target_ids[0] if self.target_ids else ""


@dataclass(frozen=True, slots=True)
class RouteSegment:
    addresses: IntervalSet
    choices: tuple[RouteChoice, ...]  # empty: no route; more than one: AWS picks one of them


class RouteIndex:
    """A route table as segments of the address line, each with its winning route(s)."""

    def __init__(
        self,
        table_id: str,
        entries: Iterable[tuple[IntervalSet, RouteChoice]],
        maybe: Sequence[RouteChoice] = (),
    ) -> None:
        self.table_id = table_id
        self.maybe = tuple(maybe)  # prefix-list routes whose entries are unknown
        self._partition, self._choices = _flatten(list(entries))
        self._cache: dict[IntervalSet, tuple[RouteSegment, ...]] = {}

    def split(self, destinations: IntervalSet) -> tuple[RouteSegment, ...]:
        cached = self._cache.get(destinations)
        if cached is not None:
            return cached
        result = tuple(
            RouteSegment(part, self._choices[label])
            for label, part in sorted(self._partition.split(destinations).items())
        )
        if len(self._cache) < 4096:
            self._cache[destinations] = result
        return result


def _flatten(
    entries: list[tuple[IntervalSet, RouteChoice]],
) -> tuple[Partition, list[tuple[RouteChoice, ...]]]:
    starts: dict[int, list[int]] = defaultdict(list)
    ends: dict[int, list[int]] = defaultdict(list)
    for index, (addresses, _) in enumerate(entries):
        for lo, hi in addresses:
            starts[lo].append(index)
            ends[hi].append(index)
    bounds = ALL_ADDRESSES.intervals
    points = sorted(set(starts) | set(ends) | {bounds[0][0], bounds[-1][1]})
    active: set[int] = set()
    labels: dict[tuple[RouteChoice, ...], int] = {}
    segments: list[tuple[int, int, int]] = []
    for position, point in enumerate(points[:-1]):
        for index in ends.get(point, ()):
            active.discard(index)
        active.update(starts.get(point, ()))
        winners = _winners([entries[i][1] for i in active])
        label = labels.setdefault(winners, len(labels))
        segments.append((point, points[position + 1], label))
    return Partition(segments), list(labels)


def _winners(candidates: list[RouteChoice]) -> tuple[RouteChoice, ...]:
    if not candidates:
        return ()
    best = max(c.length for c in candidates)
    longest = [c for c in candidates if c.length == best]
    rank = min(c.rank for c in longest)
    top = {
        (c.target_type, c.target_ids): c
        for c in sorted(longest, key=lambda c: c.destination)
        if c.rank == rank
    }
    return tuple(top.values())


# --- VPC route targets -----------------------------------------------------------------------------

_BY_TYPE = {
    "egress_only_gateway": "eigw",
    "egress_only_internet_gateway": "eigw",
    "nat_gateway": "nat",
    "transit_gateway": "tgw",
    "vpc_peering_connection": "pcx",
    "network_interface": "eni",
    "instance": "instance",
    "carrier_gateway": "unsupported",
    "core_network": "unsupported",
    "local_gateway": "unsupported",
}
_BY_PREFIX = (
    ("local", "local"),
    ("igw-", "igw"),
    ("eigw-", "eigw"),
    ("vgw-", "vgw"),
    ("vpce-", "vpce"),
    ("nat-", "nat"),
    ("tgw-", "tgw"),
    ("pcx-", "pcx"),
    ("eni-", "eni"),
    ("i-", "instance"),
    ("cagw-", "unsupported"),
    ("lgw-", "unsupported"),
)


def vpc_target_type(target_type: str, target_id: str | None) -> str:
    """The engine's name for a VPC route target, from the route's type and id."""
    tid = target_id or ""
    for prefix, kind in _BY_PREFIX:
        if tid == prefix or (prefix.endswith("-") and tid.startswith(prefix)):
            return kind
    return _BY_TYPE.get(target_type, "unsupported")


# Priority between routes to the same prefix (AWS "route priority").
VPC_RANK_LOCAL = 0
VPC_RANK_STATIC = 1
VPC_RANK_PREFIX_LIST = 2
VPC_RANK_PROPAGATED = 3

TGW_RANK_STATIC = 0
TGW_RANK_PREFIX_LIST = 1
TGW_RANK_PROPAGATED = {"vpc": 2, "direct-connect-gateway": 3, "connect": 4, "vpn": 5}
TGW_RANK_PROPAGATED_OTHER = 6


def vpc_route_index(
    table_id: str,
    routes: Sequence[Route],
    vpc_cidrs: Sequence[str],
    prefix_list: Callable[[str], tuple[str, ...] | None],
) -> RouteIndex:
    """A VPC route table; the local route of every VPC CIDR is implied when the table omits it."""
    entries: list[tuple[IntervalSet, RouteChoice]] = []
    maybe: list[RouteChoice] = []
    written: set[str] = set()
    for route in routes:
        target_ids = (route.target_id,) if route.target_id else ()
        kind = (
            "blackhole" if route.state == "blackhole" else vpc_target_type(route.target_type, route.target_id)
        )
        origin = route.origin or "CreateRoute"
        cidr = route.destination_cidr or route.destination_ipv6_cidr
        if cidr:
            written.add(_canonical(cidr))
            rank = (
                VPC_RANK_LOCAL
                if kind == "local"
                else VPC_RANK_PROPAGATED
                if origin == "EnableVgwRoutePropagation"
                else VPC_RANK_STATIC
            )
            choice = RouteChoice(table_id, cidr, kind, target_ids, cidr_length(cidr), rank, origin)
            entries.append((cidr_set(cidr), choice))
        elif route.destination_prefix_list_id:
            pl_id = route.destination_prefix_list_id
            cidrs = prefix_list(pl_id)
            if cidrs is None:
                maybe.append(RouteChoice(table_id, pl_id, kind, target_ids, 0, VPC_RANK_PREFIX_LIST, origin))
                continue
            for entry in cidrs:
                choice = RouteChoice(
                    table_id,
                    f"{pl_id} ({entry})",
                    kind,
                    target_ids,
                    cidr_length(entry),
                    VPC_RANK_PREFIX_LIST,
                    origin,
                )
                entries.append((cidr_set(entry), choice))
    for cidr in vpc_cidrs:
        if _canonical(cidr) not in written:
            entries.append(
                (
                    cidr_set(cidr),
                    RouteChoice(table_id, cidr, "local", ("local",), cidr_length(cidr), VPC_RANK_LOCAL),
                )
            )
    return RouteIndex(table_id, entries, maybe)


def tgw_route_index(
    table_id: str,
    routes: Sequence[TransitGatewayRoute],
    propagated: Sequence[tuple[str, str, str]],
    prefix_list: Callable[[str], tuple[str, ...] | None],
) -> RouteIndex:
    """A transit gateway route table: its routes plus (cidr, attachment, type) propagated ones."""
    entries: list[tuple[IntervalSet, RouteChoice]] = []
    maybe: list[RouteChoice] = []
    seen: set[tuple[str, str]] = set()
    for route in routes:
        kind = "blackhole" if route.state == "blackhole" or not route.attachment_ids else "attachment"
        if route.route_type == "propagated":
            rank = TGW_RANK_PROPAGATED.get(route.resource_type or "", TGW_RANK_PROPAGATED_OTHER)
        else:
            rank = TGW_RANK_PREFIX_LIST if route.prefix_list_id else TGW_RANK_STATIC
        if route.destination_cidr:
            cidr = route.destination_cidr
            for att in route.attachment_ids:
                seen.add((_canonical(cidr), att))
            choice = RouteChoice(
                table_id, cidr, kind, tuple(route.attachment_ids), cidr_length(cidr), rank, route.route_type
            )
            entries.append((cidr_set(cidr), choice))
        elif route.prefix_list_id:
            pl_id = route.prefix_list_id
            cidrs = prefix_list(pl_id)
            if cidrs is None:
                maybe.append(
                    RouteChoice(table_id, pl_id, kind, tuple(route.attachment_ids), 0, rank, route.route_type)
                )
                continue
            for entry in cidrs:
                choice = RouteChoice(
                    table_id,
                    f"{pl_id} ({entry})",
                    kind,
                    tuple(route.attachment_ids),
                    cidr_length(entry),
                    rank,
                    route.route_type,
                )
                entries.append((cidr_set(entry), choice))
    for cidr, attachment_id, resource_type in propagated:
        if (_canonical(cidr), attachment_id) in seen:
            continue
        rank = TGW_RANK_PROPAGATED.get(resource_type, TGW_RANK_PROPAGATED_OTHER)
        choice = RouteChoice(
            table_id, cidr, "attachment", (attachment_id,), cidr_length(cidr), rank, "propagated"
        )
        entries.append((cidr_set(cidr), choice))
    return RouteIndex(table_id, entries, maybe)


def _canonical(cidr: str) -> str:
    try:
        return str(ipaddress.ip_network(cidr.strip(), strict=False))
    except ValueError:
        return cidr
