"""Hops to and from the internet: NAT gateways, internet gateways (1:1 public addresses),
egress-only internet gateways, and the internet itself."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace

from ringfence.network.addresses import (
    ALL_V4,
    ALL_V6,
    EMPTY,
    INTERNET,
    IntervalSet,
    address_text,
    cidr_set,
    port_range,
)
from ringfence.network.packets import (
    DPORT,
    DST,
    SPORT,
    SRC,
    Exit,
    NatRecord,
    Piece,
)
from ringfence.network.protocols import has_ports, is_icmp
from ringfence.network.search import TracerBase
from ringfence.network.topology import NatInfo, SubnetInfo, VpcInfo


class InternetPaths(TracerBase):
    def _to_nat(self, piece: Piece, subnet: SubnetInfo, nat_id: str) -> None:
        nat = self.topo.nats.get(nat_id)
        if nat is None:
            self._unknown_end(
                piece,
                self._hop(
                    piece, nat_id, "nat_gateway", "forward", "?", detail="the NAT gateway is not in the scan"
                ),
            )
            return
        if not nat.available:
            self._drop_at(
                piece,
                nat_id,
                "nat_gateway",
                "forward",
                f"state {nat.nat.state}",
                detail="the NAT gateway is not available",
            )
            return
        if piece.ctx.leg == "reply":
            self._drop_at(
                piece,
                nat_id,
                "nat_gateway",
                "forward",
                "asymmetric route",
                detail="the reply would be translated by this NAT gateway and never match the connection",
            )
            return
        key = f"nat:{nat_id}"
        if key in piece.ctx.visited:
            self._drop_at(
                piece,
                nat_id,
                "nat_gateway",
                "forward",
                "routing loop",
                detail="the packet comes back to the NAT gateway it left",
            )
            return
        for part in self._cross(piece, subnet, nat.subnet):
            self._nat_forward(part.with_ctx(visited=part.ctx.visited | {key}), nat)

    def _nat_forward(self, piece: Piece, nat: NatInfo) -> None:
        if not (has_ports(self.flow.protocol) or is_icmp(self.flow.protocol)):
            self._drop_at(
                piece,
                nat.id,
                "nat_gateway",
                "forward",
                "protocol",
                detail="a NAT gateway translates TCP, UDP and ICMP only",
            )
            return
        v6 = piece.narrow(SRC, ALL_V6)
        if v6 is not None:
            nat64 = v6.narrow(DST, NAT64)
            self._unknown_end(
                nat64,
                self._hop(
                    v6,
                    nat.id,
                    "nat_gateway",
                    "forward",
                    "NAT64",
                    detail="DNS64/NAT64 translation is not modelled",
                ),
            )
            self._drop(
                v6.narrow(DST, ALL_V6 - NAT64),
                self._hop(
                    v6, nat.id, "nat_gateway", "forward", "IPv6", detail="a NAT gateway translates IPv4 only"
                ),
            )
        piece_v4 = piece.narrow(SRC, ALL_V4)
        if piece_v4 is None:
            return
        if not nat.addresses:
            self._unknown_at(
                piece_v4,
                nat.id,
                "nat_gateway",
                "forward",
                "?",
                detail="the NAT gateway's private address is not in the scan",
            )
            return
        address = IntervalSet.point(nat.addresses.first())
        record = NatRecord(
            nat.id,
            piece_v4.box[SRC],
            piece_v4.link[SRC],
            piece_v4.box[SPORT],
            piece_v4.link[SPORT],
            piece_v4.maps[SRC],
        )
        translated = piece_v4.translate(SRC, address)
        if has_ports(self.flow.protocol):
            translated = translated.translate(SPORT, NAT_PORTS)
        kind = "public" if nat.nat.connectivity_type != "private" else "private"
        hop = self._hop(
            piece_v4,
            nat.id,
            "nat_gateway",
            "forward",
            f"source -> {address_text(address.first())}",
            verdict="forward",
            detail=f"{kind} NAT gateway in {nat.subnet.id}",
        )
        translated = translated.hop(hop).with_ctx(nats=(*piece_v4.ctx.nats, record))
        self._route(translated, nat.subnet.route_table, nat.subnet.vpc, nat.subnet, "nat")

    def _at_nat_address(self, piece: Piece, nat: NatInfo) -> None:
        if piece.ctx.leg == "request":
            self._drop_at(
                piece,
                nat.id,
                "nat_gateway",
                "inbound",
                "no inbound connections",
                detail="a NAT gateway only translates connections started behind it",
            )
            return
        records = piece.ctx.nats
        if not records or records[-1].nat != nat.id:
            self._drop_at(
                piece,
                nat.id,
                "nat_gateway",
                "inbound",
                "no such connection",
                detail="the reply reaches a NAT gateway that did not translate the request",
            )
            return
        record = records[-1]
        src = piece.orig[record.src_link] if record.src_link is not None else record.src
        sport = piece.orig[record.sport_link] if record.sport_link is not None else record.sport
        box = (
            piece.box[SRC],
            src,
            piece.box[SPORT],
            sport if has_ports(self.flow.protocol) else piece.box[DPORT],
        )
        link = (
            piece.link[SRC],
            record.src_link,
            piece.link[SPORT],
            record.sport_link if has_ports(self.flow.protocol) else piece.link[DPORT],
        )
        hop = self._hop(
            piece,
            nat.id,
            "nat_gateway",
            "inbound",
            "translate back",
            verdict="forward",
            detail="the reply is translated back to the client's address",
        )
        maps = (
            piece.maps[SRC],
            record.src_map,
            piece.maps[SPORT],
            None if has_ports(self.flow.protocol) else piece.maps[DPORT],
        )
        restored = Piece(
            box, piece.orig, link, (*piece.hops, hop), replace(piece.ctx, nats=records[:-1]), maps
        )
        self._route(restored, nat.subnet.route_table, nat.subnet.vpc, nat.subnet, "nat")

    def _internet_gateway_out(self, piece: Piece, vpc: VpcInfo, gateway: str, *, egress_only: bool) -> None:
        kind = "egress_only_internet_gateway" if egress_only else "internet_gateway"
        dst = piece.box[DST]
        if dst - INTERNET:
            self._drop_at(
                piece.narrow(DST, dst - INTERNET),
                gateway,
                kind,
                "outbound",
                "not an internet address",
                detail="the internet does not route the destination",
            )
        piece_ = piece.narrow(DST, INTERNET)
        if piece_ is None:
            return
        v6 = piece_.narrow(SRC, ALL_V6)
        if v6 is not None:
            own = v6.narrow(SRC, vpc.v6)
            if own is not None:
                hop = self._hop(own, gateway, kind, "outbound", "to the internet", verdict="forward")
                self._internet_out(own.hop(hop), vpc, gateway)
            self._drop_at(
                v6.narrow(SRC, ALL_V6 - vpc.v6),
                gateway,
                kind,
                "outbound",
                "foreign source",
                detail=f"the source is not an address of {vpc.id}",
            )
        v4 = piece_.narrow(SRC, ALL_V4)
        if v4 is None:
            return
        if egress_only:
            self._drop_at(
                v4,
                gateway,
                kind,
                "outbound",
                "IPv4",
                detail="an egress-only internet gateway carries IPv6 only",
            )
            return
        src = v4.box[SRC]
        if v4.ctx.leg == "request" and not self.goal.public and v4.untranslated(SRC):
            self._internet_gateway_out_many(v4, vpc, gateway, kind)
            return
        if v4.ctx.leg == "reply" and v4.ctx.origin.kind == "internet" and v4.maps[SRC] is not None:
            # the reply of a connection that came in through a gateway: mapped back as it came
            mapped = IntervalSet(
                (value, value + 1) for lo, hi in src for value in _between(vpc.mapped, lo, hi)
            )
            if mapped == src:
                rule = "source -> its public address"
                if src.is_single():
                    rule = f"source -> {address_text(vpc.private_of[src.first()])}"
                hop = self._hop(
                    v4,
                    gateway,
                    kind,
                    "outbound",
                    rule,
                    verdict="forward",
                    detail="the internet gateway maps the private address back to the public one",
                )
                self._internet_out(v4.hop(hop), vpc, gateway)
                return
        mapped = EMPTY
        for lo, hi in src:
            for private in _between(vpc.mapped, lo, hi):
                single = v4.narrow(SRC, IntervalSet.point(private))
                if single is None:
                    continue
                mapped = mapped | IntervalSet.point(private)
                public = vpc.private_of[private]
                out = single.translate(SRC, IntervalSet.point(public))
                hop = self._hop(
                    single,
                    gateway,
                    kind,
                    "outbound",
                    f"source -> {address_text(public)}",
                    verdict="forward",
                    detail="the internet gateway maps the private address to its public one",
                )
                self._internet_out(out.hop(hop), vpc, gateway)
        self._drop_at(
            v4.narrow(SRC, src - mapped),
            gateway,
            kind,
            "outbound",
            "no public IPv4",
            detail="the source has no public or Elastic IP address",
        )

    def _internet_gateway_out_many(self, piece: Piece, vpc: VpcInfo, gateway: str, kind: str) -> None:
        """The ENIs' own addresses leave through the gateway, each under its public IPv4. When nothing
        further depends on which public address it is (the destination is outside the estate),
        the set is kept whole and mapped back on the reply, instead of being followed one by one."""
        src = piece.box[SRC]
        mapped = IntervalSet((value, value + 1) for lo, hi in src for value in _between(vpc.mapped, lo, hi))
        out = piece.narrow(SRC, mapped)
        if out is not None:
            single = out.box[SRC].is_single()
            rule = (
                f"source -> {address_text(vpc.private_of[out.box[SRC].first()])}"
                if single
                else "source -> its public IPv4"
            )
            hop = self._hop(
                out,
                gateway,
                kind,
                "outbound",
                rule,
                verdict="forward",
                detail="the internet gateway maps each private address to its public one",
            )
            self._internet_out(out.hop(hop).with_ctx(mapped_by=gateway), vpc, gateway)
        self._drop_at(
            piece.narrow(SRC, src - mapped),
            gateway,
            kind,
            "outbound",
            "no public IPv4",
            detail="the source has no public or Elastic IP address",
        )

    def _internet_out(self, piece: Piece, vpc: VpcInfo, gateway: str) -> None:
        """The packet is on the internet, having left `vpc` through `gateway`."""
        if piece.ctx.leg == "reply":
            origin = piece.ctx.origin
            if origin.kind == "internet":
                same = origin.gateway == gateway or (
                    origin.vpc is vpc and piece.box[SRC].issubset(ALL_V6) and gateway in vpc.eigws | vpc.igws
                )
                if same:
                    self._done(piece)
                else:
                    self._drop_at(
                        piece,
                        gateway,
                        "internet_gateway",
                        "outbound",
                        "asymmetric route",
                        detail=f"the request came in by {origin.gateway}; the reply leaves by another gateway",
                    )
            elif origin.kind == "subnet":
                self._internet_in(piece)  # back over the internet to the client's public address
            else:
                self._drop_at(
                    piece,
                    gateway,
                    "internet_gateway",
                    "outbound",
                    "asymmetric route",
                    detail="the reply leaves to the internet, not to on-premises",
                )
            return
        piece = piece.with_ctx(outbound_gateways=(*piece.ctx.outbound_gateways, gateway))
        dst = piece.box[DST]
        reached = dst & self.goal.internet
        if reached:
            part = piece.narrow(DST, reached)
            if part is not None:
                self._reached(part, Exit("internet", gateway=gateway, vpc=vpc))
        reenter = (dst & self.goal.public) - self.goal.internet
        if reenter:
            self._internet_in(piece.narrow(DST, reenter) or piece)
        rest = dst - self.goal.internet - self.goal.public
        if rest:
            self._drop_at(
                piece.narrow(DST, rest),
                gateway,
                "internet_gateway",
                "outbound",
                "left to the internet",
                verdict="exit",
                detail="the traffic leaves for the internet, which is not the destination asked for",
            )

    def _internet_in(self, piece: Piece) -> None:
        """From the internet towards addresses in the estate: through the owning VPC's gateway."""
        if piece.ctx.leg == "reply" and piece.ctx.mapped_by is not None:
            mapper = piece.ctx.mapped_by
            origin_vpc = piece.ctx.origin.vpc
            assert origin_vpc is not None
            hop = self._hop(
                piece,
                mapper,
                "internet_gateway",
                "inbound",
                "destination -> its private address",
                verdict="forward",
                detail="the public addresses are mapped back to the private ones",
            )
            self._gateway_ingress(piece.hop(hop).with_ctx(mapped_by=None), origin_vpc, mapper)
            return
        remaining = piece.box[DST]
        partition, owners = self.topo.internet_facing()
        for label, addresses in sorted(partition.split(remaining).items()):
            vpc = owners[label]
            part = piece.restrict(DST, addresses)
            remaining = remaining - addresses
            gateway = self._inbound_gateway(part, vpc)
            if gateway is None:
                self._drop_at(
                    part,
                    vpc.id,
                    "vpc",
                    "inbound",
                    "no internet gateway",
                    detail=f"{vpc.id} has no internet gateway to receive it",
                )
            else:
                self._internet_gateway_in(part, vpc, gateway)
        if remaining:
            self._drop_at(
                piece.narrow(DST, remaining),
                "internet",
                "internet",
                "forward",
                "no such address",
                detail="no resource in the scan has this address on the internet",
            )

    def _inbound_gateway(self, piece: Piece, vpc: VpcInfo) -> str | None:
        if piece.ctx.leg == "reply":
            for gateway in reversed(piece.ctx.outbound_gateways):
                if gateway in vpc.igws or gateway in vpc.eigws:
                    return gateway
        return vpc.igw

    def _internet_gateway_in(self, piece: Piece, vpc: VpcInfo, gateway: str) -> None:
        if piece.ctx.origin.kind == "internet" and piece.ctx.origin.gateway is None:
            piece = piece.with_ctx(origin=replace(piece.ctx.origin, gateway=gateway, vpc=vpc))
        kind = "egress_only_internet_gateway" if gateway in vpc.eigws else "internet_gateway"
        if kind == "egress_only_internet_gateway" and piece.ctx.leg == "request":
            self._drop_at(
                piece,
                gateway,
                kind,
                "inbound",
                "egress only",
                detail="an egress-only internet gateway admits no connection from the internet",
            )
            return
        v6 = piece.narrow(DST, ALL_V6)
        if v6 is not None:
            hop = self._hop(v6, gateway, kind, "inbound", "from the internet", verdict="forward")
            self._gateway_ingress(v6.hop(hop), vpc, gateway)
        v4 = piece.narrow(DST, ALL_V4)
        if v4 is None:
            return
        mapping = {vpc.public_of[p]: p for lo, hi in v4.box[DST] for p in _points_in(vpc.public_of, lo, hi)}
        if not mapping:
            return
        inside = v4.narrow(DST, IntervalSet((p, p + 1) for p in mapping.values())) or v4
        if len(mapping) == 1:
            private, public = next(iter(mapping.items()))
            rule, detail = (
                f"destination -> {address_text(private)}",
                f"{address_text(public)} is mapped to its private address",
            )
        else:
            rule, detail = (
                "destination -> its private address",
                "each public address is mapped to its private one",
            )
        hop = self._hop(inside, gateway, kind, "inbound", rule, verdict="forward", detail=detail)
        self._gateway_ingress(inside.translate_one_to_one(DST, mapping).hop(hop), vpc, gateway)

    def _gateway_ingress(self, piece: Piece, vpc: VpcInfo, gateway: str) -> None:
        table = vpc.edge_tables.get(gateway)
        if table is None:
            self._deliver(piece, vpc, None)
        else:
            self._route(piece, table, vpc, None, "gateway")


NAT_PORTS = port_range(1024, 65535)  # the source ports a NAT gateway translates to
NAT64 = cidr_set("64:ff9b::/96")


def _between(values: list[int], lo: int, hi: int) -> list[int]:
    """The sorted `values` within [lo, hi)."""
    return values[bisect_left(values, lo) : bisect_left(values, hi)]


def _points_in(mapping: dict[int, int], lo: int, hi: int) -> list[int]:
    if hi - lo <= 64:
        return [v for v in range(lo, hi) if v in mapping]
    return sorted(v for v in mapping if lo <= v < hi)
