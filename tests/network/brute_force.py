"""A slow reference evaluator: one concrete packet at a time, following the AWS rules literally.

Written apart from the engine on purpose (no shared code beyond the model classes and `ipaddress`):
it walks a single packet with a single client port through security groups, NACLs, route tables
(longest prefix match, scanning every route), NAT gateways, internet gateways and peering, then
walks the reply back. It covers what the random topologies of the property tests contain.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace

from ringfence.model import (
    Inventory,
    NatGateway,
    NetworkAcl,
    NetworkInterface,
    RouteTable,
    SecurityGroup,
    Subnet,
    Vpc,
)
from ringfence.model.transit import VpcPeeringConnection

NAT_PORT_SAMPLES = (1024, 1031, 5000)  # one per range of NAT source ports the generated NACLs tell apart
NOT_INTERNET = [
    ipaddress.ip_network(c) for c in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
]


@dataclass(frozen=True)
class Packet:
    src: str
    dst: str
    sport: int
    dport: int


@dataclass(frozen=True)
class Nat:
    nat_id: str
    client: str
    client_port: int


def _in(address: str, cidr: str | None) -> bool:
    if not cidr:
        return False
    return ipaddress.ip_address(address) in ipaddress.ip_network(cidr, strict=False)


class World:
    def __init__(self, inventory: Inventory, protocol: str = "tcp") -> None:
        self.protocol = protocol
        self.vpcs = {v.native_id: v for v in inventory.of(Vpc)}
        self.subnets = {s.native_id: s for s in inventory.of(Subnet)}
        self.enis = list(inventory.of(NetworkInterface))
        self.sgs = {g.native_id: g for g in inventory.of(SecurityGroup)}
        self.nacls = list(inventory.of(NetworkAcl))
        self.tables = list(inventory.of(RouteTable))
        self.nats = list(inventory.of(NatGateway))
        self.peerings = {p.native_id: p for p in inventory.of(VpcPeeringConnection)}
        self.igws = {vpc: igw for igw in _igws(inventory) for vpc in igw[1]}

    # --- look-ups, written the long way ---------------------------------------------------------------

    def subnet_of_address(self, vpc_id: str, address: str) -> Subnet | None:
        for subnet in self.subnets.values():
            if subnet.vpc_id == vpc_id and _in(address, subnet.cidr_block):
                return subnet
        return None

    def eni_at(self, vpc_id: str, address: str) -> NetworkInterface | None:
        for eni in self.enis:
            if eni.vpc_id == vpc_id and address in eni.private_ips:
                return eni
        return None

    def nat_at(self, vpc_id: str, address: str) -> NatGateway | None:
        for nat in self.nats:
            if nat.vpc_id == vpc_id and address in nat.private_ips:
                return nat
        return None

    def public_owner(self, address: str) -> tuple[str, str] | None:
        """(vpc, private address) of a public IP, if something in the estate holds it."""
        for eni in self.enis:
            if address in eni.public_ips:
                return eni.vpc_id or "", eni.private_ips[0]
        for nat in self.nats:
            if address in nat.public_ips:
                return nat.vpc_id or "", nat.private_ips[0]
        return None

    def public_of(self, vpc_id: str, private: str) -> str | None:
        for eni in self.enis:
            if eni.vpc_id == vpc_id and eni.private_ips and eni.private_ips[0] == private and eni.public_ips:
                return eni.public_ips[0]
        for nat in self.nats:
            if nat.vpc_id == vpc_id and nat.private_ips[0] == private and nat.public_ips:
                return nat.public_ips[0]
        return None

    def table_of(self, subnet: Subnet) -> RouteTable | None:
        for table in self.tables:
            if subnet.native_id in table.subnet_ids:
                return table
        for table in self.tables:
            if table.vpc_id == subnet.vpc_id and table.is_main:
                return table
        return None

    def nacl_of(self, subnet: Subnet) -> NetworkAcl | None:
        for acl in self.nacls:
            if subnet.native_id in acl.subnet_ids:
                return acl
        for acl in self.nacls:
            if acl.vpc_id == subnet.vpc_id and acl.is_default:
                return acl
        return None

    # --- filters ------------------------------------------------------------------------------------

    def nacl_allows(self, subnet: Subnet, egress: bool, packet: Packet) -> bool:
        acl = self.nacl_of(subnet)
        assert acl is not None
        peer = packet.dst if egress else packet.src
        number = {"tcp": "6", "udp": "17"}[self.protocol]
        for entry in sorted((e for e in acl.entries if e.egress == egress), key=lambda e: e.rule_number):
            if entry.protocol not in ("-1", number):
                continue
            ranged = entry.protocol != "-1" and entry.from_port is not None and entry.to_port is not None
            if ranged and not entry.from_port <= packet.dport <= entry.to_port:  # type: ignore[operator]
                continue
            if not _in(peer, entry.cidr_ipv4):
                continue
            return entry.action == "allow"
        return False

    def sg_allows(
        self, eni: NetworkInterface, ingress: bool, packet: Packet, peer_eni: NetworkInterface | None
    ) -> bool:
        peer = packet.src if ingress else packet.dst
        for group_id in eni.security_group_ids:
            group = self.sgs[group_id]
            for rule in group.ingress if ingress else group.egress:
                if rule.protocol not in ("-1", self.protocol):
                    continue
                ranged = rule.protocol != "-1" and rule.from_port is not None and rule.to_port is not None
                if ranged and not (rule.from_port == -1 or rule.from_port <= packet.dport <= rule.to_port):  # type: ignore[operator]
                    continue
                if rule.referenced_group_id:
                    member = peer_eni is not None and rule.referenced_group_id in peer_eni.security_group_ids
                    if member and (
                        peer_eni.vpc_id == group.vpc_id  # type: ignore[union-attr]
                        or self.peered(peer_eni.vpc_id or "", group.vpc_id or "")  # type: ignore[union-attr]
                    ):
                        return True
                    continue
                if _in(peer, rule.cidr_ipv4):
                    return True
        return False

    def peered(self, a: str, b: str) -> bool:
        return any(
            p.status == "active" and {p.requester.vpc_id, p.accepter.vpc_id} == {a, b}
            for p in self.peerings.values()
        )

    # --- routing ------------------------------------------------------------------------------------

    def route(self, subnet: Subnet, address: str) -> tuple[str, str] | None:
        """(target kind, target id) of the longest matching route, scanning them all."""
        table = self.table_of(subnet)
        assert table is not None
        vpc = self.vpcs[subnet.vpc_id]
        best: tuple[int, str, str] | None = None
        candidates = [(cidr, "gateway", "local", "active") for cidr in vpc.cidr_blocks]
        candidates += [
            (r.destination_cidr or "", r.target_type, r.target_id or "", r.state) for r in table.routes
        ]
        for cidr, kind, target, state in candidates:
            if cidr and _in(address, cidr):
                length = ipaddress.ip_network(cidr).prefixlen
                if best is None or length > best[0] or (length == best[0] and target == "local"):
                    best = (length, kind, target if state == "active" else "blackhole")
        if best is None or best[2] == "blackhole":
            return None
        return best[1], best[2]


def _igws(inventory: Inventory) -> list[tuple[str, tuple[str, ...]]]:
    from ringfence.model import InternetGateway

    return [(igw.native_id, igw.vpc_ids) for igw in inventory.of(InternetGateway)]


# --- one packet ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trip:
    """Where a walking packet stands: in a subnet, sent by an ENI (None: sent by a gateway)."""

    packet: Packet
    vpc: str
    translated: bool  # its source is no longer the client's own address
    nats: tuple[Nat, ...]


def walk(world: World, trip: Trip, subnet: Subnet, depth: int = 0) -> tuple[str, object, Trip] | None:
    """Route a packet leaving `subnet` until it is delivered: ('eni', eni, trip), ('nat', nat, trip),
    ('internet', None, trip), or None when something drops it."""
    if depth > 8:
        return None
    packet = trip.packet
    hop = world.route(subnet, packet.dst)
    if hop is None:
        return None
    _kind, target = hop
    if target == "local":
        dest = world.subnet_of_address(trip.vpc, packet.dst)
        if dest is None:
            return None
        if dest.native_id != subnet.native_id and not (
            world.nacl_allows(subnet, True, packet) and world.nacl_allows(dest, False, packet)
        ):
            return None
        eni = world.eni_at(trip.vpc, packet.dst)
        if eni is not None:
            return "eni", eni, trip
        nat = world.nat_at(trip.vpc, packet.dst)
        if nat is not None:
            return "nat", nat, trip
        return None
    if target.startswith("igw-"):
        if not world.nacl_allows(subnet, True, packet):
            return None
        if any(_in(packet.dst, str(n)) for n in NOT_INTERNET):
            return None
        public = world.public_of(trip.vpc, packet.src)
        if public is None:
            return None
        return "internet", None, replace(trip, packet=replace(packet, src=public), translated=True)
    if target.startswith("nat-"):
        nat = next(n for n in world.nats if n.native_id == target)
        nat_subnet = world.subnets[nat.subnet_id or ""]
        if nat_subnet.native_id != subnet.native_id and not (
            world.nacl_allows(subnet, True, packet) and world.nacl_allows(nat_subnet, False, packet)
        ):
            return None
        return "via-nat", nat, trip
    if target.startswith("pcx-"):
        pcx = world.peerings[target]
        if pcx.status != "active" or not world.nacl_allows(subnet, True, packet):
            return None
        sides = {pcx.requester.vpc_id: pcx.accepter.vpc_id, pcx.accepter.vpc_id: pcx.requester.vpc_id}
        peer = sides.get(trip.vpc)
        if peer is None:
            return None
        if not any(_in(packet.src, c) for c in world.vpcs[trip.vpc].cidr_blocks):
            return None
        if not any(_in(packet.dst, c) for c in world.vpcs[peer].cidr_blocks):
            return None
        dest = world.subnet_of_address(peer, packet.dst)
        if dest is None or not world.nacl_allows(dest, False, packet):
            return None
        eni = world.eni_at(peer, packet.dst)
        if eni is not None:
            return "eni", eni, replace(trip, vpc=peer)
        nat = world.nat_at(peer, packet.dst)
        return ("nat", nat, replace(trip, vpc=peer)) if nat is not None else None
    return None


def from_internet(world: World, trip: Trip) -> tuple[str, object, Trip] | None:
    """A packet on the internet addressed to the estate: through the owner's internet gateway."""
    owner = world.public_owner(trip.packet.dst)
    if owner is None:
        return None
    vpc, private = owner
    if vpc not in world.igws:
        return None
    packet = replace(trip.packet, dst=private)
    dest = world.subnet_of_address(vpc, private)
    if dest is None or not world.nacl_allows(dest, False, packet):
        return None
    moved = replace(trip, packet=packet, vpc=vpc)
    eni = world.eni_at(vpc, private)
    if eni is not None:
        return "eni", eni, moved
    nat = world.nat_at(vpc, private)
    return ("nat", nat, moved) if nat is not None else None


