"""Hand-built topologies whose answers are known, including the classic traps."""

from __future__ import annotations

from reach_estate import Estate

from ringfence.model import Inventory, NetworkInterface, RouteTable
from ringfence.network import Query, Topology, answer, parse_ports
from ringfence.network.explain import Answer, Hop
from ringfence.network.protocols import ICMP, UDP


def ask(estate: Estate, source: str, destination: str, port: str | None = "443", **kw: object) -> Answer:
    ports = parse_ports(port) if port is not None else None
    return answer(Topology(estate.inventory()), Query(source, destination, ports=ports, **kw))  # type: ignore[arg-type]


def blocked(result: Answer) -> Hop:
    assert result.verdict == "unreachable", result.to_json()
    hop = result.blocked_at
    assert hop is not None
    return hop


def rules_of(result: Answer, kind: str) -> list[str]:
    return [h.rule for r in result.results for p in r.paths for h in p.hops if h.kind == kind]


def three_tier() -> Estate:
    """A public subnet with a web server and a NAT gateway, a data subnet behind the NAT."""
    e = Estate()
    e.vpc("vpc-a", "10.0.0.0/16")
    e.subnet("subnet-pub", "vpc-a", "10.0.0.0/24", name="prod-public-a")
    e.subnet("subnet-app", "vpc-a", "10.0.1.0/24", name="prod-app-a")
    e.subnet("subnet-data", "vpc-a", "10.0.2.0/24", name="prod-data-a")
    e.igw("igw-a", "vpc-a")
    e.nat("nat-a", "subnet-pub", "vpc-a", "10.0.0.10", "52.1.1.10")
    e.routes("rtb-pub", "vpc-a", [("0.0.0.0/0", "igw-a")], subnets=["subnet-pub"])
    e.routes("rtb-main", "vpc-a", [("0.0.0.0/0", "nat-a")], main=True)
    e.open_nacl("acl-default", "vpc-a")
    e.sg("sg-web", "vpc-a", ingress=["tcp:443:0.0.0.0/0", "tcp:22:0.0.0.0/0"])
    e.sg("sg-app", "vpc-a", ingress=["tcp:8080:sg-web"])
    e.sg("sg-db", "vpc-a", ingress=["tcp:5432:sg-app"], egress=["tcp:443:0.0.0.0/0"])
    e.eni("eni-web", "subnet-pub", "vpc-a", "10.0.0.5", sgs=["sg-web"], public="52.1.1.5")
    e.eni("eni-app", "subnet-app", "vpc-a", "10.0.1.5", sgs=["sg-app"])
    e.eni("eni-db", "subnet-data", "vpc-a", "10.0.2.5", sgs=["sg-db"])
    return e


# --- routes ------------------------------------------------------------------------------------------


def test_the_data_tier_reaches_the_internet_through_the_nat_and_the_reply_comes_back() -> None:
    result = ask(three_tier(), "eni-db", "internet")
    assert result.reachable is True
    (pair,) = result.results
    assert pair.reachable_destinations == ("any IPv4 internet address",)
    kinds = [(h.kind, h.resource_id, h.leg) for h in pair.paths[0].hops]
    assert ("nat_gateway", "nat-a", "request") in kinds
    assert ("internet_gateway", "igw-a", "request") in kinds
    assert ("nat_gateway", "nat-a", "reply") in kinds  # translated back
    assert pair.paths[0].hops[0].rule == "sg-db egress tcp/443 to 0.0.0.0/0"


def test_a_more_specific_route_overrides_the_default_route() -> None:
    e = three_tier()
    e.routes(
        "rtb-main",
        "vpc-a",
        [("0.0.0.0/0", "nat-a"), ("198.51.100.0/24", "nat-b")],
        main=True,
        blackhole=["198.51.100.0/24"],
    )
    hop = blocked(ask(e, "eni-db", "198.51.100.7"))
    assert (hop.kind, hop.resource_id, hop.rule) == ("route_table", "rtb-main", "198.51.100.0/24 -> nat-b")
    assert "blackhole" in hop.detail
    other = ask(e, "eni-db", "203.0.113.7")
    assert other.reachable is True
    assert "0.0.0.0/0 -> nat-a" in rules_of(other, "route_table")


