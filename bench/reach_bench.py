"""Reachability engine benchmark: a generated estate of 50 VPCs, 1,000 subnets, 20,000 ENIs and
5,000 security groups (one transit gateway, peerings, NAT gateways, S3 gateway endpoints, tiers).

Prints the time to build the model, to check intents over every ENI, and per single query (median),
as CPU time of this process (see `timed`).
Run: .venv/bin/python bench/reach_bench.py [--vpcs 50] [--queries 200] [--seed 7]
Benchmarks are never run by the tests.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any, TypeVar

from ringfence.model import (
    InternetGateway,
    Inventory,
    NaclEntry,
    NatGateway,
    NetworkAcl,
    NetworkInterface,
    Route,
    RouteTable,
    SecurityGroup,
    SgRule,
    Subnet,
    Vpc,
    VpcEndpoint,
)
from ringfence.model.base import Resource
from ringfence.model.network import ManagedPrefixList
from ringfence.model.transit import (
    PeeringSide,
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayRouteTable,
    VpcPeeringConnection,
)
from ringfence.network import Query, Topology, answer, evaluate_intents, parse_intents, parse_ports

ACCOUNT = "123456789012"
REGION = "eu-west-1"
SUBNETS_PER_VPC = 20
ENIS_PER_SUBNET = 20
SGS_PER_VPC = 100
S3_PREFIXES = (
    "52.218.0.0/17",
    "3.5.64.0/21",
    "3.5.72.0/23",
    "52.92.0.0/17",
    "54.231.128.0/19",
    "16.12.0.0/23",
)

T = TypeVar("T")


def _arn(kind: str, native_id: str) -> str:
    return f"arn:aws:ec2:{REGION}:{ACCOUNT}:{kind}/{native_id}"


def _base(kind: str, native_id: str, **kw: Any) -> dict[str, Any]:
    return {"arn": _arn(kind, native_id), "native_id": native_id, "account": ACCOUNT, "region": REGION, **kw}


def _nacl(tier: str) -> tuple[NaclEntry, ...]:
    """Realistic tier NACLs: the public tier open to the web, the others to the VPC ranges."""
    entries = [
        NaclEntry(50, False, "6", "deny", cidr_ipv4="198.51.100.0/24", from_port=0, to_port=65535),
        NaclEntry(60, True, "6", "deny", cidr_ipv4="192.0.2.0/24", from_port=0, to_port=65535),
        NaclEntry(100, False, "6", "allow", cidr_ipv4="10.0.0.0/8", from_port=0, to_port=65535),
        NaclEntry(110, False, "17", "allow", cidr_ipv4="10.0.0.0/8", from_port=0, to_port=65535),
        NaclEntry(120, False, "6", "allow", cidr_ipv4="0.0.0.0/0", from_port=1024, to_port=65535),
        NaclEntry(130, False, "17", "allow", cidr_ipv4="0.0.0.0/0", from_port=1024, to_port=65535),
        NaclEntry(100, True, "-1", "allow", cidr_ipv4="10.0.0.0/8"),
        NaclEntry(110, True, "6", "allow", cidr_ipv4="0.0.0.0/0", from_port=443, to_port=443),
        NaclEntry(120, True, "6", "allow", cidr_ipv4="0.0.0.0/0", from_port=1024, to_port=65535),
    ]
    if tier == "public":
        entries += [
            NaclEntry(140, False, "6", "allow", cidr_ipv4="0.0.0.0/0", from_port=443, to_port=443),
            NaclEntry(150, False, "6", "allow", cidr_ipv4="0.0.0.0/0", from_port=80, to_port=80),
            NaclEntry(160, False, "6", "allow", cidr_ipv4="203.0.113.0/24", from_port=22, to_port=22),
            NaclEntry(130, True, "6", "allow", cidr_ipv4="0.0.0.0/0", from_port=80, to_port=80),
            NaclEntry(140, True, "17", "allow", cidr_ipv4="0.0.0.0/0", from_port=123, to_port=123),
        ]
    if tier == "data":
        entries += [NaclEntry(90, True, "6", "deny", cidr_ipv4="0.0.0.0/1", from_port=443, to_port=443)]
    return tuple(entries)


def _security_groups(rng: random.Random, vpc_id: str, index: int, first: int) -> list[SecurityGroup]:
    groups = []
    ids = [f"sg-{first + n:08x}" for n in range(SGS_PER_VPC)]
    for n, sg_id in enumerate(ids):
        ingress = [
            SgRule("ingress", "tcp", 443, 443, cidr_ipv4=f"10.{index}.0.0/16"),
            SgRule("ingress", "tcp", 8080, 8090, referenced_group_id=rng.choice(ids)),
        ]
        if n % 10 == 0:
            ingress.append(SgRule("ingress", "tcp", 443, 443, cidr_ipv4="0.0.0.0/0"))
        if n % 37 == 0:
            ingress.append(SgRule("ingress", "tcp", 22, 22, cidr_ipv4="0.0.0.0/0"))
        if n % 5 == 0:
            ingress.append(SgRule("ingress", "tcp", 5432, 5432, referenced_group_id=rng.choice(ids)))
        egress = [SgRule("egress", "-1", cidr_ipv4="10.0.0.0/8")]
        if n % 3 == 0:
            egress.append(SgRule("egress", "-1", cidr_ipv4="0.0.0.0/0"))
        elif n % 3 == 1:
            egress.append(SgRule("egress", "tcp", 443, 443, cidr_ipv4="0.0.0.0/0"))
        else:
            egress.append(SgRule("egress", "tcp", 443, 443, prefix_list_id="pl-s3"))
        groups.append(
            SecurityGroup(
                **_base(
                    "security-group",
                    sg_id,
                    vpc_id=vpc_id,
                    group_name=sg_id,
                    ingress=tuple(ingress),
                    egress=tuple(egress),
                )
            )
        )
    return groups


def build_estate(vpcs: int, seed: int) -> list[Resource]:
    rng = random.Random(seed)
    out: list[Resource] = [
        TransitGateway(**_base("transit-gateway", "tgw-1")),
        ManagedPrefixList(
            **_base("prefix-list", "pl-s3", name=f"com.amazonaws.{REGION}.s3", entries=S3_PREFIXES)
        ),
    ]
    attachments = []
    eni_count = 0
    for v in range(vpcs):
        vpc_id = f"vpc-{v:04d}"
        tier_of = ["public"] * 4 + ["private"] * 8 + ["data"] * 8
        out.append(Vpc(**_base("vpc", vpc_id, cidr_blocks=(f"10.{v}.0.0/16",), tags={"tenant": f"t{v % 5}"})))
        out.append(InternetGateway(**_base("internet-gateway", f"igw-{v:04d}", vpc_ids=(vpc_id,))))
        groups = _security_groups(rng, vpc_id, v, v * SGS_PER_VPC)
        out.extend(groups)
        group_ids = [g.native_id for g in groups]
        subnets_by_tier: dict[str, list[str]] = {"public": [], "private": [], "data": []}
        for s in range(SUBNETS_PER_VPC):
            subnet_id = f"subnet-{v:04d}{s:02d}"
            tier = tier_of[s]
            subnets_by_tier[tier].append(subnet_id)
            az = f"{REGION}{'ab'[s % 2]}"
            out.append(
                Subnet(
                    **_base(
                        "subnet",
                        subnet_id,
                        vpc_id=vpc_id,
                        cidr_block=f"10.{v}.{s}.0/24",
                        availability_zone=az,
                        tags={"Name": f"prod-{tier}-{s}"},
                    )
                )
            )
            roles = [tuple(rng.sample(group_ids, rng.randint(1, 3))) for _ in range(4)]
            for n in range(ENIS_PER_SUBNET):
                sgs = (
                    rng.choice(roles)
                    if rng.random() < 0.8
                    else tuple(rng.sample(group_ids, rng.randint(1, 3)))
                )
                public = (
                    (f"{100 + v // 200}.{v % 200}.{s}.{n + 10}",) if tier == "public" and n % 2 == 0 else ()
                )
                eni_count += 1
                out.append(
                    NetworkInterface(
                        **_base(
                            "network-interface",
                            f"eni-{eni_count:08x}",
                            vpc_id=vpc_id,
                            subnet_id=subnet_id,
                            private_ips=(f"10.{v}.{s}.{n + 10}",),
                            public_ips=public,
                            security_group_ids=sgs,
                        )
                    )
                )
        nats = []
        for z, subnet_id in enumerate(subnets_by_tier["public"][:2]):
            nat_id = f"nat-{v:04d}{z}"
            nats.append(nat_id)
            s = int(subnet_id[-2:])
            out.append(
                NatGateway(
                    **_base(
                        "natgateway",
                        nat_id,
                        vpc_id=vpc_id,
                        subnet_id=subnet_id,
                        state="available",
                        private_ips=(f"10.{v}.{s}.5",),
                        public_ips=(f"99.{v}.{z}.5",),
                    )
                )
            )
        out.append(
            VpcEndpoint(
                **_base(
                    "vpc-endpoint",
                    f"vpce-{v:04d}",
                    vpc_id=vpc_id,
                    service_name=f"com.amazonaws.{REGION}.s3",
                    endpoint_type="Gateway",
                    state="available",
                )
            )
        )
        for tier in ("public", "private", "data"):
            for z in range(2):
                subnets = [s for i, s in enumerate(subnets_by_tier[tier]) if i % 2 == z]
                routes = [
                    Route(destination_cidr="10.0.0.0/8", target_type="transit_gateway", target_id="tgw-1")
                ]
                if tier == "public":
                    routes.append(
                        Route(destination_cidr="0.0.0.0/0", target_type="gateway", target_id=f"igw-{v:04d}")
                    )
                else:
                    routes.append(
                        Route(destination_cidr="0.0.0.0/0", target_type="nat_gateway", target_id=nats[z])
                    )
                    routes.append(
                        Route(
                            destination_prefix_list_id="pl-s3",
                            target_type="gateway",
                            target_id=f"vpce-{v:04d}",
                        )
                    )
                out.append(
                    RouteTable(
                        **_base(
                            "route-table",
                            f"rtb-{v:04d}{tier[:2]}{z}",
                            vpc_id=vpc_id,
                            routes=tuple(routes),
                            subnet_ids=tuple(subnets),
                            is_main=tier == "private" and z == 0,
                        )
                    )
                )
            out.append(
                NetworkAcl(
                    **_base(
                        "network-acl",
                        f"acl-{v:04d}{tier[:2]}",
                        vpc_id=vpc_id,
                        entries=_nacl(tier),
                        subnet_ids=tuple(subnets_by_tier[tier]),
                    )
                )
            )
        att_id = f"tgw-attach-{v:04d}"
        attachments.append(att_id)
        out.append(
            TransitGatewayAttachment(
                **_base(
                    "transit-gateway-attachment",
                    att_id,
                    transit_gateway_id="tgw-1",
                    resource_type="vpc",
                    resource_id=vpc_id,
                    subnet_ids=(subnets_by_tier["private"][0], subnets_by_tier["private"][1]),
                )
            )
        )
    out.append(
        TransitGatewayRouteTable(
            **_base(
                "transit-gateway-route-table",
                "tgw-rtb-1",
                transit_gateway_id="tgw-1",
                association_ids=tuple(attachments),
                propagation_ids=tuple(attachments),
            )
        )
    )
    for p in range(min(10, vpcs // 2)):
        a, b = 2 * p, 2 * p + 1
        out.append(
            VpcPeeringConnection(
                **_base(
                    "vpc-peering-connection",
                    f"pcx-{p:04d}",
                    requester=PeeringSide(f"vpc-{a:04d}", ACCOUNT, REGION, (f"10.{a}.0.0/16",)),
                    accepter=PeeringSide(f"vpc-{b:04d}", ACCOUNT, REGION, (f"10.{b}.0.0/16",)),
                )
            )
        )
    return out


WALL: list[float] = []  # the wall-clock seconds of the last `timed` call


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    """The value and the CPU seconds it took. The engine is single-threaded, so CPU time is its
    cost; wall-clock time (kept in WALL, printed beside) also counts whatever else the machine runs."""
    wall, start = time.perf_counter(), time.process_time()
    value = fn()
    WALL[:] = [time.perf_counter() - wall]
    return value, time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vpcs", type=int, default=50)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    resources, generated = timed(lambda: build_estate(args.vpcs, args.seed))
    inventory = Inventory(resources)
    enis = [r for r in resources if isinstance(r, NetworkInterface)]
    print(
        f"estate: {args.vpcs} VPCs, {sum(isinstance(r, Subnet) for r in resources)} subnets, {len(enis)} ENIs, "
        f"{sum(isinstance(r, SecurityGroup) for r in resources)} security groups "
        f"(generated in {generated:.2f} s)"
    )

    topology, built = timed(lambda: Topology(inventory))
    line("model build (indexes; route tables and rules compile on first use)", built)

    rng = random.Random(args.seed)
    single: list[float] = []
    internet: list[float] = []
    for _ in range(args.queries):
        a, b = rng.sample(enis, 2)
        to_eni = Query(a.native_id, b.native_id, ports=parse_ports("443"))
        single.append(timed(lambda q=to_eni: answer(topology, q))[1])
        to_internet = Query(a.native_id, "internet", ports=parse_ports("443"))
        internet.append(timed(lambda q=to_internet: answer(topology, q))[1])
    for label, times in (("ENI -> ENI tcp/443", single), ("ENI -> internet tcp/443", internet)):
        print(
            f"single query {label}: {statistics.median(times) * 1000:.2f} ms median, "
            f"{max(times) * 1000:.1f} ms max CPU ({args.queries} queries)"
        )

    intents = [
        (
            "intent tier:data -> internet, tcp/443, approved prefix list (NET-07)",
            {
                "name": "data egress",
                "kind": "egress_only",
                "from": "tier:data",
                "to": ["203.0.113.0/24", "pl-s3"],
                "protocols": ["tcp"],
                "ports": "443",
            },
        ),
        (
            "intent every ENI -> internet, tcp+udp+icmp+all, every port (NET-07 over all)",
            {"name": "egress", "kind": "egress_only", "from": "all", "to": ["203.0.113.0/24"]},
        ),
        (
            "intent nothing from the internet to 22/3389, every ENI (NET-01)",
            {"name": "admin", "kind": "no_internet_ingress", "ports": [22, 3389]},
        ),
        (
            "intent tenants isolated (NET-13)",
            {"name": "tenants", "kind": "tenant_isolation", "tag": "tenant"},
        ),
    ]
    for label, statement in intents:
        fresh = Topology(inventory)  # nothing compiled yet: the intent pays for what it uses
        findings, took = timed(
            lambda fresh=fresh, s=statement: evaluate_intents(inventory, parse_intents([s]), topology=fresh)
        )
        judged = [f for f in findings if f.resource_type != "ringfence::NetworkIntent"]
        failing = sum(1 for f in judged if f.status.value == "FAIL")
        line(f"{label}: {len(judged)} judged, {failing} fail", took)


def line(label: str, cpu: float) -> None:
    print(f"{label}: {cpu:.2f} s CPU ({WALL[0]:.2f} s wall)")


if __name__ == "__main__":
    main()
