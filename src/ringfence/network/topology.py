"""The topology: the inventory's network resources indexed once for the search.

Everything is keyed by native id across accounts and regions (AWS ids are unique), so a peering
connection or a transit gateway attachment seen from the two accounts it joins becomes one object
(the first record read wins). ENIs that share a subnet and a set of security groups form a `Group`:
the search treats them together, as a set of addresses, and splits them only where a decision does.
"""

from __future__ import annotations

from bisect import insort
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypeVar

from ringfence.checks.tiers import TierConvention
from ringfence.model.base import Resource
from ringfence.model.compute import Instance
from ringfence.model.inventory import Inventory
from ringfence.model.network import (
    EgressOnlyInternetGateway,
    InternetGateway,
    ManagedPrefixList,
    NatGateway,
    NetworkAcl,
    NetworkInterface,
    RouteTable,
    SecurityGroup,
    Subnet,
    Vpc,
    VpcEndpoint,
)
from ringfence.model.transit import (
    PeeringSide,
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayRouteTable,
    VpcPeeringConnection,
    VpnGateway,
)
from ringfence.network.addresses import EMPTY, IntervalSet, Partition, address_value, addresses_set, cidr_set
from ringfence.network.nacl import compile_nacl
from ringfence.network.routing import RouteIndex, tgw_route_index, vpc_route_index, vpc_target_type
from ringfence.network.rules import FirstMatch
from ringfence.network.security_groups import compile_groups

R = TypeVar("R", bound=Resource)

# ENIs that belong to a gateway rather than to something that sends or receives traffic itself.
NAT_ENI_TYPES = frozenset({"nat_gateway"})
TGW_ENI_TYPES = frozenset({"transit_gateway"})
APPLIANCE_ENI_TYPES = frozenset({"gateway_load_balancer_endpoint", "gateway_load_balancer"})
# ENIs AWS creates without security groups, which then filter nothing.
UNFILTERED_ENI_TYPES = frozenset({"network_load_balancer", "gateway_load_balancer"})
AVAILABLE = frozenset({"available", "active", "pendingAcceptance", None})


@dataclass(eq=False)
class Group:
    """ENIs of one subnet that carry the same security groups."""

    index: int
    subnet: SubnetInfo
    security_group_ids: tuple[str, ...]
    service: str | None  # the endpoint service of interface endpoint ENIs
    enis: list[NetworkInterface] = field(default_factory=list)
    addresses: IntervalSet = EMPTY  # private IPv4 and IPv6
    eni_addresses: list[tuple[NetworkInterface, IntervalSet]] = field(default_factory=list)
    unfiltered: bool = False  # no security groups, by the ENI type's design
    unknown: str | None = None  # why its security groups cannot be judged

    @property
    def label(self) -> str:
        if len(self.enis) == 1:
            return self.enis[0].native_id
        return f"{len(self.enis)} ENIs in {self.subnet.id}"


@dataclass(eq=False)
class NatInfo:
    nat: NatGateway
    subnet: SubnetInfo
    addresses: IntervalSet  # private
    public: IntervalSet

    @property
    def id(self) -> str:
        return self.nat.native_id

    @property
    def available(self) -> bool:
        return self.nat.state in AVAILABLE


@dataclass(eq=False)
class SubnetInfo:
    subnet: Subnet
    vpc: VpcInfo
    addresses: IntervalSet
    tier: str | None
    route_table: RouteTable | None = None
    nacl: NetworkAcl | None = None
    groups: list[Group] = field(default_factory=list)
    nats: list[NatInfo] = field(default_factory=list)
    gateway_enis: list[tuple[IntervalSet, str]] = field(default_factory=list)  # TGW / appliance ENIs

    @property
    def id(self) -> str:
        return self.subnet.native_id

    @property
    def az(self) -> str | None:
        return self.subnet.availability_zone


