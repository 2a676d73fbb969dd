"""VPC networking: the resources and relationships the checks and the reachability engine read.

Cross-references are native ids (vpc-..., subnet-..., sg-...; in IaC the logical ids), looked up
through the Inventory within the same account and region.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind

ALL_PROTOCOLS = "-1"
_SG_PROTOCOL_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": ALL_PROTOCOLS}
_NACL_PROTOCOL_NUMBERS = {"tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58", "all": ALL_PROTOCOLS}


def sg_protocol(value: object) -> str:
    """A security group IpProtocol in one spelling: tcp, udp, icmp, icmpv6 by name, "-1" for all,
    any other protocol by number. AWS itself answers with names, but accepts numbers on input."""
    text = str(value).strip().lower()
    return _SG_PROTOCOL_NAMES.get(text, text)


def nacl_protocol(value: object) -> str:
    """A network ACL protocol in the spelling AWS answers with: a number as text, or "-1"."""
    text = str(value).strip().lower()
    return _NACL_PROTOCOL_NUMBERS.get(text, text)


@resource_kind
@dataclass(frozen=True, kw_only=True)
class Vpc(Resource):
    KIND = "ec2.vpc"
    RESOURCE_TYPE = "AWS::EC2::VPC"

    cidr_blocks: tuple[str, ...] = ()  # the primary CIDR first, then the associated secondary ones
    ipv6_cidr_blocks: tuple[str, ...] = ()
    is_default: bool = False
    dhcp_options_id: str | None = None

    @property
    def primary_cidr(self) -> str | None:
        return self.cidr_blocks[0] if self.cidr_blocks else None

    @property
    def resolver_ipv4(self) -> str | None:
        """The Amazon DNS server's address in the VPC: the primary CIDR's base plus two."""
        if not self.primary_cidr:
            return None
        try:
            network = ipaddress.IPv4Network(self.primary_cidr, strict=False)
        except ValueError:
            return None
        return str(network.network_address + 2)


@resource_kind
@dataclass(frozen=True, kw_only=True)
class Subnet(Resource):
    KIND = "ec2.subnet"
    RESOURCE_TYPE = "AWS::EC2::Subnet"

    vpc_id: str = ""
    cidr_block: str | None = None
    ipv6_cidr_blocks: tuple[str, ...] = ()
    availability_zone: str | None = None
    map_public_ip_on_launch: bool | None = None
    default_for_az: bool = False


@dataclass(frozen=True, slots=True)
class SgRule:
    """One permission of a security group, flattened to a single source or destination."""

    direction: str  # "ingress" | "egress"
    protocol: str  # "-1" (all), "tcp", "udp", "icmp", "icmpv6" or an IP protocol number (see sg_protocol)
    from_port: int | None = None  # None with protocol -1 (all ports); ICMP: the type (-1 all)
    to_port: int | None = None  # ICMP: the code (-1 all)
    cidr_ipv4: str | None = None
    cidr_ipv6: str | None = None
    prefix_list_id: str | None = None
    referenced_group_id: str | None = None
    description: str | None = None
    rule_id: str | None = None
    # IaC only: why the peer or the ports of this rule are not knowable from the files (a parameter
    # with no default, an import from another stack); None when they are known.
    unresolved: str | None = None

    @property
    def peer(self) -> str:
        return self.cidr_ipv4 or self.cidr_ipv6 or self.prefix_list_id or self.referenced_group_id or "?"

    @property
    def is_world(self) -> bool:
        return self.cidr_ipv4 == "0.0.0.0/0" or self.cidr_ipv6 == "::/0"

    @property
    def is_all_protocols(self) -> bool:
        return sg_protocol(self.protocol) == ALL_PROTOCOLS

    @property
    def all_ports(self) -> bool:
        """No port restriction: all protocols, a protocol without ports, or the -1/-1 range."""
        if self.is_all_protocols or self.from_port is None or self.to_port is None:
            return True
        return self.from_port == -1 and self.to_port == -1

    def admits(self, protocol: str, port: int) -> bool:
        """Whether traffic of `protocol` ("tcp" or "udp") to `port` passes this rule."""
        mine = sg_protocol(self.protocol)
        if mine == ALL_PROTOCOLS:
            return True
        if mine != sg_protocol(protocol):
            return False
        if self.all_ports or self.from_port is None or self.to_port is None:
            return True
        return self.from_port <= port <= self.to_port

    def covers_port(self, port: int) -> bool:
        """Whether TCP or UDP traffic to `port` passes (all-protocol rules do; ICMP rules never)."""
        return self.admits("tcp", port) or self.admits("udp", port)

    def describe(self) -> str:
        protocol = sg_protocol(self.protocol)
        if protocol == ALL_PROTOCOLS:
            what = "all traffic"
        elif self.all_ports:
            what = f"{protocol} all ports" if protocol in ("tcp", "udp") else f"{protocol} all"
        elif protocol in ("icmp", "icmpv6"):
            what = f"{protocol} type {self.from_port} code {'all' if self.to_port == -1 else self.to_port}"
        elif self.from_port == self.to_port:
            what = f"{protocol}/{self.from_port}"
        else:
            what = f"{protocol}/{self.from_port}-{self.to_port}"
        arrow = "from" if self.direction == "ingress" else "to"
        rule = f" [{self.rule_id}]" if self.rule_id else ""
        return f"{self.direction} {what} {arrow} {self.peer}{rule}"


@resource_kind
@dataclass(frozen=True, kw_only=True)
class SecurityGroup(Resource):
    KIND = "ec2.security_group"
    RESOURCE_TYPE = "AWS::EC2::SecurityGroup"

    vpc_id: str | None = None
    group_name: str = ""
    description: str | None = None
    ingress: tuple[SgRule, ...] = ()
    egress: tuple[SgRule, ...] = ()

    @property
    def is_default(self) -> bool:
        return self.group_name == "default"

    @property
    def rules(self) -> tuple[SgRule, ...]:
        return self.ingress + self.egress


@resource_kind
@dataclass(frozen=True, kw_only=True)
class NetworkInterface(Resource):
    KIND = "ec2.network_interface"
    RESOURCE_TYPE = "AWS::EC2::NetworkInterface"

    vpc_id: str | None = None
    subnet_id: str | None = None
    interface_type: str | None = None  # interface, nat_gateway, vpc_endpoint, network_load_balancer, ...
    private_ips: tuple[str, ...] = ()
    ipv6_addresses: tuple[str, ...] = ()
    public_ips: tuple[str, ...] = ()  # public IPv4 and Elastic IPs associated with any private IP
    security_group_ids: tuple[str, ...] = ()
    attached_instance_id: str | None = None
    requester_managed: bool = False  # created and managed by an AWS service (RequesterId says which)
    requester_id: str | None = None
    description: str | None = None
    source_dest_check: bool = True
    status: str | None = None  # available | in-use | ...

    @property
    def route53_resolver_endpoint_id(self) -> str | None:
        """The rslvr-in-/rslvr-out- id when this is an ENI of a Route 53 Resolver endpoint.

        Route 53 Resolver creates its ENIs requester-managed, described
        "Route 53 Resolver: rslvr-out-...:rni-..."; a description alone (which anyone can write on
        their own ENI) is not enough."""
        text = self.description or ""
        if not self.requester_managed or not text.startswith(_RESOLVER_ENI_PREFIX):
            return None
        endpoint = text[len(_RESOLVER_ENI_PREFIX) :].split(":", 1)[0].strip()
        return endpoint if endpoint.startswith("rslvr-") else None


_RESOLVER_ENI_PREFIX = "Route 53 Resolver:"


@dataclass(frozen=True, slots=True)
class Route:
    destination_cidr: str | None = None
    destination_ipv6_cidr: str | None = None
    destination_prefix_list_id: str | None = None
    # gateway (igw-/vgw-/vpce-/local), egress_only_gateway, nat_gateway, transit_gateway,
    # vpc_peering_connection, network_interface, instance, carrier_gateway, local_gateway, core_network
    target_type: str = "gateway"
    target_id: str | None = None
    state: str = "active"  # "blackhole" routes forward nothing
    origin: str | None = None

    @property
    def destination(self) -> str:
        return self.destination_cidr or self.destination_ipv6_cidr or self.destination_prefix_list_id or "?"


@resource_kind
@dataclass(frozen=True, kw_only=True)
class RouteTable(Resource):
    KIND = "ec2.route_table"
    RESOURCE_TYPE = "AWS::EC2::RouteTable"

    vpc_id: str = ""
    routes: tuple[Route, ...] = ()
    subnet_ids: tuple[str, ...] = ()  # explicit associations
    gateway_ids: tuple[str, ...] = ()  # edge associations
    is_main: bool = False


@dataclass(frozen=True, slots=True)
class NaclEntry:
    rule_number: int
    egress: bool
    protocol: str  # "-1" or an IP protocol number as text ("6" tcp, "17" udp)
    action: str  # "allow" | "deny"
    cidr_ipv4: str | None = None
    cidr_ipv6: str | None = None
    from_port: int | None = None
    to_port: int | None = None
    icmp_type: int | None = None
    icmp_code: int | None = None


@resource_kind
@dataclass(frozen=True, kw_only=True)
class NetworkAcl(Resource):
    KIND = "ec2.network_acl"
    RESOURCE_TYPE = "AWS::EC2::NetworkAcl"

    vpc_id: str = ""
    is_default: bool = False
    entries: tuple[NaclEntry, ...] = ()
    subnet_ids: tuple[str, ...] = ()


@resource_kind
@dataclass(frozen=True, kw_only=True)
class FlowLog(Resource):
    KIND = "ec2.flow_log"
    RESOURCE_TYPE = "AWS::EC2::FlowLog"

    attached_to: str = ""  # vpc-, subnet- or eni- id (or a logical id in IaC)
    traffic_type: str | None = None  # ACCEPT | REJECT | ALL
    status: str | None = None  # ACTIVE
    deliver_status: str | None = None  # SUCCESS | FAILED
    destination_type: str | None = None
    destination: str | None = None
    log_format: str | None = None


@resource_kind
@dataclass(frozen=True, kw_only=True)
class InternetGateway(Resource):
    KIND = "ec2.internet_gateway"
    RESOURCE_TYPE = "AWS::EC2::InternetGateway"

    vpc_ids: tuple[str, ...] = ()


@resource_kind
@dataclass(frozen=True, kw_only=True)
class EgressOnlyInternetGateway(Resource):
    KIND = "ec2.egress_only_internet_gateway"
    RESOURCE_TYPE = "AWS::EC2::EgressOnlyInternetGateway"

    vpc_ids: tuple[str, ...] = ()


@resource_kind
@dataclass(frozen=True, kw_only=True)
class NatGateway(Resource):
    KIND = "ec2.nat_gateway"
    RESOURCE_TYPE = "AWS::EC2::NatGateway"

    vpc_id: str | None = None
    subnet_id: str | None = None
    state: str | None = None
    connectivity_type: str = "public"
    public_ips: tuple[str, ...] = ()
    private_ips: tuple[str, ...] = ()
    network_interface_ids: tuple[str, ...] = ()


@resource_kind
@dataclass(frozen=True, kw_only=True)
class VpcEndpoint(Resource):
    KIND = "ec2.vpc_endpoint"
    RESOURCE_TYPE = "AWS::EC2::VPCEndpoint"

    vpc_id: str | None = None
    service_name: str = ""
    endpoint_type: str = "Gateway"  # Gateway | Interface | GatewayLoadBalancer
    state: str | None = None
    route_table_ids: tuple[str, ...] = ()
    subnet_ids: tuple[str, ...] = ()
    security_group_ids: tuple[str, ...] = ()
    network_interface_ids: tuple[str, ...] = ()
    private_dns_enabled: bool | None = None
    policy: str | None = None  # the policy document as JSON text


@resource_kind
@dataclass(frozen=True, kw_only=True)
class DhcpOptions(Resource):
    KIND = "ec2.dhcp_options"
    RESOURCE_TYPE = "AWS::EC2::DHCPOptions"

    domain_name_servers: tuple[str, ...] = ()  # "AmazonProvidedDNS" names the VPC resolver
    domain_name: str | None = None
    ntp_servers: tuple[str, ...] = ()


@resource_kind
@dataclass(frozen=True, kw_only=True)
class ManagedPrefixList(Resource):
    """A customer-managed prefix list with its entries (AWS-managed lists are not collected)."""

    KIND = "ec2.managed_prefix_list"
    RESOURCE_TYPE = "AWS::EC2::PrefixList"

    name: str = ""
    address_family: str | None = None  # IPv4 | IPv6
    entries: tuple[str, ...] = ()  # CIDRs
    max_entries: int | None = None
