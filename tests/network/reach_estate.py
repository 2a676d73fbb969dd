"""A small language for building network estates as model objects (no AWS) for the engine's tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ringfence.model import (
    EgressOnlyInternetGateway,
    Instance,
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
    TransitGatewayRoute,
    TransitGatewayRouteTable,
    VpcPeeringConnection,
    VpnGateway,
)

ACCOUNT = "111111111111"
REGION = "eu-west-1"
PROTOCOL_NUMBERS = {"tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58", "all": "-1", "-1": "-1"}


def _arn(kind: str, native_id: str, account: str, region: str) -> str:
    return f"arn:aws:ec2:{region}:{account}:{kind}/{native_id}"


def target_type(target: str) -> str:
    for prefix, kind in (
        ("nat-", "nat_gateway"),
        ("tgw-", "transit_gateway"),
        ("pcx-", "vpc_peering_connection"),
        ("eni-", "network_interface"),
        ("i-", "instance"),
        ("eigw-", "egress_only_gateway"),
    ):
        if target.startswith(prefix):
            return kind
    return "gateway"


def sg_rule(direction: str, spec: str | tuple[Any, ...]) -> SgRule:
    """'tcp:443:0.0.0.0/0', 'all::sg-1', 'tcp:1024-2000:pl-1', ('udp', 53, '10.0.0.0/8')."""
    if isinstance(spec, str):
        protocol, ports, peer = spec.split(":", 2)
    else:
        protocol, ports, peer = spec
    protocol = "-1" if protocol == "all" else protocol
    lo: int | None
    hi: int | None
    if ports in ("", None):
        lo = hi = None
    else:
        text = str(ports)
        lo_text, _, hi_text = text.partition("-")
        lo = int(lo_text)
        hi = int(hi_text) if hi_text else lo
        if protocol in ("icmp", "icmpv6"):
            hi = -1  # ICMP rules: from_port is the type, to_port the code (-1: every code)
    kw: dict[str, Any] = {}
    if peer.startswith("sg-"):
        kw["referenced_group_id"] = peer
    elif peer.startswith("pl-"):
        kw["prefix_list_id"] = peer
    elif ":" in peer:
        kw["cidr_ipv6"] = peer
    else:
        kw["cidr_ipv4"] = peer
    return SgRule(direction=direction, protocol=protocol, from_port=lo, to_port=hi, **kw)


def nacl_entry(egress: bool, spec: str | tuple[Any, ...]) -> NaclEntry:
    """'100:allow:tcp:443:0.0.0.0/0', '200:deny:all::10.0.0.0/8', '90:allow:icmp:8:0.0.0.0/0'."""
    if isinstance(spec, str):
        number, action, protocol, ports, cidr = spec.split(":", 4)
    else:
        number, action, protocol, ports, cidr = spec
    proto = PROTOCOL_NUMBERS.get(str(protocol), str(protocol))
    lo = hi = None
    icmp_type = icmp_code = None
    if ports not in ("", None):
        text = str(ports)
        lo_text, _, hi_text = text.partition("-")
        if proto in ("1", "58"):
            icmp_type, icmp_code = int(lo_text), -1
        else:
            lo = int(lo_text)
            hi = int(hi_text) if hi_text else lo
    elif proto in ("6", "17"):
        lo, hi = 0, 65535
    v6 = ":" in cidr
    return NaclEntry(
        rule_number=int(number),
        egress=egress,
        protocol=proto,
        action=action,
        cidr_ipv4=None if v6 else cidr,
        cidr_ipv6=cidr if v6 else None,
        from_port=lo,
        to_port=hi,
        icmp_type=icmp_type,
        icmp_code=icmp_code,
    )


class Estate:
    """Resources added in any order (a later one replaces an earlier one of the same id)."""

    def __init__(self, account: str = ACCOUNT, region: str = REGION) -> None:
        self.account = account
        self.region = region
        self.resources: list[Resource] = []

    def _base(
        self, kind: str, native_id: str, tags: dict[str, str] | None = None, **kw: Any
    ) -> dict[str, Any]:
        account = kw.pop("account", self.account)
        region = kw.pop("region", self.region)
        return {
            "arn": _arn(kind, native_id, account, region),
            "native_id": native_id,
            "account": account,
            "region": region,
            "tags": tags or {},
            **kw,
        }

    def add(self, resource: Resource) -> Resource:
        """Add a resource, replacing one of the same kind and id added before."""
        self.resources = [
            r for r in self.resources if not (type(r) is type(resource) and r.native_id == resource.native_id)
        ]
        self.resources.append(resource)
        return resource

    def inventory(self) -> Inventory:
        return Inventory(self.resources)

    # --- VPC ----------------------------------------------------------------------------------------

    def vpc(self, vpc_id: str, cidr: str | Sequence[str], *, ipv6: Sequence[str] = (), **kw: Any) -> Vpc:
        cidrs = (cidr,) if isinstance(cidr, str) else tuple(cidr)
        return self.add(
            Vpc(**self._base("vpc", vpc_id, cidr_blocks=cidrs, ipv6_cidr_blocks=tuple(ipv6), **kw))
        )  # type: ignore[return-value]

    def subnet(
        self,
        subnet_id: str,
        vpc_id: str,
        cidr: str | None,
        *,
        az: str = "eu-west-1a",
        name: str | None = None,
        ipv6: Sequence[str] = (),
        **kw: Any,
    ) -> Subnet:
        tags = {"Name": name} if name else {}
        return self.add(
            Subnet(
                **self._base(
                    "subnet",
                    subnet_id,
                    tags,
                    vpc_id=vpc_id,
                    cidr_block=cidr,  # type: ignore[return-value]
                    availability_zone=az,
                    ipv6_cidr_blocks=tuple(ipv6),
                    **kw,
                )
            )
        )

    def routes(
        self,
        rtb_id: str,
        vpc_id: str,
        routes: Iterable[tuple[str, str]] = (),
        *,
        subnets: Sequence[str] = (),
        main: bool = False,
        gateways: Sequence[str] = (),
        blackhole: Sequence[str] = (),
        **kw: Any,
    ) -> RouteTable:
        built = []
        for destination, target in routes:
            kwargs: dict[str, Any] = {}
            if destination.startswith("pl-"):
                kwargs["destination_prefix_list_id"] = destination
            elif ":" in destination:
                kwargs["destination_ipv6_cidr"] = destination
            else:
                kwargs["destination_cidr"] = destination
            state = "blackhole" if destination in blackhole else "active"
            built.append(Route(target_type=target_type(target), target_id=target, state=state, **kwargs))
        return self.add(
            RouteTable(
                **self._base(
                    "route-table",
                    rtb_id,
                    vpc_id=vpc_id,
                    routes=tuple(built),  # type: ignore[return-value]
                    subnet_ids=tuple(subnets),
                    gateway_ids=tuple(gateways),
                    is_main=main,
                    **kw,
                )
            )
        )

    def nacl(
        self,
        acl_id: str,
        vpc_id: str,
        *,
        subnets: Sequence[str] = (),
        inbound: Sequence[Any] = (),
        outbound: Sequence[Any] = (),
        default: bool = False,
        **kw: Any,
    ) -> NetworkAcl:
        entries = tuple(nacl_entry(False, e) for e in inbound) + tuple(nacl_entry(True, e) for e in outbound)
        return self.add(
            NetworkAcl(
                **self._base(
                    "network-acl",
                    acl_id,
                    vpc_id=vpc_id,
                    entries=entries,  # type: ignore[return-value]
                    subnet_ids=tuple(subnets),
                    is_default=default,
                    **kw,
                )
            )
        )

    def open_nacl(
        self, acl_id: str, vpc_id: str, *, subnets: Sequence[str] = (), default: bool = True, **kw: Any
    ) -> NetworkAcl:
        everything = ["100:allow:all::0.0.0.0/0", "101:allow:all::::/0"]
        return self.nacl(
            acl_id, vpc_id, subnets=subnets, inbound=everything, outbound=everything, default=default, **kw
        )

    def sg(
        self,
        sg_id: str,
        vpc_id: str,
        *,
        ingress: Sequence[Any] = (),
        egress: Sequence[Any] = ("all::0.0.0.0/0",),
        **kw: Any,
    ) -> SecurityGroup:
        return self.add(
            SecurityGroup(
                **self._base(
                    "security-group",
                    sg_id,
                    vpc_id=vpc_id,
                    group_name=sg_id,  # type: ignore[return-value]
                    ingress=tuple(sg_rule("ingress", r) for r in ingress),
                    egress=tuple(sg_rule("egress", r) for r in egress),
                    **kw,
                )
            )
        )

    def eni(
        self,
        eni_id: str,
        subnet_id: str,
        vpc_id: str,
        ip: str | Sequence[str],
        *,
        sgs: Sequence[str] = (),
        public: str | Sequence[str] = (),
        ipv6: Sequence[str] = (),
        interface_type: str = "interface",
        instance: str | None = None,
        source_dest_check: bool = True,
        **kw: Any,
    ) -> NetworkInterface:
        ips = (ip,) if isinstance(ip, str) else tuple(ip)
        publics = (public,) if isinstance(public, str) else tuple(public)
        return self.add(
            NetworkInterface(
                **self._base(  # type: ignore[return-value]
                    "network-interface",
                    eni_id,
                    vpc_id=vpc_id,
                    subnet_id=subnet_id,
                    private_ips=ips,
                    public_ips=publics,
                    ipv6_addresses=tuple(ipv6),
                    security_group_ids=tuple(sgs),
                    interface_type=interface_type,
                    attached_instance_id=instance,
                    source_dest_check=source_dest_check,
                    **kw,
                )
            )
        )

    def instance(self, instance_id: str, eni_ids: Sequence[str], **kw: Any) -> Instance:
        return self.add(
            Instance(**self._base("instance", instance_id, network_interface_ids=tuple(eni_ids), **kw))
        )  # type: ignore[return-value]

    def igw(self, igw_id: str, vpc_id: str) -> InternetGateway:
        return self.add(InternetGateway(**self._base("internet-gateway", igw_id, vpc_ids=(vpc_id,))))  # type: ignore[return-value]

    def eigw(self, eigw_id: str, vpc_id: str) -> EgressOnlyInternetGateway:
        return self.add(
            EgressOnlyInternetGateway(
                **self._base("egress-only-internet-gateway", eigw_id, vpc_ids=(vpc_id,))
            )
        )  # type: ignore[return-value]

    def nat(
        self,
        nat_id: str,
        subnet_id: str,
        vpc_id: str,
        private: str,
        public: str | None = None,
        *,
        connectivity: str = "public",
        state: str = "available",
    ) -> NatGateway:
        return self.add(
            NatGateway(
                **self._base(  # type: ignore[return-value]
                    "natgateway",
                    nat_id,
                    vpc_id=vpc_id,
                    subnet_id=subnet_id,
                    state=state,
                    connectivity_type=connectivity,
                    private_ips=(private,),
                    public_ips=(public,) if public else (),
                )
            )
        )

    def endpoint(
        self,
        vpce_id: str,
        vpc_id: str,
        service: str,
        *,
        kind: str = "Gateway",
        route_tables: Sequence[str] = (),
        subnets: Sequence[str] = (),
        sgs: Sequence[str] = (),
        enis: Sequence[str] = (),
    ) -> VpcEndpoint:
        return self.add(
            VpcEndpoint(
                **self._base(  # type: ignore[return-value]
                    "vpc-endpoint",
                    vpce_id,
                    vpc_id=vpc_id,
                    service_name=service,
                    endpoint_type=kind,
                    state="available",
                    route_table_ids=tuple(route_tables),
                    subnet_ids=tuple(subnets),
                    security_group_ids=tuple(sgs),
                    network_interface_ids=tuple(enis),
                )
            )
        )

    def prefix_list(self, pl_id: str, name: str, cidrs: Sequence[str] | None) -> ManagedPrefixList:
        unresolved = {"entries": "AccessDenied"} if cidrs is None else {}
        return self.add(
            ManagedPrefixList(
                **self._base(  # type: ignore[return-value]
                    "prefix-list", pl_id, name=name, entries=tuple(cidrs or ()), unresolved=unresolved
                )
            )
        )

    def peering(
        self,
        pcx_id: str,
        requester: tuple[str, Sequence[str]],
        accepter: tuple[str, Sequence[str]],
        *,
        status: str = "active",
        accepter_region: str | None = None,
        accepter_account: str | None = None,
    ) -> VpcPeeringConnection:
        req = PeeringSide(requester[0], self.account, self.region, tuple(requester[1]))
        acc = PeeringSide(
            accepter[0], accepter_account or self.account, accepter_region or self.region, tuple(accepter[1])
        )
        return self.add(
            VpcPeeringConnection(
                **self._base(
                    "vpc-peering-connection",
                    pcx_id,
                    status=status,  # type: ignore[return-value]
                    requester=req,
                    accepter=acc,
                )
            )
        )

    def tgw(self, tgw_id: str, **kw: Any) -> TransitGateway:
        return self.add(TransitGateway(**self._base("transit-gateway", tgw_id, **kw)))  # type: ignore[return-value]

    def tgw_attachment(
        self,
        att_id: str,
        tgw_id: str,
        resource_type: str,
        resource_id: str | None,
        *,
        subnets: Sequence[str] = (),
        peer_tgw: str | None = None,
        sg_referencing: bool = False,
        **kw: Any,
    ) -> TransitGatewayAttachment:
        return self.add(
            TransitGatewayAttachment(
                **self._base(  # type: ignore[return-value]
                    "transit-gateway-attachment",
                    att_id,
                    transit_gateway_id=tgw_id,
                    resource_type=resource_type,
                    resource_id=resource_id,
                    subnet_ids=tuple(subnets),
                    peer_transit_gateway_id=peer_tgw,
                    security_group_referencing=sg_referencing,
                    **kw,
                )
            )
        )

    def tgw_table(
        self,
        rt_id: str,
        tgw_id: str,
        *,
        routes: Iterable[tuple[str, Sequence[str] | str]] = (),
        associations: Sequence[str] = (),
        propagations: Sequence[str] = (),
        blackhole: Sequence[str] = (),
        **kw: Any,
    ) -> TransitGatewayRouteTable:
        built = []
        for destination, targets in routes:
            ids = (targets,) if isinstance(targets, str) else tuple(targets)
            state = "blackhole" if destination in blackhole else "active"
            if destination.startswith("pl-"):
                built.append(TransitGatewayRoute(prefix_list_id=destination, attachment_ids=ids, state=state))
            else:
                built.append(
                    TransitGatewayRoute(destination_cidr=destination, attachment_ids=ids, state=state)
                )
        return self.add(
            TransitGatewayRouteTable(
                **self._base(  # type: ignore[return-value]
                    "transit-gateway-route-table",
                    rt_id,
                    transit_gateway_id=tgw_id,
                    routes=tuple(built),
                    association_ids=tuple(associations),
                    propagation_ids=tuple(propagations),
                    **kw,
                )
            )
        )

    def vgw(self, vgw_id: str, vpc_id: str) -> VpnGateway:
        return self.add(VpnGateway(**self._base("vpn-gateway", vgw_id, vpc_ids=(vpc_id,))))  # type: ignore[return-value]