def test_longest_prefix_match_picks_the_specific_route_to_another_gateway() -> None:
    e = three_tier()
    e.routes(
        "rtb-app", "vpc-a", [("0.0.0.0/0", "igw-a"), ("203.0.113.0/24", "nat-a")], subnets=["subnet-app"]
    )
    e.eni("eni-app", "subnet-app", "vpc-a", "10.0.1.5", sgs=["sg-app"], public="52.1.1.15")
    specific = ask(e, "eni-app", "203.0.113.9").results[0].paths[0].hops
    assert specific[1].rule == "203.0.113.0/24 -> nat-a"
    assert next(h.rule for h in specific if h.kind == "internet_gateway") == "source -> 52.1.1.10"
    default = ask(e, "eni-app", "198.51.100.9").results[0].paths[0].hops
    assert default[1].rule == "0.0.0.0/0 -> igw-a"
    assert next(h.rule for h in default if h.kind == "internet_gateway") == "source -> 52.1.1.15"


def test_a_nat_gateway_whose_own_subnet_routes_back_to_it_is_a_loop() -> None:
    e = three_tier()
    e.routes(
        "rtb-pub", "vpc-a", [("0.0.0.0/0", "igw-a"), ("203.0.113.0/24", "nat-a")], subnets=["subnet-pub"]
    )
    hop = blocked(ask(e, "eni-web", "203.0.113.9"))
    assert (hop.resource_id, hop.rule) == ("nat-a", "routing loop")


def test_no_route_names_the_route_table() -> None:
    e = three_tier()
    e.routes("rtb-main", "vpc-a", [], main=True)
    hop = blocked(ask(e, "eni-db", "internet"))
    assert (hop.kind, hop.resource_id, hop.rule) == ("route_table", "rtb-main", "no route")


# --- NACLs -------------------------------------------------------------------------------------------


def test_a_nacl_deny_numbered_before_an_allow_wins() -> None:
    e = three_tier()
    e.nacl(
        "acl-data",
        "vpc-a",
        subnets=["subnet-data"],
        inbound=["100:allow:all::0.0.0.0/0"],
        outbound=["90:deny:tcp:443:0.0.0.0/0", "100:allow:all::0.0.0.0/0"],
    )
    hop = blocked(ask(e, "eni-db", "internet"))
    assert (hop.kind, hop.resource_id, hop.rule, hop.direction, hop.leg) == (
        "network_acl",
        "acl-data",
        "90",
        "outbound",
        "request",
    )


def test_an_allow_numbered_before_a_deny_wins() -> None:
    e = three_tier()
    e.nacl(
        "acl-data",
        "vpc-a",
        subnets=["subnet-data"],
        inbound=["100:allow:all::0.0.0.0/0"],
        outbound=["80:allow:tcp:443:0.0.0.0/0", "90:deny:all::0.0.0.0/0"],
    )
    result = ask(e, "eni-db", "internet")
    assert result.reachable is True
    assert "80" in rules_of(result, "network_acl")


def test_a_nacl_without_the_ephemeral_ports_blocks_the_reply() -> None:
    e = three_tier()
    e.nacl(
        "acl-data",
        "vpc-a",
        subnets=["subnet-data"],
        inbound=["100:allow:tcp:443:0.0.0.0/0"],
        outbound=["100:allow:all::0.0.0.0/0"],
    )
    hop = blocked(ask(e, "eni-db", "internet"))
    assert (hop.resource_id, hop.direction, hop.rule, hop.leg) == ("acl-data", "inbound", "*", "reply")


def test_ephemeral_ports_partly_open_pass_only_those_client_ports() -> None:
    e = three_tier()
    e.nacl(
        "acl-data",
        "vpc-a",
        subnets=["subnet-data"],
        inbound=["100:allow:tcp:32768-65535:0.0.0.0/0"],
        outbound=["100:allow:all::0.0.0.0/0"],
    )
    result = ask(e, "eni-db", "internet")
    assert result.reachable is True
    assert result.results[0].paths[0].client_ports == "32768-65535"
    closed = ask(e, "eni-db", "internet", client_ports=parse_ports("1024-32767"))
    assert blocked(closed).leg == "reply"


