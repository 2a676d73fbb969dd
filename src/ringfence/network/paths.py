"""The search: sets of packets followed hop by hop through the topology, request then reply.

The tracer starts a request from the ENIs of a subnet (or from the internet, or on-premises), follows
it through route tables (longest prefix match), NACLs (both sides of every subnet boundary), NAT
gateways, internet gateways, peering connections, transit gateways and endpoints to the destination,
then sends the reply back from there and requires it to reach the client the way the protocol needs
(through the NAT that translated the request, out of the internet gateway the request came in by).
Security groups are stateful, so they are evaluated on the request only; the source ENI's own egress
rules are applied by the caller, per ENI (see query.py), because the rest of the path does not
depend on them. The hops themselves live in vpc_paths, internet_paths and transit_paths.
"""

from __future__ import annotations

from ringfence.network.addresses import ALL_PORTS, ALL_V4, ALL_V6, IntervalSet
from ringfence.network.explain import Hop
from ringfence.network.internet_paths import InternetPaths
from ringfence.network.packets import IDENTITY, Ctx, Origin, Piece
from ringfence.network.protocols import has_ports
from ringfence.network.search import Flow, Found, Goal, Outcome
from ringfence.network.security_groups import ANY_VPC
from ringfence.network.topology import Group, SubnetInfo
from ringfence.network.transit_paths import TransitPaths
from ringfence.network.vpc_paths import VpcPaths

__all__ = ["Flow", "Goal", "Outcome", "Tracer"]


class Tracer(VpcPaths, InternetPaths, TransitPaths):
    """One search: a flow (protocol, ports), a goal, and the outcomes recorded as it goes."""

    def start_subnet(self, subnet: SubnetInfo, sources: IntervalSet) -> None:
        """From ENIs of a subnet, before their own security groups (the caller applies those)."""
        origin = Origin("subnet", subnet=subnet, vpc=subnet.vpc)
        for piece in self._initial(sources, self.goal.destinations, origin):
            self._route(piece, subnet.route_table, subnet.vpc, subnet, "eni")

    def first_through(self, group: Group) -> Piece | None:
        """The first way through (request and reply, no unknown hop) from the ENIs of `group`,
        its egress rules applied on the way; None when there is none. Stops at the first found."""
        subnet = group.subnet
        origin = Origin("subnet", subnet=subnet, vpc=subnet.vpc)
        self._stop_at_first = True
        try:
            for piece in self._initial(group.addresses, self.goal.destinations, origin):
                for allowed in self._security_groups(piece, group, "egress", ANY_VPC):
                    self._route(allowed, subnet.route_table, subnet.vpc, subnet, "eni")
        except Found as found:
            return found.piece
        finally:
            self._stop_at_first = False
        return None

    def start_internet(self, sources: IntervalSet) -> None:
        for piece in self._initial(sources, self.goal.public | self._goal_v6(), Origin("internet")):
            self._internet_in(piece)

    def start_on_premises(self, sources: IntervalSet) -> None:
        destinations = self.goal.destinations
        for vpc in self.topo.vpcs.values():
            for vgw in sorted(vpc.vgws):
                origin = Origin("on-premises", gateway=vgw, vpc=vpc)
                for piece in self._initial(sources, destinations, origin):
                    hop = Hop(
                        vgw, "vpn_gateway", "inbound", f"from on-premises into {vpc.id}", verdict="forward"
                    )
                    self._gateway_ingress(piece.hop(hop), vpc, vgw)
        for att in self.topo.on_premises_attachments:
            origin = Origin("on-premises", gateway=att.native_id)
            for piece in self._initial(sources, destinations, origin):
                hop = Hop(
                    att.native_id,
                    "transit_gateway_attachment",
                    "inbound",
                    f"from on-premises ({att.resource_type}) into {att.transit_gateway_id}",
                    verdict="forward",
                )
                self._tgw_lookup(piece.hop(hop), att.transit_gateway_id, att.native_id)

    def _goal_v6(self) -> IntervalSet:
        return self.goal.direct & ALL_V6

    def _initial(self, sources: IntervalSet, destinations: IntervalSet, origin: Origin) -> list[Piece]:
        sport = self.flow.client_ports if has_ports(self.flow.protocol) else ALL_PORTS
        out = []
        for family in (ALL_V4 & self.family, ALL_V6 & self.family):
            src, dst = sources & family, destinations & family
            if src and dst:
                box = (src, dst, sport, self.flow.ports)
                out.append(Piece(box, box, IDENTITY, (), Ctx(origin=origin)))
        return out
