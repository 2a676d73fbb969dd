"""The engine against a packet-by-packet brute force, on small random topologies (hypothesis)."""

from __future__ import annotations

from dataclasses import dataclass

from brute_force import NAT_PORT_SAMPLES, World, connects
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reach_estate import Estate

from ringfence.model import NetworkInterface
from ringfence.network import Query, Topology, answer
from ringfence.network.addresses import EMPTY, address_value, port_range
from ringfence.network.endpoints import parse_endpoint
from ringfence.network.protocols import TCP, UDP
from ringfence.network.query import trace

CLIENT_PORTS = (1020, 1030)
PORTS = (22, 80, 443, 1500)
EXTERNAL = ("203.0.113.5", "203.0.113.200", "198.51.100.7")
SG_PEERS = ("0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/24", "10.1.0.0/16", "203.0.113.0/24", "52.0.0.0/8")
NACL_CIDRS = ("0.0.0.0/0", "10.0.0.0/8", "10.0.1.0/24", "10.1.0.0/16", "203.0.113.0/24", "52.0.0.0/8")
PORT_SPECS = ("22", "80", "443", "1020-1030", "1024-65535", "0-65535", "1000-2000")


@dataclass
class Case:
    estate: Estate
    enis: list[str]
    protocol: str


def _sg_rule(draw: st.DrawFn, own_groups: list[str], other_groups: list[str]) -> str:
    protocol = draw(st.sampled_from(("tcp", "tcp", "udp", "all")))
    ports = "" if protocol == "all" else draw(st.sampled_from(PORT_SPECS))
    peer = draw(st.sampled_from(SG_PEERS + tuple(own_groups) + tuple(other_groups)))
    return f"{protocol}:{ports}:{peer}"


def _nacl_rules(draw: st.DrawFn) -> list[str]:
    if draw(st.booleans()):
        return ["100:allow:all::0.0.0.0/0"]
    count = draw(st.integers(1, 4))
    numbers = draw(
        st.lists(st.sampled_from((50, 100, 150, 200, 250)), min_size=count, max_size=count, unique=True)
    )
    rules = []
    for number in numbers:
        action = draw(st.sampled_from(("allow", "allow", "deny")))
        protocol = draw(st.sampled_from(("tcp", "all", "udp")))
        ports = "" if protocol == "all" else draw(st.sampled_from(PORT_SPECS))
        rules.append(f"{number}:{action}:{protocol}:{ports}:{draw(st.sampled_from(NACL_CIDRS))}")
    if draw(st.booleans()):
        rules.append("300:allow:all::0.0.0.0/0")
    return rules


@st.composite
def cases(draw: st.DrawFn) -> Case:
    e = Estate()
    two = draw(st.booleans())
    vpcs = ["a", "b"] if two else ["a"]
    peering = two and draw(st.booleans())
    peering_active = draw(st.booleans()) if peering else False
    has_igw = {v: draw(st.integers(0, 3)) > 0 for v in vpcs}
    has_nat = {v: has_igw[v] and draw(st.booleans()) for v in vpcs}
    groups = {v: [f"sg-{v}{i}" for i in range(3)] for v in vpcs}
    enis: list[str] = []
    for index, v in enumerate(vpcs):
        vpc_id = f"vpc-{v}"
        e.vpc(vpc_id, f"10.{index}.0.0/16")
        if has_igw[v]:
            e.igw(f"igw-{v}", vpc_id)
        other = [g for w in vpcs if w != v for g in groups[w]] if peering else []
        for group in groups[v]:
            ingress = [_sg_rule(draw, groups[v], other) for _ in range(draw(st.integers(0, 3)))]
            if draw(st.booleans()):
                ingress.append(
                    draw(
                        st.sampled_from(("all::0.0.0.0/0", "tcp:0-65535:0.0.0.0/0", "udp:0-65535:0.0.0.0/0"))
                    )
                )
            egress = [_sg_rule(draw, groups[v], other) for _ in range(draw(st.integers(0, 2)))]
            if draw(st.booleans()):
                egress.append("all::0.0.0.0/0")
            e.sg(group, vpc_id, ingress=ingress, egress=egress)
        for s in range(2):
            subnet_id = f"subnet-{v}{s}"
            e.subnet(subnet_id, vpc_id, f"10.{index}.{s}.0/24")
            inbound, outbound = _nacl_rules(draw), _nacl_rules(draw)
            e.nacl(f"acl-{v}{s}", vpc_id, subnets=[subnet_id], inbound=inbound, outbound=outbound)
            for i in range(draw(st.integers(1, 2))):
                eni_id = f"eni-{v}{s}{i}"
                sgs = draw(st.lists(st.sampled_from(groups[v]), min_size=1, max_size=2, unique=True))
                public = f"52.0.{index}.{s * 10 + i + 1}" if has_igw[v] and draw(st.integers(0, 2)) else ()
                e.eni(eni_id, subnet_id, vpc_id, f"10.{index}.{s}.{10 + i}", sgs=sgs, public=public)
                enis.append(eni_id)
        if has_nat[v]:
            e.nat(f"nat-{v}", f"subnet-{v}0", vpc_id, f"10.{index}.0.100", f"52.0.{index}.100")
        for s in range(2):
            routes: list[tuple[str, str]] = []
            blackhole: list[str] = []
            default = draw(st.sampled_from(("igw", "igw", "nat", "nat", "none", "blackhole")))
            if default == "igw" and has_igw[v]:
                routes.append(("0.0.0.0/0", f"igw-{v}"))
            elif default == "nat" and has_nat[v]:
                routes.append(("0.0.0.0/0", f"nat-{v}"))
            elif default == "blackhole":
                routes.append(("0.0.0.0/0", "igw-gone"))
                blackhole.append("0.0.0.0/0")
            if peering and draw(st.booleans()):
                other_cidr = "10.1.0.0/16" if v == "a" else "10.0.0.0/16"
                routes.append((other_cidr, "pcx-ab"))
            specific = draw(st.sampled_from(("igw", "nat", "blackhole", "none")))
            if specific == "igw" and has_igw[v]:
                routes.append(("203.0.113.0/25", f"igw-{v}"))
            elif specific == "nat" and has_nat[v]:
                routes.append(("203.0.113.0/25", f"nat-{v}"))
            elif specific == "blackhole":
                routes.append(("203.0.113.0/25", "nat-gone"))
                blackhole.append("203.0.113.0/25")
            e.routes(f"rtb-{v}{s}", f"vpc-{v}", routes, subnets=[f"subnet-{v}{s}"], blackhole=blackhole)
    if peering:
        e.peering(
            "pcx-ab",
            ("vpc-a", ["10.0.0.0/16"]),
            ("vpc-b", ["10.1.0.0/16"]),
            status="active" if peering_active else "pending-acceptance",
        )
    return Case(e, enis, draw(st.sampled_from(("tcp", "tcp", "udp"))))