def test_traffic_inside_one_subnet_meets_no_nacl() -> None:
    e = three_tier()
    e.nacl("acl-data", "vpc-a", subnets=["subnet-data"])  # denies everything
    e.eni("eni-db2", "subnet-data", "vpc-a", "10.0.2.6", sgs=["sg-db"])
    e.sg("sg-db", "vpc-a", ingress=["tcp:5432:sg-db"], egress=["all::0.0.0.0/0"])
    result = ask(e, "eni-db", "eni-db2", "5432")
    assert result.reachable is True
    assert not rules_of(result, "network_acl")


# --- security groups ---------------------------------------------------------------------------------


def test_a_security_group_referencing_another_group_admits_its_members_only() -> None:
    e = three_tier()
    assert ask(e, "eni-app", "eni-db", "5432").reachable is True
    assert "sg-db ingress tcp/5432 from sg-app" in rules_of(
        ask(e, "eni-app", "eni-db", "5432"), "security_group"
    )
    hop = blocked(ask(e, "eni-web", "eni-db", "5432"))
    assert (hop.kind, hop.direction, hop.rule) == ("security_group", "ingress", "no rule allows")


def test_a_group_reference_does_not_match_through_a_nat() -> None:
    """Traffic that reaches a public address through a NAT no longer comes from the group's members."""
    e = three_tier()
    e.sg("sg-pub2", "vpc-a", ingress=["tcp:443:sg-db"])
    e.eni("eni-pub2", "subnet-pub", "vpc-a", "10.0.0.6", sgs=["sg-pub2"], public="52.1.1.6")
    hop = blocked(ask(e, "eni-db", "52.1.1.6"))
    assert (hop.resource_id, hop.rule) == ("sg-pub2", "no rule allows")
    assert ask(e, "eni-db", "10.0.0.6").reachable is True


def test_group_references_work_across_same_region_peering_only() -> None:
    def build(region: str) -> Estate:
        e = Estate()
        e.vpc("vpc-a", "10.0.0.0/16")
        e.vpc("vpc-b", "10.1.0.0/16", region=region)
        e.subnet("subnet-a", "vpc-a", "10.0.0.0/24")
        e.subnet("subnet-b", "vpc-b", "10.1.0.0/24", region=region, az=f"{region}a")
        e.peering("pcx-ab", ("vpc-a", ["10.0.0.0/16"]), ("vpc-b", ["10.1.0.0/16"]), accepter_region=region)
        e.routes("rtb-a", "vpc-a", [("10.1.0.0/16", "pcx-ab")], main=True)
        e.routes("rtb-b", "vpc-b", [("10.0.0.0/16", "pcx-ab")], main=True, region=region)
        e.open_nacl("acl-a", "vpc-a")
        e.open_nacl("acl-b", "vpc-b", region=region)
        e.sg("sg-client", "vpc-a")
        e.sg("sg-server", "vpc-b", ingress=["tcp:443:sg-client"], region=region)
        e.eni("eni-client", "subnet-a", "vpc-a", "10.0.0.5", sgs=["sg-client"])
        e.eni("eni-server", "subnet-b", "vpc-b", "10.1.0.5", sgs=["sg-server"], region=region)
        return e

    assert ask(build("eu-west-1"), "eni-client", "eni-server").reachable is True
    hop = blocked(ask(build("us-east-1"), "eni-client", "eni-server"))
    assert (hop.resource_id, hop.direction) == ("sg-server", "ingress")


def test_an_interface_endpoint_with_a_restrictive_security_group() -> None:
    e = three_tier()
    e.sg("sg-ssm", "vpc-a", ingress=["tcp:443:10.0.1.0/24"])
    e.eni("eni-ssm", "subnet-app", "vpc-a", "10.0.1.50", sgs=["sg-ssm"], interface_type="vpc_endpoint")
    e.endpoint(
        "vpce-ssm",
        "vpc-a",
        "com.amazonaws.eu-west-1.ssm",
        kind="Interface",
        subnets=["subnet-app"],
        sgs=["sg-ssm"],
        enis=["eni-ssm"],
    )
    e.sg("sg-app", "vpc-a", ingress=["tcp:8080:sg-web"])
    assert ask(e, "eni-app", "service:ssm").reachable is True
    hop = blocked(ask(e, "eni-db", "service:ssm"))
    assert (hop.resource_id, hop.direction, hop.rule) == ("sg-ssm", "ingress", "no rule allows")


# --- the internet ------------------------------------------------------------------------------------