@dataclass(eq=False)
class VpcInfo:
    vpc: Vpc
    addresses: IntervalSet
    cidrs: tuple[str, ...]
    subnets: list[SubnetInfo] = field(default_factory=list)
    main_table: RouteTable | None = None
    default_nacl: NetworkAcl | None = None
    igws: set[str] = field(default_factory=set)
    eigws: set[str] = field(default_factory=set)
    vgws: set[str] = field(default_factory=set)
    edge_tables: dict[str, RouteTable] = field(default_factory=dict)
    tgw_attachments: dict[str, TransitGatewayAttachment] = field(default_factory=dict)  # by TGW id
    v6: IntervalSet = EMPTY
    public_of: dict[int, int] = field(default_factory=dict)  # public IPv4 -> private, in this VPC
    private_of: dict[int, int] = field(default_factory=dict)  # private IPv4 -> its (first) public one
    mapped: list[int] = field(default_factory=list)  # private_of's keys, sorted

    @property
    def id(self) -> str:
        return self.vpc.native_id

    @property
    def region(self) -> str:
        return self.vpc.region

    public_addresses: IntervalSet = EMPTY  # public_of's keys, as a set

    @property
    def igw(self) -> str | None:
        return min(self.igws) if self.igws else None


class Topology:
    """Indexes over one inventory; compiled route tables and rule sets are cached here."""

    def __init__(self, inventory: Inventory, *, tiers: TierConvention | None = None) -> None:
        self.inventory = inventory
        self.tiers = tiers or TierConvention()
        self.prefix_lists = _by_id(inventory, ManagedPrefixList)
        self.security_groups = _by_id(inventory, SecurityGroup)
        self.endpoints = _by_id(inventory, VpcEndpoint)
        self.peerings = _by_id(inventory, VpcPeeringConnection)
        self.transit_gateways = _by_id(inventory, TransitGateway)
        self.attachments = _by_id(inventory, TransitGatewayAttachment)
        self.tgw_tables = _by_id(inventory, TransitGatewayRouteTable)
        self.route_tables = _by_id(inventory, RouteTable)
        self.vpcs: dict[str, VpcInfo] = {}
        self.subnets: dict[str, SubnetInfo] = {}
        self.groups: list[Group] = []
        self.nats: dict[str, NatInfo] = {}
        self.enis: dict[str, tuple[NetworkInterface, Group | None]] = {}
        self.addresses_of: dict[str, IntervalSet] = {}  # ENI id -> its private IPv4 and IPv6 addresses
        self._public_of_eni: dict[str, IntervalSet] = {}
        self.instances: dict[str, list[str]] = defaultdict(list)
        self.peerings_of: dict[str, list[VpcPeeringConnection]] = defaultdict(list)
        self.tgw_association: dict[tuple[str, str], str] = {}  # (tgw id, attachment id) -> table id
        self.on_premises_attachments: list[TransitGatewayAttachment] = []
        self._pl_cache: dict[str, IntervalSet | None] = {}
        self._facing: tuple[Partition, list[VpcInfo]] | None = None
        self._members: dict[str, dict[str, IntervalSet]] = defaultdict(dict)
        self._scope: dict[str, frozenset[str]] = {}
        self._route_index: dict[str, RouteIndex] = {}
        self._tgw_index: dict[str, RouteIndex] = {}
        self._nacl_cache: dict[tuple[str, bool, int], FirstMatch] = {}
        self._refs: dict[tuple[tuple[str, ...], str], bool] = {}
        self._sg_cache: dict[tuple[tuple[str, ...], str, int, str | None], FirstMatch] = {}
        self._build_vpcs(inventory)
        self._build_tables(inventory)
        self._build_gateways(inventory)
        self._build_interfaces(inventory)
        self._build_transit()

    # --- construction -------------------------------------------------------------------------------

    def _build_vpcs(self, inventory: Inventory) -> None:
        for vpc in _by_id(inventory, Vpc).values():
            cidrs = tuple(vpc.cidr_blocks) + tuple(vpc.ipv6_cidr_blocks)
            addresses = EMPTY
            for cidr in cidrs:
                addresses = addresses | _safe_cidr(cidr)
            v6 = EMPTY
            for cidr in vpc.ipv6_cidr_blocks:
                v6 = v6 | _safe_cidr(cidr)
            self.vpcs[vpc.native_id] = VpcInfo(vpc, addresses, cidrs, v6=v6)
        for subnet in _by_id(inventory, Subnet).values():
            vpc_info = self.vpcs.get(subnet.vpc_id)
            if vpc_info is None:
                continue
            addresses = EMPTY
            for cidr in ((subnet.cidr_block,) if subnet.cidr_block else ()) + tuple(subnet.ipv6_cidr_blocks):
                addresses = addresses | _safe_cidr(cidr)
            info = SubnetInfo(subnet, vpc_info, addresses, self.tiers.tier_of(subnet))
            vpc_info.subnets.append(info)
            self.subnets[subnet.native_id] = info

    def _build_tables(self, inventory: Inventory) -> None:
        for table in self.route_tables.values():
            vpc = self.vpcs.get(table.vpc_id)
            if vpc is None:
                continue
            if table.is_main:
                vpc.main_table = table
            for subnet_id in table.subnet_ids:
                if subnet_id in self.subnets:
                    self.subnets[subnet_id].route_table = table
            for gateway_id in table.gateway_ids:
                vpc.edge_tables[gateway_id] = table
            for route in table.routes:
                kind = vpc_target_type(route.target_type, route.target_id)
                if route.target_id and kind == "igw":
                    vpc.igws.add(route.target_id)
                elif route.target_id and kind == "eigw":
                    vpc.eigws.add(route.target_id)
                elif route.target_id and kind == "vgw":
                    vpc.vgws.add(route.target_id)
        for info in self.subnets.values():
            if not self.listed(RouteTable, info.subnet):
                info.route_table = None  # its explicit association may be what the failed listing missed
            elif info.route_table is None:
                info.route_table = info.vpc.main_table
        for acl in _by_id(inventory, NetworkAcl).values():
            vpc = self.vpcs.get(acl.vpc_id)
            if vpc is not None and acl.is_default:
                vpc.default_nacl = acl
            for subnet_id in acl.subnet_ids:
                if subnet_id in self.subnets:
                    self.subnets[subnet_id].nacl = acl
        for info in self.subnets.values():
            if not self.listed(NetworkAcl, info.subnet):
                info.nacl = None
            elif info.nacl is None:
                info.nacl = info.vpc.default_nacl

    def _build_gateways(self, inventory: Inventory) -> None:
        for igw in _by_id(inventory, InternetGateway).values():
            for vpc_id in igw.vpc_ids:
                if vpc_id in self.vpcs:
                    self.vpcs[vpc_id].igws.add(igw.native_id)
        for eigw in _by_id(inventory, EgressOnlyInternetGateway).values():
            for vpc_id in eigw.vpc_ids:
                if vpc_id in self.vpcs:
                    self.vpcs[vpc_id].eigws.add(eigw.native_id)
        for vgw in _by_id(inventory, VpnGateway).values():
            if vgw.state not in ("available", "attached", None):
                continue
            for vpc_id in vgw.vpc_ids:
                if vpc_id in self.vpcs:
                    self.vpcs[vpc_id].vgws.add(vgw.native_id)
        for vpc in self.vpcs.values():
            vpc.vgws.update(g for g in vpc.edge_tables if g.startswith("vgw-"))
            vpc.igws.update(g for g in vpc.edge_tables if g.startswith("igw-"))
        for nat in _by_id(inventory, NatGateway).values():
            subnet = self.subnets.get(nat.subnet_id or "")
            if subnet is None:
                continue
            info = NatInfo(nat, subnet, addresses_set(nat.private_ips), addresses_set(nat.public_ips))
            subnet.nats.append(info)
            self.nats[nat.native_id] = info
            for private, public in zip(nat.private_ips, nat.public_ips, strict=False):
                self._map_public(subnet.vpc, private, public)

    def _build_interfaces(self, inventory: Inventory) -> None:
        nat_enis = {eni_id for nat in self.nats.values() for eni_id in nat.nat.network_interface_ids}
        endpoint_of = {eni_id: ep for ep in self.endpoints.values() for eni_id in ep.network_interface_ids}
        groups: dict[tuple[str, tuple[str, ...], str | None], Group] = {}
        spans: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        for eni in _by_id(inventory, NetworkInterface).values():
            subnet = self.subnets.get(eni.subnet_id or "")
            if subnet is None:
                continue
            addresses = addresses_set(tuple(eni.private_ips) + tuple(eni.ipv6_addresses))
            self.addresses_of[eni.native_id] = addresses
            kind = eni.interface_type or "interface"
            if eni.attached_instance_id:
                self.instances[eni.attached_instance_id].append(eni.native_id)
            if eni.native_id in nat_enis or kind in NAT_ENI_TYPES:
                self.enis[eni.native_id] = (eni, None)
                continue
            if kind in TGW_ENI_TYPES or kind in APPLIANCE_ENI_TYPES:
                subnet.gateway_enis.append((addresses, eni.native_id))
                self.enis[eni.native_id] = (eni, None)
                continue
            endpoint = endpoint_of.get(eni.native_id)
            sg_ids = tuple(
                sorted(eni.security_group_ids or (endpoint.security_group_ids if endpoint else ()))
            )
            service = endpoint.service_name if endpoint is not None else None
            key = (subnet.id, sg_ids, service)
            group = groups.get(key)
            if group is None:
                group = Group(len(self.groups), subnet, sg_ids, service)
                if not sg_ids:
                    group.unfiltered = kind in UNFILTERED_ENI_TYPES
                    if not group.unfiltered:
                        group.unknown = "no security groups are recorded for the ENI"
                reason = eni.unknown("security_group_ids")
                if reason is not None:
                    group.unknown = f"its security groups were not read: {reason}"
                groups[key] = group
                self.groups.append(group)
                subnet.groups.append(group)
            group.enis.append(eni)
            group.eni_addresses.append((eni, addresses))
            self.enis[eni.native_id] = (eni, group)
            for sg_id in sg_ids:
                spans[(sg_id, subnet.vpc.id)].extend(addresses.intervals)
            if eni.public_ips and eni.private_ips:
                self._public_of_eni[eni.native_id] = addresses_set(eni.public_ips)
            for index, public in enumerate(eni.public_ips):
                if eni.private_ips:
                    private = eni.private_ips[min(index, len(eni.private_ips) - 1)]
                    self._map_public(subnet.vpc, private, public)
        for vpc in self.vpcs.values():
            vpc.public_addresses = IntervalSet((value, value + 1) for value in vpc.public_of)
        for group in self.groups:
            group.addresses = IntervalSet(span for _, own in group.eni_addresses for span in own.intervals)
        for (sg_id, vpc_id), members in spans.items():
            self._members[sg_id][vpc_id] = IntervalSet(members)
        for instance in _by_id(inventory, Instance).values():
            for eni_id in instance.network_interface_ids:
                if eni_id in self.enis and eni_id not in self.instances[instance.native_id]:
                    self.instances[instance.native_id].append(eni_id)

    def _map_public(self, vpc: VpcInfo, private: str, public: str) -> None:
        try:
            private_value, public_value = address_value(private), address_value(public)
        except ValueError:
            return
        vpc.public_of[public_value] = private_value
        if private_value not in vpc.private_of:
            vpc.private_of[private_value] = public_value
            insort(vpc.mapped, private_value)

    def _build_transit(self) -> None:
        for pcx in self.peerings.values():
            for side in (pcx.requester, pcx.accepter):
                self.peerings_of[side.vpc_id].append(pcx)
        for att in self.attachments.values():
            if att.state not in AVAILABLE:
                continue
            if att.resource_type == "vpc" and att.resource_id in self.vpcs:
                self.vpcs[att.resource_id].tgw_attachments[att.transit_gateway_id] = att
            elif att.resource_type in ("vpn", "direct-connect-gateway", "connect"):
                self.on_premises_attachments.append(att)
            if att.association_route_table_id and att.resource_type != "peering":
                self.tgw_association[(att.transit_gateway_id, att.native_id)] = att.association_route_table_id
        for table in self.tgw_tables.values():
            for att_id in table.association_ids:
                self.tgw_association[(table.transit_gateway_id, att_id)] = table.native_id

    # --- look-ups used by the search and by security groups -------------------------------------------

    def listed(self, cls: type[Resource], where: Resource) -> bool:
        """Whether the listing of `cls` succeeded in `where`'s account and region: if it failed, what
        is absent there may exist."""
        return self.inventory.listing_complete(cls, where.account, where.region)

    def public_of_eni(self, eni_id: str) -> IntervalSet:
        """The public IPv4 addresses of an ENI that its VPC's internet gateway maps (none without one)."""
        return self._public_of_eni.get(eni_id, EMPTY)

    def security_group(self, group_id: str) -> SecurityGroup | None:
        return self.security_groups.get(group_id)

    def prefix_list_cidrs(self, prefix_list_id: str) -> tuple[str, ...] | None:
        pl = self.prefix_lists.get(prefix_list_id)
        if pl is None or pl.unknown("entries") is not None:
            return None
        return tuple(pl.entries)

    def prefix_list_addresses(self, prefix_list_id: str) -> IntervalSet | None:
        if prefix_list_id not in self._pl_cache:
            cidrs = self.prefix_list_cidrs(prefix_list_id)
            out: IntervalSet | None = None
            if cidrs is not None:
                out = EMPTY
                for cidr in cidrs:
                    out = out | _safe_cidr(cidr)
            self._pl_cache[prefix_list_id] = out
        return self._pl_cache[prefix_list_id]

    def group_members(self, group_id: str, vpc_id: str) -> IntervalSet:
        return self._members.get(group_id, {}).get(vpc_id, EMPTY)

    def ref_scope(self, vpc_id: str) -> frozenset[str]:
        """VPCs whose ENIs a group reference in `vpc_id` can match: itself, same-region peers, and
        VPCs on a transit gateway where both attachments have security group referencing on."""
        cached = self._scope.get(vpc_id)
        if cached is not None:
            return cached
        scope = {vpc_id}
        vpc = self.vpcs.get(vpc_id)
        for pcx in self.peerings_of.get(vpc_id, ()):
            if pcx.status != "active":
                continue
            me, peer = (
                (pcx.requester, pcx.accepter)
                if pcx.requester.vpc_id == vpc_id
                else (pcx.accepter, pcx.requester)
            )
            if me.region == peer.region or (vpc is not None and peer.region == vpc.region):
                scope.add(peer.vpc_id)
        if vpc is not None:
            for tgw_id, att in vpc.tgw_attachments.items():
                if not att.security_group_referencing:
                    continue
                for other in self.vpcs.values():
                    other_att = other.tgw_attachments.get(tgw_id)
                    if other_att is not None and other_att.security_group_referencing:
                        scope.add(other.id)
        result = frozenset(scope)
        self._scope[vpc_id] = result
        return result

    def route_index(self, table: RouteTable) -> RouteIndex:
        index = self._route_index.get(table.native_id)
        if index is None:
            vpc = self.vpcs.get(table.vpc_id)
            index = vpc_route_index(
                table.native_id, table.routes, vpc.cidrs if vpc else (), self.prefix_list_cidrs
            )
            self._route_index[table.native_id] = index
        return index

    def tgw_index(self, table: TransitGatewayRouteTable) -> RouteIndex:
        index = self._tgw_index.get(table.native_id)
        if index is None:
            propagated: list[tuple[str, str, str]] = []
            for att_id in table.propagation_ids:
                att = self.attachments.get(att_id)
                if att is None or att.state not in AVAILABLE:
                    continue
                if att.resource_type == "vpc" and att.resource_id in self.vpcs:
                    propagated.extend((cidr, att_id, "vpc") for cidr in self.vpcs[att.resource_id].cidrs)
            index = tgw_route_index(table.native_id, table.routes, propagated, self.prefix_list_cidrs)
            self._tgw_index[table.native_id] = index
        return index

    def nacl_rules(self, acl: NetworkAcl, *, egress: bool, protocol: int) -> FirstMatch:
        key = (acl.native_id, egress, protocol)
        compiled = self._nacl_cache.get(key)
        if compiled is None:
            compiled = compile_nacl(acl, egress=egress, protocol=protocol)
            self._nacl_cache[key] = compiled
        return compiled

    def sg_rules(
        self, group_ids: tuple[str, ...], *, direction: str, protocol: int, peer_vpc: str | None
    ) -> FirstMatch:
        if peer_vpc is not None and not self._references(group_ids, direction):
            peer_vpc = None  # no rule names a group: the far end's VPC changes nothing
        key = (group_ids, direction, protocol, peer_vpc)
        compiled = self._sg_cache.get(key)
        if compiled is None:
            compiled = compile_groups(
                self, group_ids, direction=direction, protocol=protocol, peer_vpc=peer_vpc
            )
            self._sg_cache[key] = compiled
        return compiled

    def _references(self, group_ids: tuple[str, ...], direction: str) -> bool:
        key = (group_ids, direction)
        found = self._refs.get(key)
        if found is None:
            found = False
            for group_id in group_ids:
                group = self.security_groups.get(group_id)
                rules = (group.ingress if direction == "ingress" else group.egress) if group else ()
                found = found or any(rule.referenced_group_id for rule in rules)
            self._refs[key] = found
        return found

    def peer_of(self, pcx: VpcPeeringConnection, vpc_id: str) -> tuple[IntervalSet, IntervalSet, str]:
        """(this side's addresses, the peer side's addresses, the peer VPC id) of a peering."""
        me, peer = (
            (pcx.requester, pcx.accepter) if pcx.requester.vpc_id == vpc_id else (pcx.accepter, pcx.requester)
        )
        return self._side_addresses(me), self._side_addresses(peer), peer.vpc_id

    def _side_addresses(self, side: PeeringSide) -> IntervalSet:
        cidrs = (*side.cidr_blocks, *side.ipv6_cidr_blocks)
        if not cidrs and side.vpc_id in self.vpcs:
            return self.vpcs[side.vpc_id].addresses
        return IntervalSet(span for cidr in cidrs for span in _safe_cidr(cidr).intervals)

    def tgw_table_for(self, tgw_id: str, attachment_id: str) -> TransitGatewayRouteTable | None:
        table_id = self.tgw_association.get((tgw_id, attachment_id))
        return self.tgw_tables.get(table_id) if table_id else None

    def subnets_of_tier(self, tier: str) -> list[SubnetInfo]:
        return [s for s in self.subnets.values() if s.tier == tier]

    def internet_facing(self) -> tuple[Partition, list[VpcInfo]]:
        """Which VPC owns each address the internet can send to: the public IPv4 of its ENIs and NAT
        gateways, and its IPv6 CIDRs (the partition's labels index the list)."""
        if self._facing is None:
            owners: list[VpcInfo] = []
            segments: list[tuple[int, int, int]] = []
            for vpc in self.vpcs.values():
                facing = vpc.public_addresses | vpc.v6
                if facing:
                    segments.extend((lo, hi, len(owners)) for lo, hi in facing)
                    owners.append(vpc)
            self._facing = (Partition(segments), owners)
        return self._facing


def _by_id(inventory: Inventory, cls: type[R]) -> dict[str, R]:
    out: dict[str, R] = {}
    for resource in sorted(inventory.of(cls), key=lambda r: r.arn):
        out.setdefault(resource.native_id, resource)
    return out


def _safe_cidr(cidr: str) -> IntervalSet:
    try:
        return cidr_set(cidr)
    except ValueError:
        return EMPTY