def _brute(world: World, client: NetworkInterface | str, server: NetworkInterface | str, port: int) -> bool:
    if isinstance(server, NetworkInterface):
        addresses = list(server.private_ips) + (
            list(server.public_ips) if not isinstance(client, str) else []
        )
        if isinstance(client, str):
            addresses = list(server.public_ips)
    else:
        addresses = [server]
    return any(
        connects(world, client, server, address, port, client_port, nat_port)
        for address in addresses
        for client_port in range(CLIENT_PORTS[0], CLIENT_PORTS[1] + 1)
        for nat_port in NAT_PORT_SAMPLES
    )


def _engine(topology: Topology, source: str, destination: str, port: int, protocol: str) -> bool:
    query = Query(
        source,
        destination,
        protocol=TCP if protocol == "tcp" else UDP,
        ports=port_range(port, port),
        client_ports=port_range(*CLIENT_PORTS),
    )
    result = answer(topology, query)
    assert result.verdict != "unknown", result.to_json()
    return result.verdict == "reachable"


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(case=cases(), data=st.data())
def test_eni_to_eni_matches_the_brute_force(case: Case, data: st.DataObject) -> None:
    inventory = case.estate.inventory()
    world, topology = World(inventory, case.protocol), Topology(inventory)
    enis = {e.native_id: e for e in inventory.of(NetworkInterface)}
    source = data.draw(st.sampled_from(case.enis))
    target = data.draw(st.sampled_from([e for e in case.enis if e != source] or case.enis))
    port = data.draw(st.sampled_from(PORTS))
    if source == target:
        return
    expected = _brute(world, enis[source], enis[target], port)
    assert _engine(topology, source, target, port, case.protocol) == expected, (source, target, port)


@SETTINGS
@given(case=cases(), data=st.data())
def test_eni_to_the_internet_matches_the_brute_force(case: Case, data: st.DataObject) -> None:
    inventory = case.estate.inventory()
    world, topology = World(inventory, case.protocol), Topology(inventory)
    enis = {e.native_id: e for e in inventory.of(NetworkInterface)}
    source = data.draw(st.sampled_from(case.enis))
    address = data.draw(st.sampled_from(EXTERNAL))
    port = data.draw(st.sampled_from(PORTS))
    expected = _brute(world, enis[source], address, port)
    assert _engine(topology, source, f"{address}/32", port, case.protocol) == expected, (
        source,
        address,
        port,
    )


@SETTINGS
@given(case=cases(), data=st.data())
def test_the_internet_to_an_eni_matches_the_brute_force(case: Case, data: st.DataObject) -> None:
    inventory = case.estate.inventory()
    world, topology = World(inventory, case.protocol), Topology(inventory)
    enis = {e.native_id: e for e in inventory.of(NetworkInterface)}
    target = data.draw(st.sampled_from(case.enis))
    address = data.draw(st.sampled_from(EXTERNAL))
    port = data.draw(st.sampled_from(PORTS))
    expected = _brute(world, address, enis[target], port)
    assert _engine(topology, f"{address}/32", target, port, case.protocol) == expected, (
        address,
        target,
        port,
    )


@SETTINGS
@given(case=cases(), data=st.data())
def test_internet_destinations_listed_are_exactly_those_reached(case: Case, data: st.DataObject) -> None:
    """'to internet' lists prefixes; each sample address is in the list exactly when it is reached."""
    inventory = case.estate.inventory()
    world, topology = World(inventory, case.protocol), Topology(inventory)
    enis = {e.native_id: e for e in inventory.of(NetworkInterface)}
    source = data.draw(st.sampled_from(case.enis))
    port = data.draw(st.sampled_from(PORTS))
    query = Query(
        source,
        "internet",
        protocol=TCP if case.protocol == "tcp" else UDP,
        ports=port_range(port, port),
        client_ports=port_range(*CLIENT_PORTS),
    )
    endpoints = parse_endpoint(topology, source), parse_endpoint(topology, "internet")
    legs = trace(topology, *endpoints, query).legs[source]
    listed = EMPTY
    for leg in legs:
        if leg.status == "done":
            assert not leg.unknown
            listed = listed | leg.dst
    summary = answer(topology, query).results[0].reachable_destinations
    assert (summary == ()) == (not listed)
    for address in EXTERNAL:
        assert (address_value(address) in listed) == _brute(world, enis[source], address, port), (
            source,
            address,
        )