def test_from_the_internet_lists_exposed_enis_and_ports() -> None:
    result = ask(three_tier(), "internet", "all", None)
    exposed = {r.destination: r.ports for r in result.results if r.reachable}
    assert exposed == {"eni-web": "22,443"}
    no_public = next(r for r in result.results if r.destination == "eni-db")
    assert no_public.blocked_at is not None
    assert no_public.blocked_at.rule == "no public address"


def test_an_asymmetric_reply_through_a_nat_is_named_on_the_reply_leg() -> None:
    e = three_tier()
    e.eni("eni-odd", "subnet-app", "vpc-a", "10.0.1.9", sgs=["sg-web"], public="52.1.1.9")
    hop = blocked(ask(e, "internet", "eni-odd"))
    assert (hop.kind, hop.resource_id, hop.leg) == ("nat_gateway", "nat-a", "reply")
    assert "asymmetric" in hop.rule


def test_without_a_public_address_the_internet_gateway_drops_egress() -> None:
    e = three_tier()
    e.eni("eni-private", "subnet-pub", "vpc-a", "10.0.0.7", sgs=["sg-web"])
    hop = blocked(ask(e, "eni-private", "internet"))
    assert (hop.kind, hop.rule) == ("internet_gateway", "no public IPv4")


def test_a_nat_gateway_takes_no_inbound_connection() -> None:
    hop = blocked(ask(three_tier(), "eni-web", "52.1.1.10/32"))
    assert (hop.kind, hop.resource_id, hop.rule) == ("nat_gateway", "nat-a", "no inbound connections")


def test_ipv6_egress_only_gateway_lets_out_but_not_in() -> None:
    e = Estate()
    e.vpc("vpc-6", "10.6.0.0/16", ipv6=["2600:1f18::/56"])
    e.subnet("subnet-6", "vpc-6", "10.6.0.0/24", ipv6=["2600:1f18::/64"])
    e.eigw("eigw-6", "vpc-6")
    e.routes("rtb-6", "vpc-6", [("::/0", "eigw-6")], main=True)
    e.open_nacl("acl-6", "vpc-6")
    e.sg("sg-6", "vpc-6", ingress=["tcp:443:::/0"], egress=["all::::/0"])
    e.eni("eni-6", "subnet-6", "vpc-6", "10.6.0.5", sgs=["sg-6"], ipv6=["2600:1f18::5"])
    out = ask(e, "eni-6", "internet")
    assert out.reachable is True
    reached = out.results[0].reachable_destinations
    assert "2000::/16" in reached
    assert "2600:1f18::/56" not in reached
    assert not any(
        "." in cidr for cidr in reached if not cidr.startswith("...")
    )  # no public IPv4: nothing over IPv4
    hop = blocked(ask(e, "internet", "eni-6"))
    assert hop.kind in ("egress_only_internet_gateway", "vpc")


def test_icmp_echo_needs_the_echo_reply_back() -> None:
    e = three_tier()
    e.sg("sg-web", "vpc-a", ingress=["icmp:8:0.0.0.0/0"])
    e.nacl(
        "acl-pub",
        "vpc-a",
        subnets=["subnet-pub"],
        inbound=["100:allow:icmp:8:0.0.0.0/0"],
        outbound=["100:allow:icmp:0:0.0.0.0/0"],
    )
    assert ask(e, "internet", "eni-web", "8", protocol=ICMP).reachable is True
    e.nacl("acl-pub", "vpc-a", subnets=["subnet-pub"], inbound=["100:allow:icmp:8:0.0.0.0/0"])
    assert blocked(ask(e, "internet", "eni-web", "8", protocol=ICMP)).leg == "reply"


# --- gateway endpoints -------------------------------------------------------------------------------


def s3_estate(prefixes: list[str] | None) -> Estate:
    e = three_tier()
    e.prefix_list("pl-s3", "com.amazonaws.eu-west-1.s3", prefixes)
    e.endpoint("vpce-s3", "vpc-a", "com.amazonaws.eu-west-1.s3", route_tables=["rtb-main"])
    e.routes("rtb-main", "vpc-a", [("0.0.0.0/0", "nat-a"), ("pl-s3", "vpce-s3")], main=True)
    return e


