"""Queries: "from X to Y on port P", answered exactly and explained per source and destination.

The tracer follows the network part of the path once per source subnet, for all the selected ENIs
of the subnet at once. The source ENI's own security groups come first on every path but do not
change anything after them, so they are applied here, per ENI group, to what the tracer found: that
is what makes a query over thousands of ENIs cost one trace per subnet.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ringfence.network.addresses import (
    ALL_ADDRESSES,
    ALL_PORTS,
    ALL_V4,
    ALL_V6,
    EMPTY,
    INTERNET,
    IntervalSet,
    address_value,
    describe_ports,
    port_range,
    to_cidrs,
)
from ringfence.network.endpoints import Endpoint, EndpointError, parse_endpoint
from ringfence.network.explain import REACHABLE, UNKNOWN, UNREACHABLE, Answer, Drop, Hop, PairResult, Path
from ringfence.network.filters import group_verdicts
from ringfence.network.packets import DPORT, DST, SPORT, SRC, Exit
from ringfence.network.paths import Flow, Goal, Outcome, Tracer
from ringfence.network.protocols import ICMP, ICMPV6, TCP, is_icmp, protocol_name
from ringfence.network.security_groups import ANY_VPC
from ringfence.network.topology import Group, Topology

DEFAULT_CLIENT_PORTS = port_range(1024, 65535)
ICMP_TYPES = port_range(0, 255)
MAX_LISTED_UNREACHABLE = 200
MAX_DROPS_LISTED = 20


@dataclass(frozen=True)
class Query:
    source: str
    destination: str = "all"
    protocol: int = TCP
    ports: IntervalSet | None = None  # None: every port (ICMP: every type)
    client_ports: IntervalSet = DEFAULT_CLIENT_PORTS
    routing_only: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.destination,
            "protocol": protocol_name(self.protocol),
            "ports": describe_ports(self.ports) if self.ports is not None else "all",
            "client_ports": describe_ports(self.client_ports),
        }


@dataclass(frozen=True, slots=True)
class Leg:
    """What happened to some packets from one source: through (done), dropped, or undecidable."""

    status: str  # done | drop | unknown
    hops: tuple[Hop, ...]
    src: IntervalSet
    dst: IntervalSet
    ports: IntervalSet
    client_ports: IntervalSet
    unknown: bool
    exit: Exit | None

    @property
    def last(self) -> Hop:
        return self.hops[-1]


@dataclass
class Traced:
    """Legs per source key (an ENI id, 'internet' or 'on-premises'). ENIs of one group may share
    one list object; treat the lists as read-only."""

    legs: dict[str, list[Leg]] = field(default_factory=lambda: defaultdict(list))
    sources: set[str] = field(default_factory=set)  # the source keys traced


def build_goal(topology: Topology, destination: Endpoint) -> Goal:
    goal = Goal()
    accepted: dict[int, list[tuple[int, int]]] = defaultdict(list)
    direct: list[tuple[int, int]] = []
    public: list[tuple[int, int]] = []
    everything = destination.limit == ALL_ADDRESSES
    for eni in destination.enis:
        entry = topology.enis.get(eni.native_id)
        if entry is None or entry[1] is None:
            continue
        group = entry[1]
        addresses = topology.addresses_of[eni.native_id]
        own_public = topology.public_of_eni(eni.native_id)
        if not everything:
            own_public = own_public & destination.limit
            if not (addresses & destination.limit) and not own_public:
                continue
        accepted[group.index].extend(addresses.intervals)
        direct.extend((addresses if everything else addresses & destination.limit).intervals)
        public.extend(own_public.intervals)
    goal.groups = {index: IntervalSet(spans) for index, spans in accepted.items()}
    goal.direct = IntervalSet(direct) | destination.unheld
    goal.public = IntervalSet(public)
    goal.public = goal.public | destination.gateways
    outside = destination.outside
    if destination.kind == "internet":
        goal.internet = outside
    elif destination.kind == "on-premises":
        goal.on_premises = outside
    elif destination.kind == "cidr":
        goal.internet = outside & INTERNET
        goal.on_premises = outside
        goal.service_addresses = outside
    elif destination.kind == "service":
        goal.internet = outside & INTERNET
        goal.service_addresses = outside
        goal.services = destination.services
        goal.probe = destination.probe
    return goal


def flows(query: Query) -> list[tuple[Flow, IntervalSet]]:
    """The traces a query needs: one, or for ICMP one per address family (ICMP and ICMPv6)."""
    if is_icmp(query.protocol):
        types = query.ports if query.ports is not None else ICMP_TYPES
        return [
            (Flow(ICMP, types, ALL_PORTS, query.routing_only), ALL_V4),
            (Flow(ICMPV6, _v6_types(types), ALL_PORTS, query.routing_only), ALL_V6),
        ]
    ports = query.ports if query.ports is not None else ALL_PORTS
    return [(Flow(query.protocol, ports, query.client_ports, query.routing_only), ALL_ADDRESSES)]


def _v6_types(types: IntervalSet) -> IntervalSet:
    """Echo request is type 8 in ICMP and 128 in ICMPv6; other types are taken as written."""
    return (types - IntervalSet.point(8)) | (IntervalSet.point(128) if 8 in types else EMPTY)


def trace(
    topology: Topology, source: Endpoint, destination: Endpoint, query: Query, *, keep_drops: bool = True
) -> Traced:
    """Legs per source; `keep_drops=False` leaves out what is dropped (intents need only what gets
    through, and skipping the rest saves most of the work)."""
    if not source.is_internal and not destination.is_internal and source.kind != "cidr":
        raise EndpointError(
            "one side of a query must be inside the estate (an ENI, instance, subnet, VPC or tier)"
        )
    if source.kind == "service":
        raise EndpointError("a VPC endpoint service cannot be a source: it answers, it does not connect")
    goal = build_goal(topology, destination)
    traced = Traced()
    selected = _by_subnet(topology, source)
    for flow, family in flows(query):
        tracer = Tracer(topology, flow, goal, family)
        for subnet_id, items in selected.items():
            sources = EMPTY
            for _, addresses in items:
                sources = sources | addresses
            tracer.start_subnet(topology.subnets[subnet_id], sources)
        external = source.outside
        if (source.kind == "internet" or source.kind == "cidr") and external & INTERNET:
            tracer.start_internet(external & INTERNET)
        if (source.kind == "on-premises" or source.kind == "cidr") and external:
            tracer.start_on_premises(external)
        by_subnet: dict[str, list[Outcome]] = defaultdict(list)
        outside: list[Outcome] = []
        for outcome in tracer.outcomes:
            origin = outcome.piece.ctx.origin
            if origin.kind == "subnet" and origin.subnet is not None:
                by_subnet[origin.subnet.id].append(outcome)
            else:
                outside.append(outcome)
        for subnet_id, items in selected.items():
            _internal_legs(topology, flow, items, by_subnet.get(subnet_id, []), traced, keep_drops)
        for outcome in outside:
            if not keep_drops and outcome.status == "drop":
                continue
            key = outcome.piece.ctx.origin.kind
            traced.legs[key].append(_leg(outcome, outcome.piece.orig[SRC], outcome.piece.hops))
            traced.sources.add(key)
    return traced


def _by_subnet(topology: Topology, source: Endpoint) -> dict[str, list[tuple[Any, IntervalSet]]]:
    out: dict[str, list[tuple[Any, IntervalSet]]] = defaultdict(list)
    for eni in source.enis:
        entry = topology.enis.get(eni.native_id)
        if entry is None or entry[1] is None:
            continue
        addresses = topology.addresses_of[eni.native_id] & source.limit
        if addresses:
            out[entry[1].subnet.id].append((eni, addresses))
    return out


def _leg(
    outcome: Outcome,
    src: IntervalSet,
    hops: tuple[Hop, ...],
    *,
    dst: IntervalSet | None = None,
    ports: IntervalSet | None = None,
    unknown: bool = False,
    status: str | None = None,
) -> Leg:
    piece = outcome.piece
    return Leg(
        status=status or outcome.status,
        hops=hops,
        src=src,
        dst=piece.orig[DST] if dst is None else dst,
        ports=piece.orig[DPORT] if ports is None else ports,
        client_ports=piece.orig[SPORT],
        unknown=piece.ctx.unknown or unknown,
        exit=piece.ctx.exit,
    )


def _internal_legs(
    topology: Topology,
    flow: Flow,
    items: Sequence[tuple[Any, IntervalSet]],
    outcomes: Sequence[Outcome],
    traced: Traced,
    keep_drops: bool,
) -> None:
    """Apply each source ENI's egress rules (per group of ENIs sharing them) to the subnet's outcomes."""
    by_group: dict[int, list[tuple[Any, IntervalSet]]] = defaultdict(list)
    groups: dict[int, Group] = {}
    for eni, addresses in items:
        group = topology.enis[eni.native_id][1]
        assert group is not None
        by_group[group.index].append((eni, addresses))
        groups[group.index] = group
    for index, members in by_group.items():
        group = groups[index]
        addresses = EMPTY
        for _, own in members:
            addresses = addresses | own
        shared: list[Leg] = []  # legs of every member (their sources were never told apart)
        split: list[Leg] = []
        for outcome in outcomes:
            if not keep_drops and outcome.status == "drop":
                continue
            src = outcome.piece.orig[SRC] & addresses
            if src:
                for leg in _egress(topology, flow, group, outcome, src):
                    if keep_drops or leg.status != "drop":
                        (shared if src == addresses else split).append(leg)
        for eni, own in members:
            key = eni.native_id
            traced.sources.add(key)
            mine = [_with_src(leg, part) for leg in split if (part := leg.src & own)]
            previous = traced.legs.get(key)
            if previous:
                traced.legs[key] = [*previous, *shared, *mine]
            else:
                # ENIs of a group share one list of the legs they all take (whose source is then the
                # group's addresses): callers may summarise a list once for all of them
                traced.legs[key] = [*shared, *mine] if mine else shared


def _with_src(leg: Leg, src: IntervalSet) -> Leg:
    if src == leg.src:
        return leg
    return Leg(leg.status, leg.hops, src, leg.dst, leg.ports, leg.client_ports, leg.unknown, leg.exit)


def _egress(topology: Topology, flow: Flow, group: Group, outcome: Outcome, src: IntervalSet) -> list[Leg]:
    piece = outcome.piece
    if flow.routing_only:
        return [_leg(outcome, src, piece.hops)]
    exit_ = piece.ctx.exit
    if outcome.status == "done" and exit_ is not None:
        peer_vpc = exit_.peer_vpc if exit_.kind == "eni" else None
    else:
        peer_vpc = ANY_VPC  # where a dropped packet was going is not known: any member counts
    verdicts = group_verdicts(
        topology,
        group,
        direction="egress",
        protocol=flow.protocol,
        peer_vpc=peer_vpc,
        addresses=piece.orig[DST],
        ports=piece.orig[DPORT],
    )
    out: list[Leg] = []
    for addresses, ports, hop in verdicts:
        if hop.verdict == "drop":
            out.append(_leg(outcome, src, (hop,), dst=addresses, ports=ports, status="drop"))
        else:
            unknown = hop.verdict == "unknown"
            out.append(_leg(outcome, src, (hop, *piece.hops), dst=addresses, ports=ports, unknown=unknown))
    return out


# --- answers -------------------------------------------------------------------------------------


class AddressIndex:
    """Which destination ENIs hold any of a set of addresses (private, IPv6 or public)."""

    def __init__(self, topology: Topology, enis: Iterable[Any]) -> None:
        points: list[tuple[int, str]] = []
        for eni in enis:
            for text in (*eni.private_ips, *eni.ipv6_addresses, *eni.public_ips):
                try:
                    points.append((address_value(text), eni.native_id))
                except ValueError:
                    continue
        points.sort()
        self._values = [p[0] for p in points]
        self._keys = [p[1] for p in points]

    def holders(self, addresses: IntervalSet) -> set[str]:
        out: set[str] = set()
        for lo, hi in addresses:
            start = bisect_left(self._values, lo)
            end = bisect_left(self._values, hi)
            out.update(self._keys[start:end])
        return out


def destinations_of(leg: Leg, destination: Endpoint, index: AddressIndex) -> set[str]:
    """The destination keys (ENI ids, or the endpoint's text for outside destinations) a leg concerns."""
    keys: set[str] = set()
    exit_ = leg.exit
    if leg.status == "done" and exit_ is not None:
        if exit_.kind == "eni" and exit_.group is not None:
            for eni, own in exit_.group.eni_addresses:
                if exit_.addresses is not None and own & exit_.addresses:
                    keys.add(eni.native_id)
        else:
            keys.add(destination.text)
        return keys
    keys.update(index.holders(leg.dst))
    if leg.dst & destination.elsewhere:
        keys.add(destination.text)
    return keys


def answer(topology: Topology, query: Query) -> Answer:
    source = parse_endpoint(topology, query.source)
    destination = parse_endpoint(topology, query.destination)
    traced = trace(topology, source, destination, query)
    index = AddressIndex(topology, destination.enis)
    targets: list[str] = [eni.native_id for eni in destination.enis]
    if destination.elsewhere or destination.kind in ("internet", "on-premises", "service"):
        targets.append(destination.text)
    source_keys = (
        [eni.native_id for eni in source.enis if eni.native_id in traced.sources] if source.enis else []
    )
    source_keys += [k for k in ("internet", "on-premises") if k in traced.legs]
    if source.kind in ("internet", "on-premises") and source.kind not in source_keys:
        source_keys.append(source.kind)
    arns = {eni.native_id: eni.arn for eni in (*source.enis, *destination.enis)}
    results: list[PairResult] = []
    omitted = 0
    for src_key in source_keys:
        per_dest: dict[str, list[Leg]] = defaultdict(list)
        for leg in traced.legs.get(src_key, []):
            for key in destinations_of(leg, destination, index):
                per_dest[key].append(leg)
        for dst_key in targets:
            if dst_key == src_key:
                continue
            result = pair_result(
                src_key,
                dst_key,
                per_dest.get(dst_key, []),
                outside_destination=dst_key == destination.text,
                source_arn=arns.get(src_key),
                destination_arn=arns.get(dst_key),
            )
            if result.verdict == UNREACHABLE and len(results) >= MAX_LISTED_UNREACHABLE:
                omitted += 1
                continue
            results.append(result)
    results.sort(key=lambda r: {REACHABLE: 0, UNKNOWN: 1, UNREACHABLE: 2}[r.verdict])
    notes = (*source.notes, *destination.notes)
    query_json = {**query.to_json(), **({"notes": list(notes)} if notes else {})}
    return Answer(query_json, tuple(results), omitted)


def pair_result(
    source: str,
    destination: str,
    legs: Sequence[Leg],
    *,
    outside_destination: bool,
    source_arn: str | None = None,
    destination_arn: str | None = None,
) -> PairResult:
    done = [leg for leg in legs if leg.status == "done"]
    definite = [leg for leg in done if not leg.unknown]
    undecided = [leg for leg in legs if leg.status == "unknown"] + [leg for leg in done if leg.unknown]
    verdict = REACHABLE if definite else UNKNOWN if undecided else UNREACHABLE
    paths = _paths(
        done + [leg for leg in legs if leg.status == "unknown"],
        outside_source=source in ("internet", "on-premises"),
        outside_destination=outside_destination,
    )
    drops = [leg for leg in legs if leg.status == "drop"]
    blocked: Hop | None = None
    if verdict == UNREACHABLE:
        if drops:
            blocked = min(drops, key=lambda leg: (leg.last.leg == "reply", len(leg.hops))).last
        else:
            blocked = _nothing_gets_there(source, destination)
    reached_dst = EMPTY
    reached_src = EMPTY
    ports = EMPTY
    for leg in definite or undecided:
        reached_dst = reached_dst | leg.dst
        reached_src = reached_src | leg.src
        ports = ports | leg.ports
    return PairResult(
        source=source,
        destination=destination,
        verdict=verdict,
        paths=tuple(paths),
        blocked_at=blocked,
        reachable_sources=summarize(reached_src) if source in ("internet", "on-premises") else (),
        reachable_destinations=summarize(reached_dst) if outside_destination else (),
        ports=describe_ports(ports) if ports else "",
        drops=tuple(_drops(drops)),
        source_arn=source_arn,
        destination_arn=destination_arn,
    )


def _nothing_gets_there(source: str, destination: str) -> Hop:
    if source == "internet":
        return Hop(
            destination,
            "network_interface",
            "inbound",
            "no public address",
            verdict="drop",
            detail="nothing on the internet can address it: no public IPv4 or Elastic IP, and no IPv6 address behind an internet gateway",
        )
    return Hop(
        source,
        "network_interface",
        "outbound",
        "no path",
        verdict="drop",
        detail="no address of the source can address the destination (no common address family)",
    )


_NAMED = (
    (INTERNET, "any internet address"),
    (INTERNET & ALL_V4, "any IPv4 internet address"),
    (INTERNET & ALL_V6, "any IPv6 internet address"),
    (ALL_ADDRESSES, "any address"),
    (ALL_V4, "any IPv4 address"),
    (ALL_V6, "any IPv6 address"),
)


def summarize(addresses: IntervalSet, limit: int = 50) -> tuple[str, ...]:
    """CIDRs of a set, with the sets everyone knows by name said in words."""
    for known, words in _NAMED:
        if addresses == known:
            return (words,)
    cidrs = to_cidrs(addresses, limit + 1)
    return tuple(cidrs[:limit]) + (("... and more",) if len(cidrs) > limit else ())


def _paths(legs: Sequence[Leg], *, outside_source: bool, outside_destination: bool) -> list[Path]:
    merged: dict[tuple[Hop, ...], list[Leg]] = {}
    for leg in legs:
        merged.setdefault(leg.hops, []).append(leg)
    out: list[Path] = []
    for hops, group in merged.items():
        src = dst = ports = clients = EMPTY
        for leg in group:
            src, dst = src | leg.src, dst | leg.dst
            ports, clients = ports | leg.ports, clients | leg.client_ports
        out.append(
            Path(
                hops=hops,
                sources=summarize(src) if outside_source else (),
                destinations=summarize(dst) if outside_destination else (),
                ports=describe_ports(ports),
                client_ports=describe_ports(clients),
                unknown=any(leg.unknown or leg.status == "unknown" for leg in group),
            )
        )
    out.sort(key=lambda p: (p.unknown, len(p.hops)))
    return out


def _drops(legs: Sequence[Leg]) -> list[Drop]:
    merged: dict[Hop, list[Leg]] = {}
    for leg in legs:
        merged.setdefault(leg.last, []).append(leg)
    out: list[Drop] = []
    for hop, group in list(merged.items())[:MAX_DROPS_LISTED]:
        src = dst = ports = EMPTY
        for leg in group:
            src, dst, ports = src | leg.src, dst | leg.dst, ports | leg.ports
        out.append(Drop(hop, summarize(src, 20), summarize(dst, 20), describe_ports(ports)))
    return out
