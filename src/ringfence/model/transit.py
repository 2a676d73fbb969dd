"""Connections between VPCs and to on-premises: VPC peering, transit gateways, virtual private gateways.

Peering connections and transit gateway attachments are seen from both accounts they join; the
reachability engine merges the two views by id. Routes of a transit gateway route table are the
static ones plus whatever `propagation_ids` bring in (a VPC attachment propagates its VPC's CIDRs);
routes the API reports as propagated are kept as given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ringfence.model.base import Resource, resource_kind


@dataclass(frozen=True, slots=True)
class PeeringSide:
    vpc_id: str = ""
    account: str = ""
    region: str = ""
    cidr_blocks: tuple[str, ...] = ()  # the CIDRs the peering carries for this side
    ipv6_cidr_blocks: tuple[str, ...] = ()


@resource_kind
@dataclass(frozen=True, kw_only=True)
class VpcPeeringConnection(Resource):
    KIND = "ec2.vpc_peering_connection"
    RESOURCE_TYPE = "AWS::EC2::VPCPeeringConnection"

    status: str = "active"  # active | pending-acceptance | deleted | rejected | failed | ...
    requester: PeeringSide = field(default_factory=PeeringSide)
    accepter: PeeringSide = field(default_factory=PeeringSide)


@resource_kind
@dataclass(frozen=True, kw_only=True)
class TransitGateway(Resource):
    KIND = "ec2.transit_gateway"
    RESOURCE_TYPE = "AWS::EC2::TransitGateway"

    state: str = "available"
    owner_id: str | None = None
    amazon_side_asn: int | None = None
    default_route_table_association: bool = True
    default_route_table_propagation: bool = True
    association_default_route_table_id: str | None = None
    propagation_default_route_table_id: str | None = None


@resource_kind
@dataclass(frozen=True, kw_only=True)
class TransitGatewayAttachment(Resource):
    KIND = "ec2.transit_gateway_attachment"
    RESOURCE_TYPE = "AWS::EC2::TransitGatewayAttachment"

    transit_gateway_id: str = ""
    transit_gateway_owner: str | None = None
    # vpc | vpn | direct-connect-gateway | peering | connect | network-function | tgw-peering
    resource_type: str = "vpc"
    resource_id: str | None = None  # vpc-, vpn-, dxgw- id, or the peer transit gateway for peering
    resource_owner: str | None = None
    state: str = "available"
    subnet_ids: tuple[str, ...] = ()  # VPC attachments: one subnet per availability zone
    appliance_mode: bool = False
    security_group_referencing: bool = False
    association_route_table_id: str | None = None  # as DescribeTransitGatewayAttachments reports it
    peer_transit_gateway_id: str | None = None  # peering attachments
    peer_account: str | None = None
    peer_region: str | None = None


@dataclass(frozen=True, slots=True)
class TransitGatewayRoute:
    destination_cidr: str | None = None
    prefix_list_id: str | None = None
    attachment_ids: tuple[str, ...] = ()  # more than one: equal-cost multipath
    route_type: str = "static"  # static | propagated
    state: str = "active"  # active | blackhole
    resource_type: str | None = None  # of the target attachment, as the API reports it

    @property
    def destination(self) -> str:
        return self.destination_cidr or self.prefix_list_id or "?"


@resource_kind
@dataclass(frozen=True, kw_only=True)
class TransitGatewayRouteTable(Resource):
    KIND = "ec2.transit_gateway_route_table"
    RESOURCE_TYPE = "AWS::EC2::TransitGatewayRouteTable"

    transit_gateway_id: str = ""
    routes: tuple[TransitGatewayRoute, ...] = ()
    association_ids: tuple[str, ...] = ()  # attachments whose traffic this table routes
    propagation_ids: tuple[str, ...] = ()  # attachments whose routes propagate into this table
    is_default_association: bool = False
    is_default_propagation: bool = False


@resource_kind
@dataclass(frozen=True, kw_only=True)
class VpnGateway(Resource):
    """A virtual private gateway: the VPC's edge to on-premises over VPN or Direct Connect."""

    KIND = "ec2.vpn_gateway"
    RESOURCE_TYPE = "AWS::EC2::VPNGateway"

    state: str = "available"
    vpc_ids: tuple[str, ...] = ()  # attached VPCs