def test_s3_through_a_gateway_endpoint_is_not_internet_egress() -> None:
    e = s3_estate(["52.218.0.0/17", "3.5.64.0/21"])
    result = ask(e, "eni-db", "internet")
    reached = result.results[0].reachable_destinations
    assert "52.218.0.0/17" not in reached
    assert "52.0.0.0/10" not in reached
    to_s3 = ask(e, "eni-db", "service:s3")
    assert to_s3.reachable is True
    assert {h.resource_id for p in to_s3.results[0].paths for h in p.hops} >= {"vpce-s3"}
    assert "nat-a" not in {h.resource_id for p in to_s3.results[0].paths for h in p.hops}


def test_s3_with_its_prefix_list_unknown_is_not_decided() -> None:
    result = ask(s3_estate(None), "eni-db", "service:s3")
    assert result.verdict == "unknown"


# --- peering and transit gateways --------------------------------------------------------------------


def peered_chain() -> Estate:
    e = Estate()
    for name, cidr in (("a", "10.0.0.0/16"), ("b", "10.1.0.0/16"), ("c", "10.2.0.0/16")):
        e.vpc(f"vpc-{name}", cidr)
        e.subnet(f"subnet-{name}", f"vpc-{name}", cidr.replace("/16", "/24"))
        e.open_nacl(f"acl-{name}", f"vpc-{name}")
        e.sg(f"sg-{name}", f"vpc-{name}", ingress=["all::10.0.0.0/8"])
        e.eni(
            f"eni-{name}", f"subnet-{name}", f"vpc-{name}", cidr.replace("0.0/16", "0.5"), sgs=[f"sg-{name}"]
        )
    e.peering("pcx-ab", ("vpc-a", ["10.0.0.0/16"]), ("vpc-b", ["10.1.0.0/16"]))
    e.peering("pcx-bc", ("vpc-b", ["10.1.0.0/16"]), ("vpc-c", ["10.2.0.0/16"]))
    e.routes("rtb-a", "vpc-a", [("10.0.0.0/8", "pcx-ab")], main=True)
    e.routes("rtb-b", "vpc-b", [("10.0.0.0/16", "pcx-ab"), ("10.2.0.0/16", "pcx-bc")], main=True)
    e.routes("rtb-c", "vpc-c", [("10.1.0.0/16", "pcx-bc"), ("10.0.0.0/16", "pcx-bc")], main=True)
    return e


def test_peering_is_not_transitive() -> None:
    e = peered_chain()
    assert ask(e, "eni-a", "eni-b").reachable is True
    assert ask(e, "eni-b", "eni-c").reachable is True
    hop = blocked(ask(e, "eni-a", "eni-c"))
    assert (hop.kind, hop.resource_id, hop.rule) == ("vpc_peering_connection", "pcx-ab", "not transitive")


def test_a_pending_peering_carries_nothing() -> None:
    e = peered_chain()
    e.peering("pcx-ab", ("vpc-a", ["10.0.0.0/16"]), ("vpc-b", ["10.1.0.0/16"]), status="pending-acceptance")
    assert blocked(ask(e, "eni-a", "eni-b")).resource_id == "pcx-ab"


def hub(*, propagate_b: bool = True) -> Estate:
    e = Estate()
    e.tgw("tgw-1")
    for name, cidr in (("a", "10.0.0.0/16"), ("b", "10.1.0.0/16")):
        e.vpc(f"vpc-{name}", cidr)
        e.subnet(f"subnet-{name}", f"vpc-{name}", cidr.replace("/16", "/24"))
        e.subnet(f"subnet-{name}-tgw", f"vpc-{name}", cidr.replace("0.0/16", "255.0/28"))
        e.open_nacl(f"acl-{name}", f"vpc-{name}")
        e.sg(f"sg-{name}", f"vpc-{name}", ingress=["all::10.0.0.0/8"])
        e.eni(
            f"eni-{name}", f"subnet-{name}", f"vpc-{name}", cidr.replace("0.0/16", "0.5"), sgs=[f"sg-{name}"]
        )
        e.routes(f"rtb-{name}", f"vpc-{name}", [("10.0.0.0/8", "tgw-1")], main=True)
        e.tgw_attachment(f"tgw-attach-{name}", "tgw-1", "vpc", f"vpc-{name}", subnets=[f"subnet-{name}-tgw"])
    e.tgw_table(
        "tgw-rtb-1",
        "tgw-1",
        associations=["tgw-attach-a", "tgw-attach-b"],
        propagations=["tgw-attach-a", "tgw-attach-b"] if propagate_b else ["tgw-attach-a"],
    )
    return e


