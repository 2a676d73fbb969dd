"""Hops inside a VPC: route tables, delivery to the subnet and ENI that hold an address, arrival at
the destination, and the start of the reply."""

from __future__ import annotations

from dataclasses import replace

from ringfence.model.network import NetworkInterface, RouteTable
from ringfence.network.addresses import (
    ALL_PORTS,
    IntervalSet,
)
from ringfence.network.packets import (
    DPORT,
    DST,
    SPORT,
    SRC,
    Exit,
    Link,
    Maps,
    Piece,
)
from ringfence.network.protocols import ECHO_REPLY, is_icmp
from ringfence.network.routing import RouteChoice
from ringfence.network.search import MAX_DEPTH, TracerBase
from ringfence.network.topology import Group, SubnetInfo, VpcInfo


class VpcPaths(TracerBase):
    def _route(
        self, piece: Piece, table: RouteTable | None, vpc: VpcInfo, subnet: SubnetInfo | None, here: str
    ) -> None:
        """Route `piece` by `table`: a subnet's table (`subnet` set) or a gateway's edge table."""
        if piece.ctx.depth >= MAX_DEPTH:
            self._drop_at(
                piece,
                vpc.id,
                "vpc",
                "forward",
                "routing loop",
                detail="the packet keeps being routed in a circle",
            )
            return
        piece = piece.with_ctx(depth=piece.ctx.depth + 1)
        where = subnet.id if subnet else vpc.id
        if table is None:
            self._unknown_end(
                piece,
                self._hop(
                    piece, where, "route_table", "forward", "?", detail=f"no route table is known for {where}"
                ),
            )
            return
        if table.unknown("routes"):
            self._unknown_at(
                piece,
                table.native_id,
                "route_table",
                "forward",
                "?",
                detail=f"routes not read: {table.unknown('routes')}",
            )
            return
        index = self.topo.route_index(table)
        for segment in index.split(piece.box[DST]):
            part = piece.restrict(DST, segment.addresses)
            choices = segment.choices + index.maybe
            if not segment.choices:
                unless = " (unless a prefix list not in the scan covers it)" if index.maybe else ""
                self._drop_at(
                    part,
                    table.native_id,
                    "route_table",
                    "forward",
                    "no route",
                    detail=f"{where}: no route matches the destination{unless}",
                )
                if not choices:
                    continue
            uncertain = len(choices) > 1 or bool(index.maybe)
            for choice in choices:
                detail = f"{where}: longest prefix match"
                if uncertain:
                    detail = f"{where}: one of {len(choices)} routes AWS may choose (a prefix list not in the scan, or equal routes)"
                hop = self._hop(
                    part,
                    table.native_id,
                    "route_table",
                    "forward",
                    choice.label,
                    verdict="unknown" if uncertain else "forward",
                    detail=detail,
                )
                if choice.target_type == "blackhole":
                    self._drop(part, replace(hop, detail=f"{where}: blackhole route, its target is gone"))
                    continue
                step = part.hop(hop)
                if uncertain:
                    step = step.with_ctx(unknown=True)
                if subnet is None:
                    self._follow_edge(step, vpc, choice)
                else:
                    self._follow(step, vpc, subnet, here, choice)

    def _follow(self, piece: Piece, vpc: VpcInfo, subnet: SubnetInfo, here: str, choice: RouteChoice) -> None:
        kind, target = choice.target_type, choice.target_id
        if kind == "local":
            self._deliver(piece, vpc, subnet)
        elif kind in ("igw", "eigw"):
            for part in self._cross(piece, subnet, None):
                self._internet_gateway_out(part, vpc, target, egress_only=kind == "eigw")
        elif kind == "nat":
            self._to_nat(piece, subnet, target)
        elif kind == "pcx":
            self._to_peering(piece, vpc, subnet, target)
        elif kind == "tgw":
            self._to_transit_gateway(piece, vpc, subnet, target)
        elif kind == "vgw":
            for part in self._cross(piece, subnet, None):
                self._vgw_out(part, vpc, target)
        elif kind == "vpce":
            self._to_endpoint(piece, vpc, subnet, target)
        elif kind in ("eni", "instance"):
            self._to_appliance(piece, vpc, subnet, target, instance=kind == "instance")
        else:
            self._unknown_at(
                piece,
                target or choice.label,
                "route_target",
                "forward",
                kind,
                detail="this kind of route target is not modelled",
            )

    def _follow_edge(self, piece: Piece, vpc: VpcInfo, choice: RouteChoice) -> None:
        """Ingress routing: an edge route table can only send to the VPC, an ENI or a GWLB endpoint."""
        kind, target = choice.target_type, choice.target_id
        if kind == "local":
            self._deliver(piece, vpc, None)
        elif kind == "vpce":
            self._to_endpoint(piece, vpc, None, target)
        elif kind in ("eni", "instance"):
            self._to_appliance(piece, vpc, None, target, instance=kind == "instance")
        else:
            self._drop_at(
                piece,
                target,
                "route_target",
                "forward",
                kind,
                detail="not a valid target for a gateway's edge route table",
            )

    def _deliver(self, piece: Piece, vpc: VpcInfo, source: SubnetInfo | None) -> None:
        """Into the subnet that holds each destination address, then to the ENI that has it."""
        if self.flow.routing_only and vpc.id in self.goal.vpcs and piece.ctx.leg == "request":
            self._into_vpc(piece, vpc)
            return
        remaining = piece.box[DST]
        for subnet in vpc.subnets:
            part = piece.narrow(DST, subnet.addresses)
            if part is None:
                continue
            remaining = remaining - subnet.addresses
            for crossed in self._cross(part, source, subnet):
                self._in_subnet(crossed, subnet)
        if remaining:
            self._drop_at(
                piece.narrow(DST, remaining),
                vpc.id,
                "vpc",
                "forward",
                "no subnet",
                detail=f"no subnet of {vpc.id} holds the address",
            )

    def _into_vpc(self, piece: Piece, vpc: VpcInfo) -> None:
        """Routing only: the traffic has a route into `vpc`, whatever would receive it there."""
        part = piece.narrow(DST, vpc.addresses)
        if part is not None:
            hop = self._hop(part, vpc.id, "vpc", "inbound", "routed into the VPC", verdict="forward")
            self._done(part.hop(hop).with_ctx(exit=Exit("vpc", vpc=vpc)))
        self._drop(
            piece.narrow(DST, piece.box[DST] - vpc.addresses),
            self._hop(piece, vpc.id, "vpc", "forward", "no subnet", detail=f"not an address of {vpc.id}"),
        )

    def _in_subnet(self, piece: Piece, subnet: SubnetInfo) -> None:
        remaining = piece.box[DST]
        for group in subnet.groups:
            part = piece.narrow(DST, group.addresses)
            if part is not None:
                remaining = remaining - group.addresses
                self._arrive(part, group)
        for nat in subnet.nats:
            part = piece.narrow(DST, nat.addresses)
            if part is not None:
                remaining = remaining - nat.addresses
                self._at_nat_address(part, nat)
        for addresses, eni_id in subnet.gateway_enis:
            part = piece.narrow(DST, addresses)
            if part is not None:
                remaining = remaining - addresses
                self._drop_at(
                    part,
                    eni_id,
                    "network_interface",
                    "inbound",
                    "not a destination",
                    detail="an ENI of a transit gateway or appliance endpoint takes no traffic addressed to it",
                )
        if remaining and not self.topo.listed(NetworkInterface, subnet.subnet):
            self._unknown_at(
                piece.narrow(DST, remaining),
                subnet.id,
                "subnet",
                "inbound",
                "?",
                detail=f"the network interfaces of {subnet.id} could not all be listed",
            )
        elif remaining:
            self._drop_at(
                piece.narrow(DST, remaining),
                subnet.id,
                "subnet",
                "inbound",
                "no ENI",
                detail=f"no network interface in {subnet.id} has the address",
            )

    def _arrive(self, piece: Piece, group: Group) -> None:
        if piece.ctx.leg == "reply":
            origin = piece.ctx.origin
            if origin.kind == "subnet" and origin.subnet is group.subnet:
                self._done(
                    piece.hop(
                        self._hop(
                            piece,
                            group.label,
                            "network_interface",
                            "inbound",
                            "reply delivered",
                            verdict="forward",
                            detail="security groups are stateful: the reply is admitted",
                        )
                    )
                )
            else:
                self._drop_at(
                    piece,
                    group.label,
                    "network_interface",
                    "inbound",
                    "reply misdelivered",
                    detail="the reply reaches another ENI, not the client (asymmetric route)",
                )
            return
        accepted = self.goal.groups.get(group.index)
        part = piece.narrow(DST, accepted) if accepted is not None else None
        if part is None:
            self._drop_at(
                piece,
                group.label,
                "network_interface",
                "inbound",
                "not the destination",
                detail="delivered to an ENI that is not the destination",
            )
            return
        for allowed in self._security_groups(part, group, "ingress", self._ingress_peer(part)):
            peer = group.subnet.vpc.id if allowed.untranslated(DST) and allowed.ctx.ref_ok else None
            self._reached(
                allowed,
                Exit("eni", group=group, vpc=group.subnet.vpc, addresses=allowed.box[DST], peer_vpc=peer),
            )

    def _reached(self, piece: Piece, exit_: Exit) -> None:
        if self.flow.routing_only:
            self._done(piece.with_ctx(exit=exit_))
            return
        if is_icmp(self.flow.protocol):
            one_way = piece.narrow(DPORT, ALL_PORTS - _ECHO_TYPES)
            if one_way is not None:  # ICMP messages other than echo need no reply
                self._done(one_way.with_ctx(exit=exit_))
            echo = piece.narrow(DPORT, _ECHO_TYPES)
            if echo is None:
                return
            piece = echo
        box, link, maps = piece.box, piece.link, piece.maps
        if is_icmp(self.flow.protocol):
            replies = IntervalSet((ECHO_REPLY[t], ECHO_REPLY[t] + 1) for t in ECHO_REPLY if t in box[DPORT])
            reply_box = (box[DST], box[SRC], ALL_PORTS, replies)
            reply_link: Link = (link[DST], link[SRC], None, None)
            reply_maps: Maps = (maps[DST], maps[SRC], None, None)
        else:
            reply_box = (box[DST], box[SRC], box[DPORT], box[SPORT])
            reply_link = (link[DST], link[SRC], link[DPORT], link[SPORT])
            reply_maps = (maps[DST], maps[SRC], maps[DPORT], maps[SPORT])
        ctx = replace(piece.ctx, leg="reply", exit=exit_, visited=frozenset(), depth=0)
        reply = Piece(reply_box, piece.orig, reply_link, piece.hops, ctx, reply_maps)
        if exit_.kind == "eni" and exit_.group is not None:
            subnet = exit_.group.subnet
            self._route(reply, subnet.route_table, subnet.vpc, subnet, "eni")
        elif exit_.kind == "internet":
            self._internet_in(reply)
        elif exit_.kind == "on-premises":
            if exit_.vpc is not None and exit_.gateway:
                hop = self._hop(
                    reply,
                    exit_.gateway,
                    "vpn_gateway",
                    "inbound",
                    "reply from on-premises",
                    verdict="forward",
                )
                self._gateway_ingress(reply.hop(hop), exit_.vpc, exit_.gateway)
            elif exit_.tgw and exit_.gateway:
                self._tgw_lookup(reply, exit_.tgw, exit_.gateway)
        elif exit_.kind == "service" and exit_.vpc is not None:
            hop = self._hop(
                reply,
                exit_.gateway or "",
                "gateway_endpoint",
                "inbound",
                f"reply from {exit_.service}",
                verdict="forward",
            )
            self._deliver(reply.hop(hop), exit_.vpc, None)


_ECHO_TYPES = IntervalSet((t, t + 1) for t in ECHO_REPLY)