def deliver(
    world: World, start: tuple[str, object, Trip] | None, *, reply: bool, nat_port: int
) -> tuple[str, object, Trip] | None:
    """Follow NAT gateways (forward, or back for replies) until the packet reaches an ENI or the internet."""
    for _ in range(8):
        if start is None:
            return None
        kind, thing, trip = start
        if kind == "via-nat":
            if reply:
                return None  # a reply translated by a NAT no longer matches the connection
            assert isinstance(thing, NatGateway)
            nat_subnet = world.subnets[thing.subnet_id or ""]
            record = Nat(thing.native_id, trip.packet.src, trip.packet.sport)
            packet = replace(trip.packet, src=thing.private_ips[0], sport=nat_port)
            start = walk(world, Trip(packet, trip.vpc, True, (*trip.nats, record)), nat_subnet)
            continue
        if kind == "nat":
            assert isinstance(thing, NatGateway)
            if not reply or not trip.nats or trip.nats[-1].nat_id != thing.native_id:
                return None
            record = trip.nats[-1]
            packet = replace(trip.packet, dst=record.client, dport=record.client_port)
            nat_subnet = world.subnets[thing.subnet_id or ""]
            start = walk(world, replace(trip, packet=packet, nats=trip.nats[:-1]), nat_subnet)
            continue
        return start
    return None