def test_a_transit_gateway_connects_attached_vpcs_with_propagated_routes() -> None:
    result = ask(hub(), "eni-a", "eni-b")
    assert result.reachable is True
    assert "10.1.0.0/16 -> tgw-attach-b" in rules_of(result, "transit_gateway_route_table")


def test_a_transit_gateway_route_table_without_propagation_has_no_route() -> None:
    hop = blocked(ask(hub(propagate_b=False), "eni-a", "eni-b"))
    assert (hop.kind, hop.resource_id, hop.rule) == ("transit_gateway_route_table", "tgw-rtb-1", "no route")


def test_a_static_transit_gateway_route_beats_a_propagated_one() -> None:
    e = hub()
    e.tgw_table(
        "tgw-rtb-1",
        "tgw-1",
        routes=[("10.1.0.0/16", "tgw-attach-a")],
        associations=["tgw-attach-a", "tgw-attach-b"],
        propagations=["tgw-attach-a", "tgw-attach-b"],
        blackhole=["10.1.0.0/16"],
    )
    hop = blocked(ask(e, "eni-a", "eni-b"))
    assert (hop.resource_id, hop.rule) == ("tgw-rtb-1", "10.1.0.0/16 -> tgw-attach-a")


def test_a_transit_gateway_attachment_needs_a_subnet_in_the_sources_zone() -> None:
    e = hub()
    e.subnet("subnet-a2", "vpc-a", "10.0.9.0/24", az="eu-west-1b")
    e.eni("eni-a2", "subnet-a2", "vpc-a", "10.0.9.5", sgs=["sg-a"])
    hop = blocked(ask(e, "eni-a2", "eni-b"))
    assert hop.kind == "transit_gateway_attachment"
    assert "eu-west-1b" in hop.rule


def central_egress() -> Estate:
    """A spoke VPC whose only way out is the transit gateway to a shared egress VPC with a NAT."""
    e = hub()
    e.vpc("vpc-egress", "10.9.0.0/16")
    e.subnet("subnet-e-tgw", "vpc-egress", "10.9.0.0/28")
    e.subnet("subnet-e-pub", "vpc-egress", "10.9.1.0/24")
    e.open_nacl("acl-e", "vpc-egress")
    e.igw("igw-e", "vpc-egress")
    e.nat("nat-e", "subnet-e-pub", "vpc-egress", "10.9.1.10", "52.9.9.10")
    e.routes("rtb-e-tgw", "vpc-egress", [("0.0.0.0/0", "nat-e")], subnets=["subnet-e-tgw"])
    e.routes(
        "rtb-e-pub", "vpc-egress", [("0.0.0.0/0", "igw-e"), ("10.0.0.0/8", "tgw-1")], subnets=["subnet-e-pub"]
    )
    e.tgw_attachment("tgw-attach-e", "tgw-1", "vpc", "vpc-egress", subnets=["subnet-e-tgw"])
    e.routes("rtb-a", "vpc-a", [("0.0.0.0/0", "tgw-1")], main=True)
    e.tgw_table(
        "tgw-rtb-1",
        "tgw-1",
        routes=[("0.0.0.0/0", "tgw-attach-e")],
        associations=["tgw-attach-a", "tgw-attach-b", "tgw-attach-e"],
        propagations=["tgw-attach-a", "tgw-attach-b", "tgw-attach-e"],
    )
    return e


def test_centralised_egress_through_a_transit_gateway_and_a_nat() -> None:
    result = ask(central_egress(), "eni-a", "internet")
    assert result.reachable is True
    hops = result.results[0].paths[0].hops
    assert [
        h.resource_id for h in hops if h.kind in ("nat_gateway", "internet_gateway") and h.leg == "request"
    ] == ["nat-e", "igw-e"]
    assert any(h.kind == "transit_gateway_route_table" and h.leg == "reply" for h in hops)


