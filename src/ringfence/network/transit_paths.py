"""Hops between VPCs and out of them: peering, transit gateways (attachments, route tables,
peering), virtual private gateways and on-premises, VPC endpoints and appliances."""

from __future__ import annotations

from dataclasses import replace

from ringfence.model.transit import TransitGatewayRouteTable
from ringfence.network.packets import (
    DST,
    SRC,
    Exit,
    Piece,
)
from ringfence.network.search import TracerBase
from ringfence.network.topology import SubnetInfo, VpcInfo


class TransitPaths(TracerBase):
    def _to_peering(self, piece: Piece, vpc: VpcInfo, subnet: SubnetInfo, pcx_id: str) -> None:
        pcx = self.topo.peerings.get(pcx_id)
        if pcx is None:
            self._unknown_at(
                piece,
                pcx_id,
                "vpc_peering_connection",
                "forward",
                "?",
                detail="the peering connection is not in the scan",
            )
            return
        if pcx.status != "active":
            self._drop_at(
                piece,
                pcx_id,
                "vpc_peering_connection",
                "forward",
                f"status {pcx.status}",
                detail="the peering connection is not active",
            )
            return
        mine, theirs, peer_id = self.topo.peer_of(pcx, vpc.id)
        for part in self._cross(piece, subnet, None):
            src_ok = part.narrow(SRC, mine)
            self._drop_at(
                part.narrow(SRC, part.box[SRC] - mine),
                pcx_id,
                "vpc_peering_connection",
                "forward",
                "edge to edge",
                detail=f"only addresses of {vpc.id} may use the peering (no edge-to-edge routing)",
            )
            if src_ok is None:
                continue
            self._drop_at(
                src_ok.narrow(DST, src_ok.box[DST] - theirs),
                pcx_id,
                "vpc_peering_connection",
                "forward",
                "not transitive",
                detail=f"the destination is not in {peer_id}: peering is not transitive",
            )
            arrived = src_ok.narrow(DST, theirs)
            if arrived is None:
                continue
            hop = self._hop(
                arrived,
                pcx_id,
                "vpc_peering_connection",
                "forward",
                f"{vpc.id} -> {peer_id}",
                verdict="forward",
            )
            arrived = arrived.hop(hop)
            peer = self.topo.vpcs.get(peer_id)
            if peer is None:
                self._unknown_end(
                    arrived,
                    self._hop(
                        arrived, peer_id, "vpc", "inbound", "?", detail="the peer VPC is not in the scan"
                    ),
                )
            else:
                self._deliver(arrived, peer, None)

    def _vgw_out(self, piece: Piece, vpc: VpcInfo, vgw: str) -> None:
        self._drop_at(
            piece.narrow(SRC, piece.box[SRC] - vpc.addresses),
            vgw,
            "vpn_gateway",
            "outbound",
            "edge to edge",
            detail=f"only addresses of {vpc.id} may leave through its virtual private gateway",
        )
        own = piece.narrow(SRC, vpc.addresses)
        if own is not None:
            hop = self._hop(own, vgw, "vpn_gateway", "outbound", "to on-premises", verdict="forward")
            self._on_premises_out(own.hop(hop), Exit("on-premises", gateway=vgw, vpc=vpc))

    def _on_premises_out(self, piece: Piece, exit_: Exit) -> None:
        if piece.ctx.leg == "reply":
            if piece.ctx.origin.kind == "on-premises":
                self._done(piece)
            else:
                self._drop_at(
                    piece,
                    exit_.gateway or "",
                    "on_premises",
                    "outbound",
                    "asymmetric route",
                    detail="the reply leaves to on-premises, not to the client",
                )
            return
        reached = piece.narrow(DST, self.goal.on_premises)
        if reached is not None:
            self._reached(reached, exit_)
        self._drop_at(
            piece.narrow(DST, piece.box[DST] - self.goal.on_premises),
            exit_.gateway or "",
            "on_premises",
            "outbound",
            "left to on-premises",
            verdict="exit",
            detail="the traffic leaves the estate for on-premises; routing there is not modelled",
        )

    def _to_endpoint(self, piece: Piece, vpc: VpcInfo, subnet: SubnetInfo | None, endpoint_id: str) -> None:
        endpoint = self.topo.endpoints.get(endpoint_id)
        if endpoint is None:
            self._unknown_at(
                piece,
                endpoint_id,
                "vpc_endpoint",
                "forward",
                "not modelled",
                detail="an endpoint not in the scan (Network Firewall or Gateway Load Balancer): its rules are not modelled",
            )
            return
        if endpoint.state not in (None, "available", "Available"):
            self._drop_at(
                piece,
                endpoint_id,
                "vpc_endpoint",
                "forward",
                f"state {endpoint.state}",
                detail="the endpoint is not available",
            )
            return
        if endpoint.endpoint_type.lower() == "gateway" and subnet is not None:
            for part in self._cross(piece, subnet, None):
                self._gateway_endpoint(part, vpc, endpoint_id, endpoint.service_name)
        elif endpoint.endpoint_type.lower() == "gatewayloadbalancer":
            self._appliance_endpoint(piece, vpc, subnet, endpoint_id, endpoint.subnet_ids)
        else:
            self._drop_at(
                piece,
                endpoint_id,
                "vpc_endpoint",
                "forward",
                endpoint.endpoint_type,
                detail="not a valid route target",
            )

    def _gateway_endpoint(self, piece: Piece, vpc: VpcInfo, endpoint_id: str, service: str) -> None:
        if piece.ctx.leg == "reply":
            self._drop_at(
                piece,
                endpoint_id,
                "gateway_endpoint",
                "outbound",
                "asymmetric route",
                detail="the reply is routed to a gateway endpoint",
            )
            return
        self._drop_at(
            piece.narrow(SRC, piece.box[SRC] - vpc.addresses),
            endpoint_id,
            "gateway_endpoint",
            "outbound",
            "foreign source",
            detail=f"a gateway endpoint serves only addresses of {vpc.id}",
        )
        own = piece.narrow(SRC, vpc.addresses)
        if own is None:
            return
        hop = self._hop(
            own,
            endpoint_id,
            "gateway_endpoint",
            "outbound",
            f"to {service}",
            verdict="forward",
            detail="stays on the AWS network",
        )
        own = own.hop(hop)
        exit_ = Exit("service", gateway=endpoint_id, vpc=vpc, service=service)
        if _service_matches(service, self.goal.services):
            self._reached(own, exit_)
            return
        reached = own.narrow(DST, self.goal.service_addresses)
        if reached is not None:
            self._reached(reached, exit_)
        self._drop_at(
            own.narrow(DST, own.box[DST] - self.goal.service_addresses),
            endpoint_id,
            "gateway_endpoint",
            "outbound",
            f"to {service}",
            verdict="exit",
            detail=f"the traffic goes to {service} through the gateway endpoint, on the AWS network, not to the destination asked for",
        )

    def _appliance_endpoint(
        self,
        piece: Piece,
        vpc: VpcInfo,
        subnet: SubnetInfo | None,
        endpoint_id: str,
        subnet_ids: tuple[str, ...],
    ) -> None:
        ep_subnet = next((self.topo.subnets[s] for s in subnet_ids if s in self.topo.subnets), None)
        if ep_subnet is None:
            self._unknown_at(
                piece,
                endpoint_id,
                "gateway_load_balancer_endpoint",
                "forward",
                "?",
                detail="the endpoint's subnet is not in the scan",
            )
            return
        key = f"appliance:{endpoint_id}"
        if key in piece.ctx.visited:
            self._drop_at(
                piece,
                endpoint_id,
                "gateway_load_balancer_endpoint",
                "forward",
                "routing loop",
                detail="the packet comes back to the appliance it left",
            )
            return
        for part in self._cross(piece, subnet, ep_subnet):
            hop = self._hop(
                part,
                endpoint_id,
                "gateway_load_balancer_endpoint",
                "forward",
                "appliance",
                verdict="unknown",
                detail="Gateway Load Balancer / Network Firewall endpoint: its rules are not modelled; followed as if it passed the traffic",
            )
            step = part.hop(hop).with_ctx(unknown=True, visited=part.ctx.visited | {key})
            self._route(step, ep_subnet.route_table, vpc, ep_subnet, "appliance")

    def _to_appliance(
        self, piece: Piece, vpc: VpcInfo, subnet: SubnetInfo | None, target: str, *, instance: bool
    ) -> None:
        eni_ids = self.topo.instances.get(target, []) if instance else [target]
        entry = self.topo.enis.get(eni_ids[0]) if eni_ids else None
        if entry is None:
            self._unknown_at(
                piece,
                target,
                "network_interface",
                "forward",
                "?",
                detail="the route's target is not in the scan",
            )
            return
        eni, group = entry
        a_subnet = self.topo.subnets.get(eni.subnet_id or "")
        if a_subnet is None:
            self._unknown_at(
                piece,
                eni.native_id,
                "network_interface",
                "forward",
                "?",
                detail="the ENI's subnet is not in the scan",
            )
            return
        if group is not None:
            own = piece.narrow(DST, group.addresses)
            if own is not None:
                self._deliver(own, vpc, subnet)
            piece_ = piece.narrow(DST, piece.box[DST] - group.addresses)
            if piece_ is None:
                return
            piece = piece_
        if eni.source_dest_check:
            self._drop_at(
                piece,
                eni.native_id,
                "network_interface",
                "forward",
                "source/destination check",
                detail="the ENI drops traffic not addressed to it (source/destination check is on)",
            )
            return
        key = f"appliance:{eni.native_id}"
        if key in piece.ctx.visited:
            self._drop_at(
                piece,
                eni.native_id,
                "network_interface",
                "forward",
                "routing loop",
                detail="the packet comes back to the appliance it left",
            )
            return
        for part in self._cross(piece, subnet, a_subnet):
            passed = [part]
            if group is not None and part.ctx.leg == "request":
                passed = self._security_groups(part, group, "ingress", self._ingress_peer(part))
            for inside in passed:
                hop = self._hop(
                    inside,
                    eni.native_id,
                    "appliance",
                    "forward",
                    "appliance",
                    verdict="unknown",
                    detail="an instance forwards the traffic: its behaviour is not modelled; followed as if it passed it on",
                )
                step = inside.hop(hop).with_ctx(unknown=True, visited=inside.ctx.visited | {key})
                outs = [step]
                if group is not None and step.ctx.leg == "request":
                    outs = self._security_groups(step, group, "egress", a_subnet.vpc.id)
                for out in outs:
                    self._route(out, a_subnet.route_table, a_subnet.vpc, a_subnet, "appliance")

    def _to_transit_gateway(self, piece: Piece, vpc: VpcInfo, subnet: SubnetInfo, tgw_id: str) -> None:
        att = vpc.tgw_attachments.get(tgw_id)
        if att is None:
            self._drop_at(
                piece,
                tgw_id,
                "transit_gateway",
                "forward",
                "no attachment",
                detail=f"{vpc.id} has no available attachment to {tgw_id}",
            )
            return
        subnets = [self.topo.subnets[s] for s in att.subnet_ids if s in self.topo.subnets]
        entry: SubnetInfo | None = None
        if subnets:
            same_az = [s for s in subnets if s.az and s.az == subnet.az]
            if subnet.az and not same_az and all(s.az for s in subnets):
                self._drop_at(
                    piece,
                    att.native_id,
                    "transit_gateway_attachment",
                    "forward",
                    f"no subnet in {subnet.az}",
                    detail=f"the attachment has no subnet in {subnet.az}, so ENIs there cannot reach the transit gateway",
                )
                return
            entry = same_az[0] if same_az else subnets[0]
        az = (vpc.vpc.account, subnet.az) if subnet.az else None
        for part in self._cross(piece, subnet, entry, both=entry is subnet):
            hop = self._hop(
                part,
                att.native_id,
                "transit_gateway_attachment",
                "forward",
                f"{vpc.id} -> {tgw_id}",
                verdict="forward",
                detail=f"through {entry.id}" if entry else "",
            )
            step = part.hop(hop).with_ctx(az=az, ref_ok=part.ctx.ref_ok and att.security_group_referencing)
            self._tgw_lookup(step, tgw_id, att.native_id)

    def _tgw_lookup(self, piece: Piece, tgw_id: str, attachment_id: str) -> None:
        key = f"tgw:{tgw_id}:{attachment_id}"
        if key in piece.ctx.visited:
            self._drop_at(
                piece,
                tgw_id,
                "transit_gateway",
                "forward",
                "routing loop",
                detail="the packet comes back into the transit gateway by the same attachment",
            )
            return
        piece = piece.with_ctx(visited=piece.ctx.visited | {key})
        table = self.topo.tgw_table_for(tgw_id, attachment_id)
        if table is None:
            tgw = self.topo.transit_gateways.get(tgw_id)
            if tgw is None or not self.topo.listed(TransitGatewayRouteTable, tgw):
                self._unknown_at(
                    piece,
                    tgw_id,
                    "transit_gateway",
                    "forward",
                    "?",
                    detail="the transit gateway's route tables are not (all) in the scan",
                )
            else:
                self._drop_at(
                    piece,
                    attachment_id,
                    "transit_gateway_attachment",
                    "forward",
                    "no associated route table",
                    detail=f"the attachment is associated with no route table of {tgw_id}",
                )
            return
        index = self.topo.tgw_index(table)
        for segment in index.split(piece.box[DST]):
            part = piece.restrict(DST, segment.addresses)
            choices = segment.choices + index.maybe
            if not segment.choices:
                unless = " (unless a prefix list not in the scan covers it)" if index.maybe else ""
                self._drop_at(
                    part,
                    table.native_id,
                    "transit_gateway_route_table",
                    "forward",
                    "no route",
                    detail=f"no static or propagated route matches the destination{unless}",
                )
                if not choices:
                    continue
            uncertain = len(choices) > 1 or bool(index.maybe)
            for choice in choices:
                hop = self._hop(
                    part,
                    table.native_id,
                    "transit_gateway_route_table",
                    "forward",
                    choice.label,
                    verdict="unknown" if uncertain else "forward",
                    detail=f"{choice.origin} route, longest prefix match"
                    if not uncertain
                    else "one of several routes AWS may choose",
                )
                if choice.target_type == "blackhole":
                    self._drop(part, replace(hop, detail="blackhole route"))
                    continue
                step = part.hop(hop)
                if uncertain:
                    step = step.with_ctx(unknown=True)
                for target in choice.target_ids:
                    self._tgw_out(step, tgw_id, target)

    def _tgw_out(self, piece: Piece, tgw_id: str, attachment_id: str) -> None:
        att = self.topo.attachments.get(attachment_id)
        if att is None:
            self._unknown_at(
                piece,
                attachment_id,
                "transit_gateway_attachment",
                "forward",
                "?",
                detail="the attachment is not in the scan",
            )
            return
        if att.resource_type == "vpc":
            vpc = self.topo.vpcs.get(att.resource_id or "")
            if vpc is None:
                self._unknown_at(
                    piece,
                    attachment_id,
                    "transit_gateway_attachment",
                    "forward",
                    "?",
                    detail=f"the attached VPC {att.resource_id} is not in the scan",
                )
                return
            subnets = [self.topo.subnets[s] for s in att.subnet_ids if s in self.topo.subnets]
            if not subnets:
                self._unknown_at(
                    piece,
                    attachment_id,
                    "transit_gateway_attachment",
                    "forward",
                    "?",
                    detail="the attachment's subnets are not in the scan",
                )
                return
            az = piece.ctx.az
            same = [s for s in subnets if az and s.vpc.vpc.account == az[0] and s.az == az[1]]
            ref_ok = piece.ctx.ref_ok and att.security_group_referencing
            for subnet in same or subnets:
                hop = self._hop(
                    piece,
                    attachment_id,
                    "transit_gateway_attachment",
                    "forward",
                    f"{tgw_id} -> {vpc.id}",
                    verdict="forward",
                    detail=f"through {subnet.id}",
                )
                self._route(piece.hop(hop).with_ctx(ref_ok=ref_ok), subnet.route_table, vpc, subnet, "tgw")
        elif att.resource_type in ("peering", "tgw-peering"):
            peer = att.peer_transit_gateway_id or att.resource_id
            if att.transit_gateway_id != tgw_id:
                peer = att.transit_gateway_id
            hop = self._hop(
                piece,
                attachment_id,
                "transit_gateway_attachment",
                "forward",
                f"{tgw_id} -> {peer}",
                verdict="forward",
                detail="transit gateway peering",
            )
            self._tgw_lookup(piece.hop(hop).with_ctx(ref_ok=False), peer or "", attachment_id)
        elif att.resource_type in ("vpn", "direct-connect-gateway", "connect"):
            hop = self._hop(
                piece,
                attachment_id,
                "transit_gateway_attachment",
                "outbound",
                f"to on-premises ({att.resource_type})",
                verdict="forward",
            )
            self._on_premises_out(piece.hop(hop), Exit("on-premises", gateway=attachment_id, tgw=tgw_id))
        else:
            self._unknown_at(
                piece,
                attachment_id,
                "transit_gateway_attachment",
                "forward",
                att.resource_type,
                detail="this kind of attachment (e.g. a Network Firewall) is not modelled",
            )


def _service_matches(service: str, wanted: frozenset[str]) -> bool:
    return any(service == w or service.endswith("." + w) for w in wanted)