# --- a whole connection ------------------------------------------------------------------------------


def connects(
    world: World,
    client: NetworkInterface | str,
    server: NetworkInterface | str,
    address: str,
    port: int,
    client_port: int,
    nat_port: int,
) -> bool:
    """Does a connection from `client` (an ENI, or an internet address) to `address` (an address of
    `server`, or an internet address) succeed, request and reply, with these ports?"""
    if isinstance(client, NetworkInterface):
        source = client.private_ips[0]
        subnet = world.subnets[client.subnet_id or ""]
        packet = Packet(source, address, client_port, port)
        if not world.sg_allows(
            client, False, packet, server if isinstance(server, NetworkInterface) else None
        ):
            return False
        arrived = deliver(
            world,
            walk(world, Trip(packet, client.vpc_id or "", False, ()), subnet),
            reply=False,
            nat_port=nat_port,
        )
    else:
        packet = Packet(client, address, client_port, port)
        arrived = deliver(
            world, from_internet(world, Trip(packet, "", True, ())), reply=False, nat_port=nat_port
        )
    if arrived is None:
        return False
    kind, thing, trip = arrived
    if kind == "internet":
        if isinstance(server, NetworkInterface):
            arrived = deliver(world, from_internet(world, trip), reply=False, nat_port=nat_port)
            if arrived is None:
                return False
            kind, thing, trip = arrived
        elif trip.packet.dst != server:
            return False
    if isinstance(server, NetworkInterface):
        if kind != "eni" or thing != server:
            return False
        peer = client if isinstance(client, NetworkInterface) and not trip.translated else None
        if not world.sg_allows(server, True, trip.packet, peer):
            return False
        reply = Packet(trip.packet.dst, trip.packet.src, trip.packet.dport, trip.packet.sport)
        back = deliver(
            world,
            walk(world, Trip(reply, trip.vpc, False, trip.nats), world.subnets[server.subnet_id or ""]),
            reply=True,
            nat_port=nat_port,
        )
    else:
        reply = Packet(trip.packet.dst, trip.packet.src, trip.packet.dport, trip.packet.sport)
        back = deliver(
            world, from_internet(world, Trip(reply, "", False, trip.nats)), reply=True, nat_port=nat_port
        )
    if back is None:
        return False
    kind, thing, trip = back
    if isinstance(client, NetworkInterface):
        if kind == "internet":
            back = deliver(world, from_internet(world, trip), reply=True, nat_port=nat_port)
            if back is None:
                return False
            kind, thing, trip = back
        return kind == "eni" and thing == client and trip.packet.dst == client.private_ips[0]
    return kind == "internet" and trip.packet.dst == client and trip.packet.src == address