def test_transit_gateway_peering_across_regions() -> None:
    e = Estate()
    e.tgw("tgw-1")
    e.tgw("tgw-2", region="us-west-1")
    e.vpc("vpc-a", "10.0.0.0/16")
    e.vpc("vpc-z", "10.50.0.0/16", region="us-west-1")
    e.subnet("subnet-a", "vpc-a", "10.0.0.0/24")
    e.subnet("subnet-z", "vpc-z", "10.50.0.0/24", region="us-west-1", az="us-west-1a")
    e.open_nacl("acl-a", "vpc-a")
    e.open_nacl("acl-z", "vpc-z", region="us-west-1")
    e.sg("sg-a", "vpc-a")
    e.sg("sg-z", "vpc-z", ingress=["tcp:443:10.0.0.0/16"], region="us-west-1")
    e.eni("eni-a", "subnet-a", "vpc-a", "10.0.0.5", sgs=["sg-a"])
    e.eni("eni-z", "subnet-z", "vpc-z", "10.50.0.5", sgs=["sg-z"], region="us-west-1")
    e.routes("rtb-a", "vpc-a", [("10.50.0.0/16", "tgw-1")], main=True)
    e.routes("rtb-z", "vpc-z", [("10.0.0.0/16", "tgw-2")], main=True, region="us-west-1")
    e.tgw_attachment("tgw-attach-a", "tgw-1", "vpc", "vpc-a", subnets=["subnet-a"])
    e.tgw_attachment("tgw-attach-z", "tgw-2", "vpc", "vpc-z", subnets=["subnet-z"], region="us-west-1")
    e.tgw_attachment("tgw-attach-peer", "tgw-1", "peering", "tgw-2", peer_tgw="tgw-2")
    e.tgw_table(
        "tgw-rtb-1",
        "tgw-1",
        routes=[("10.50.0.0/16", "tgw-attach-peer")],
        associations=["tgw-attach-a", "tgw-attach-peer"],
        propagations=["tgw-attach-a"],
    )
    e.tgw_table(
        "tgw-rtb-2",
        "tgw-2",
        routes=[("10.0.0.0/16", "tgw-attach-peer")],
        associations=["tgw-attach-z", "tgw-attach-peer"],
        propagations=["tgw-attach-z"],
        region="us-west-1",
    )
    result = ask(e, "eni-a", "eni-z")
    assert result.reachable is True
    assert {"tgw-rtb-1", "tgw-rtb-2"} <= {h.resource_id for h in result.results[0].paths[0].hops}


def test_on_premises_through_a_virtual_private_gateway() -> None:
    e = three_tier()
    e.vgw("vgw-1", "vpc-a")
    e.routes("rtb-main", "vpc-a", [("0.0.0.0/0", "nat-a"), ("192.168.0.0/16", "vgw-1")], main=True)
    e.sg("sg-db", "vpc-a", ingress=["tcp:5432:192.168.0.0/16"], egress=["all::0.0.0.0/0"])
    assert ask(e, "eni-db", "on-premises").reachable is True
    assert ask(e, "on-premises", "eni-db", "5432").reachable is True
    assert ask(e, "on-premises", "eni-web", "5432").reachable is False


# --- appliances --------------------------------------------------------------------------------------


def test_a_gateway_load_balancer_endpoint_is_an_unknown_hop() -> None:
    e = three_tier()
    e.subnet("subnet-fw", "vpc-a", "10.0.9.0/24")
    e.endpoint(
        "vpce-fw",
        "vpc-a",
        "com.amazonaws.vpce.eu-west-1.vpce-svc-1",
        kind="GatewayLoadBalancer",
        subnets=["subnet-fw"],
    )
    e.routes("rtb-edge", "vpc-a", [("10.0.0.0/24", "vpce-fw")], gateways=["igw-a"])
    e.routes("rtb-fw", "vpc-a", [("0.0.0.0/0", "igw-a")], subnets=["subnet-fw"])
    e.routes("rtb-pub", "vpc-a", [("0.0.0.0/0", "vpce-fw")], subnets=["subnet-pub"])
    result = ask(e, "internet", "eni-web")
    assert result.verdict == "unknown"
    hops = result.results[0].paths[0].hops
    assert any(h.resource_id == "vpce-fw" and h.verdict == "unknown" for h in hops)
    # if the appliance passed it, the NACL would still decide: a definite no stays a no
    e.nacl("acl-pub", "vpc-a", subnets=["subnet-pub"])
    assert ask(e, "internet", "eni-web").verdict == "unreachable"


def test_an_unmodelled_firewall_endpoint_ends_in_unknown() -> None:
    e = three_tier()
    e.routes("rtb-main", "vpc-a", [("0.0.0.0/0", "vpce-0firewall")], main=True)
    result = ask(e, "eni-db", "internet")
    assert result.verdict == "unknown"
    assert result.reachable is None


