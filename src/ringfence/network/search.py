"""The search's shared part: what a trace is asked (flow, goal), what it records, and the steps every
kind of hop uses (outcomes, NACLs at subnet boundaries, security groups).

The tracer (paths.Tracer) is assembled from this base and three sets of hops: inside a VPC
(vpc_paths), to and from the internet (internet_paths), and between VPCs and to on-premises
(transit_paths). Each step records its outcome on the piece: "done" (the reply came back), "drop"
(the last hop dropped it), or "unknown" (the last hop is something the model cannot follow).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace

from ringfence.model.network import RouteTable
from ringfence.network.addresses import (
    ALL_ADDRESSES,
    EMPTY,
    IntervalSet,
)
from ringfence.network.explain import Hop
from ringfence.network.filters import group_verdicts
from ringfence.network.packets import (
    DPORT,
    DST,
    SRC,
    Exit,
    Piece,
)
from ringfence.network.topology import Group, NatInfo, SubnetInfo, Topology, VpcInfo

MAX_DEPTH = 40


@dataclass(frozen=True)
class Flow:
    protocol: int
    ports: IntervalSet  # destination ports (ICMP: types)
    client_ports: IntervalSet
    routing_only: bool = False  # NET-13: routes only, no NACL, security group or reply


@dataclass
class Goal:
    """What counts as arriving: ENI groups (with the addresses accepted), and outside addresses
    reached through internet gateways, on-premises edges or gateway endpoints."""

    groups: dict[int, IntervalSet] = field(default_factory=dict)  # accepted on arrival (private, IPv6)
    direct: IntervalSet = EMPTY  # the goal ENIs' addresses the traffic is sent to as they are
    public: IntervalSet = EMPTY  # public IPv4 of goal ENIs (and NAT gateways), reached over the internet
    internet: IntervalSet = EMPTY
    on_premises: IntervalSet = EMPTY
    service_addresses: IntervalSet = EMPTY  # reached through a gateway endpoint
    services: frozenset[str] = frozenset()  # gateway endpoint services accepted whatever the address
    probe: IntervalSet = EMPTY  # also sent towards, counted only at a gateway endpoint of `services`
    vpcs: frozenset[str] = frozenset()  # routing only: arriving anywhere in these VPCs counts
    vpc_addresses: IntervalSet = EMPTY

    @property
    def destinations(self) -> IntervalSet:
        out = self.public | self.internet | self.on_premises | self.service_addresses | self.probe
        return out | self.vpc_addresses | self.direct


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # done | drop | unknown
    piece: Piece


class Found(Exception):
    def __init__(self, piece: Piece) -> None:
        super().__init__()
        self.piece = piece


class TracerBase(ABC):
    def __init__(
        self, topology: Topology, flow: Flow, goal: Goal, family: IntervalSet = ALL_ADDRESSES
    ) -> None:
        self.topo = topology
        self.flow = flow
        self.goal = goal
        self.family = family  # the address family to trace (ICMP and ICMPv6 are traced apart)
        self.outcomes: list[Outcome] = []
        self._stop_at_first = False

    def _hop(self, piece: Piece, resource_id: str, kind: str, direction: str, rule: str, **kw: str) -> Hop:
        return Hop(resource_id, kind, direction, rule, leg=piece.ctx.leg, **kw)

    def _drop(self, piece: Piece | None, hop: Hop) -> None:
        if piece is not None:
            self.outcomes.append(
                Outcome(
                    "drop", piece.hop(replace(hop, verdict=hop.verdict if hop.verdict == "exit" else "drop"))
                )
            )

    def _unknown_end(self, piece: Piece | None, hop: Hop) -> None:
        if piece is not None:
            self.outcomes.append(
                Outcome("unknown", piece.hop(replace(hop, verdict="unknown")).with_ctx(unknown=True))
            )

    def _drop_at(
        self, piece: Piece | None, resource_id: str, kind: str, direction: str, rule: str, **kw: str
    ) -> None:
        """Drop `piece` (if any) at the element named, on the piece's leg."""
        if piece is not None:
            self._drop(piece, self._hop(piece, resource_id, kind, direction, rule, **kw))

    def _unknown_at(
        self, piece: Piece | None, resource_id: str, kind: str, direction: str, rule: str, **kw: str
    ) -> None:
        """End `piece` (if any) at an element the model cannot follow."""
        if piece is not None:
            self._unknown_end(piece, self._hop(piece, resource_id, kind, direction, rule, **kw))

    def _done(self, piece: Piece) -> None:
        if self._stop_at_first and not piece.ctx.unknown:
            raise Found(piece)
        self.outcomes.append(Outcome("done", piece))

    def _cross(
        self, piece: Piece, source: SubnetInfo | None, target: SubnetInfo | None, *, both: bool = False
    ) -> list[Piece]:
        """NACLs at a subnet boundary: the outbound rules of the subnet left, the inbound rules of the
        subnet entered. Traffic within one subnet meets none, except an ENI sending to a transit
        gateway attachment in its own subnet, which meets both (`both`)."""
        if self.flow.routing_only:
            return [piece]
        pieces = [piece]
        if source is not None and (target is not source or both):
            pieces = [q for p in pieces for q in self._nacl(p, source, egress=True)]
        if target is not None and (target is not source or both):
            pieces = [q for p in pieces for q in self._nacl(p, target, egress=False)]
        return pieces

    def _nacl(self, piece: Piece, subnet: SubnetInfo, *, egress: bool) -> list[Piece]:
        direction = "outbound" if egress else "inbound"
        acl = subnet.nacl
        if acl is None:
            hop = self._hop(
                piece,
                subnet.id,
                "network_acl",
                direction,
                "?",
                verdict="unknown",
                detail=f"no network ACL is known for {subnet.id}",
            )
            return [piece.hop(hop).with_ctx(unknown=True)]
        rules = self.topo.nacl_rules(acl, egress=egress, protocol=self.flow.protocol)
        field_ = DST if egress else SRC
        out: list[Piece] = []
        for decision in rules.split(piece.box[field_], piece.box[DPORT]):
            part = piece.restrict(field_, decision.addresses).restrict(DPORT, decision.ports)
            rule = decision.rule
            verdict = "unknown" if rule.unknown else "allow" if rule.allow else "drop"
            detail = f"{subnet.id}: {rule.unknown or rule.detail}"
            hop = self._hop(
                part, acl.native_id, "network_acl", direction, rule.label, verdict=verdict, detail=detail
            )
            if verdict == "drop":
                self._drop(part, hop)
            elif verdict == "unknown":
                out.append(part.hop(hop).with_ctx(unknown=True))
            else:
                out.append(part.hop(hop))
        return out

    def _security_groups(
        self, piece: Piece, group: Group, direction: str, peer_vpc: str | None
    ) -> list[Piece]:
        if self.flow.routing_only:
            return [piece]
        field_ = SRC if direction == "ingress" else DST
        verdicts = group_verdicts(
            self.topo,
            group,
            direction=direction,
            protocol=self.flow.protocol,
            peer_vpc=peer_vpc,
            addresses=piece.box[field_],
            ports=piece.box[DPORT],
            leg=piece.ctx.leg,
        )
        out: list[Piece] = []
        for addresses, ports, hop in verdicts:
            part = piece.restrict(field_, addresses).restrict(DPORT, ports)
            if hop.verdict == "drop":
                self._drop(part, hop)
            elif hop.verdict == "unknown":
                out.append(part.hop(hop).with_ctx(unknown=True))
            else:
                out.append(part.hop(hop))
        return out

    def _ingress_peer(self, piece: Piece) -> str | None:
        """The VPC whose group members an ingress rule naming a group may match, if any."""
        origin = piece.ctx.origin
        if (
            not piece.untranslated(SRC)
            or not piece.ctx.ref_ok
            or origin.kind != "subnet"
            or origin.vpc is None
        ):
            return None
        return origin.vpc.id

    # --- hops defined by the other parts of the tracer ---------------------------------------------

    @abstractmethod
    def _route(
        self, piece: Piece, table: RouteTable | None, vpc: VpcInfo, subnet: SubnetInfo | None, here: str
    ) -> None: ...

    @abstractmethod
    def _deliver(self, piece: Piece, vpc: VpcInfo, source: SubnetInfo | None) -> None: ...

    @abstractmethod
    def _reached(self, piece: Piece, exit_: Exit) -> None: ...

    @abstractmethod
    def _to_nat(self, piece: Piece, subnet: SubnetInfo, nat_id: str) -> None: ...

    @abstractmethod
    def _at_nat_address(self, piece: Piece, nat: NatInfo) -> None: ...

    @abstractmethod
    def _internet_gateway_out(
        self, piece: Piece, vpc: VpcInfo, gateway: str, *, egress_only: bool
    ) -> None: ...

    @abstractmethod
    def _internet_in(self, piece: Piece) -> None: ...

    @abstractmethod
    def _gateway_ingress(self, piece: Piece, vpc: VpcInfo, gateway: str) -> None: ...

    @abstractmethod
    def _to_peering(self, piece: Piece, vpc: VpcInfo, subnet: SubnetInfo, pcx_id: str) -> None: ...

    @abstractmethod
    def _vgw_out(self, piece: Piece, vpc: VpcInfo, vgw: str) -> None: ...

    @abstractmethod
    def _to_endpoint(
        self, piece: Piece, vpc: VpcInfo, subnet: SubnetInfo | None, endpoint_id: str
    ) -> None: ...

    @abstractmethod
    def _to_appliance(
        self, piece: Piece, vpc: VpcInfo, subnet: SubnetInfo | None, target: str, *, instance: bool
    ) -> None: ...

    @abstractmethod
    def _to_transit_gateway(self, piece: Piece, vpc: VpcInfo, subnet: SubnetInfo, tgw_id: str) -> None: ...

    @abstractmethod
    def _tgw_lookup(self, piece: Piece, tgw_id: str, attachment_id: str) -> None: ...