def test_udp_reply_uses_the_same_ephemeral_rules() -> None:
    e = three_tier()
    e.sg("sg-db", "vpc-a", egress=["udp:53:0.0.0.0/0"])
    assert ask(e, "eni-db", "8.8.8.8", "53", protocol=UDP).reachable is True


# --- which drop is named ---------------------------------------------------------------------------


def test_when_several_elements_drop_the_first_along_the_path_is_named() -> None:
    e = three_tier()
    e.nacl("acl-data", "vpc-a", subnets=["subnet-data"])  # denies everything, but comes after...
    e.sg("sg-db", "vpc-a", ingress=["tcp:5432:sg-app"], egress=[])  # ...the source's own egress rules
    hop = blocked(ask(e, "eni-db", "internet"))
    assert (hop.resource_id, hop.direction) == ("sg-db", "egress")
    e.sg("sg-db", "vpc-a", ingress=[], egress=["all::0.0.0.0/0"])
    e.sg("sg-web", "vpc-a", ingress=[], egress=["all::0.0.0.0/0"])
    hop = blocked(ask(e, "eni-web", "eni-db", "5432"))  # the data NACL (inbound) before sg-db (ingress)
    assert (hop.resource_id, hop.direction, hop.rule) == ("acl-data", "inbound", "*")


def test_on_premises_through_a_transit_gateway_vpn_attachment() -> None:
    e = hub()
    e.tgw_attachment("tgw-attach-vpn", "tgw-1", "vpn", "vpn-1")
    e.tgw_table(
        "tgw-rtb-1",
        "tgw-1",
        routes=[("192.168.0.0/16", "tgw-attach-vpn")],
        associations=["tgw-attach-a", "tgw-attach-b", "tgw-attach-vpn"],
        propagations=["tgw-attach-a", "tgw-attach-b"],
    )
    e.routes("rtb-a", "vpc-a", [("10.0.0.0/8", "tgw-1"), ("192.168.0.0/16", "tgw-1")], main=True)
    e.sg("sg-a", "vpc-a", ingress=["all::192.168.0.0/16"])
    result = ask(e, "eni-a", "192.168.1.1/32")
    assert result.reachable is True
    assert "tgw-attach-vpn" in {h.resource_id for h in result.results[0].paths[0].hops}
    assert ask(e, "on-premises", "eni-a", "22").reachable is True
    assert ask(e, "on-premises", "eni-b", "22").reachable is False  # sg-b admits 10.0.0.0/8 only


def test_missing_data_is_unknown_never_a_verdict() -> None:
    e = three_tier()
    e.eni("eni-ghost", "subnet-app", "vpc-a", "10.0.1.77", sgs=["sg-not-scanned"])
    # sg-db admits only sg-app members: decided without knowing the ghost's own group
    assert ask(e, "eni-ghost", "eni-db", "5432").verdict == "unreachable"
    outbound = ask(e, "eni-ghost", "internet")
    assert outbound.verdict == "unknown"
    assert outbound.reachable is None


def test_a_route_to_a_prefix_list_not_in_the_scan_is_unknown_not_followed_as_certain() -> None:
    e = three_tier()
    e.routes("rtb-main", "vpc-a", [("pl-unscanned", "nat-a")], main=True)
    result = ask(e, "eni-db", "internet")
    assert result.verdict == "unknown"
    e.nacl("acl-data", "vpc-a", subnets=["subnet-data"])  # whatever the list holds, the NACL drops it
    assert ask(e, "eni-db", "internet").verdict == "unreachable"


def test_a_failed_listing_makes_absence_unknown() -> None:
    e = three_tier()
    assert blocked(ask(e, "eni-web", "10.0.2.99")).rule == "no ENI"
    to_nobody = Query("eni-web", "10.0.2.99", ports=parse_ports("443"))
    partial = Inventory(e.resources, incomplete=[("111111111111", "eu-west-1", NetworkInterface.KIND)])
    assert answer(Topology(partial), to_nobody).verdict == "unknown"
    no_tables = Inventory(e.resources, incomplete=[("111111111111", "eu-west-1", RouteTable.KIND)])
    assert answer(Topology(no_tables), Query("eni-db", "internet")).verdict == "unknown"
