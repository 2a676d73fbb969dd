"""EC2 / VPC gateways and endpoints: internet, egress-only internet, NAT gateways and VPC endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ringfence.model import EgressOnlyInternetGateway, InternetGateway, NatGateway, VpcEndpoint
from ringfence.sources.aws.collectors.ec2_network import owned
from ringfence.sources.aws.context import CollectContext, tags_of
from ringfence.sources.aws.registry import collector

_DETACHED = ("detaching", "detached")


def _attached_vpcs(gateway: dict[str, Any]) -> tuple[str, ...]:
    return tuple(
        a["VpcId"]
        for a in gateway.get("Attachments", [])
        if a.get("VpcId") and a.get("State", "available") not in _DETACHED
    )


@collector(
    "ec2.internet_gateways",
    service="ec2",
    iam_actions=("ec2:DescribeInternetGateways",),
    produces=(InternetGateway,),
)
def collect_internet_gateways(ctx: CollectContext) -> Iterator[InternetGateway]:
    for igw in ctx.iter_pages("describe_internet_gateways", "InternetGateways"):
        if not owned(ctx, igw):
            continue
        igw_id = igw["InternetGatewayId"]
        yield InternetGateway(
            arn=ctx.arn("ec2", f"internet-gateway/{igw_id}"),
            native_id=igw_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(igw.get("Tags")),
            vpc_ids=_attached_vpcs(igw),
        )


@collector(
    "ec2.egress_only_internet_gateways",
    service="ec2",
    iam_actions=("ec2:DescribeEgressOnlyInternetGateways",),
    produces=(EgressOnlyInternetGateway,),
)
def collect_egress_only_internet_gateways(ctx: CollectContext) -> Iterator[EgressOnlyInternetGateway]:
    for eigw in ctx.iter_pages("describe_egress_only_internet_gateways", "EgressOnlyInternetGateways"):
        eigw_id = eigw["EgressOnlyInternetGatewayId"]  # no OwnerId: only the account's own are listed
        yield EgressOnlyInternetGateway(
            arn=ctx.arn("ec2", f"egress-only-internet-gateway/{eigw_id}"),
            native_id=eigw_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(eigw.get("Tags")),
            vpc_ids=_attached_vpcs(eigw),
        )


@collector(
    "ec2.nat_gateways", service="ec2", iam_actions=("ec2:DescribeNatGateways",), produces=(NatGateway,)
)
def collect_nat_gateways(ctx: CollectContext) -> Iterator[NatGateway]:
    for nat in ctx.iter_pages("describe_nat_gateways", "NatGateways"):
        if nat.get("State") == "deleted":  # listed for about an hour after deletion
            continue
        nat_id = nat["NatGatewayId"]
        addresses = nat.get("NatGatewayAddresses", [])
        yield NatGateway(
            arn=ctx.arn("ec2", f"natgateway/{nat_id}"),
            native_id=nat_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(nat.get("Tags")),
            vpc_id=nat.get("VpcId"),
            subnet_id=nat.get("SubnetId"),  # none for a regional NAT gateway
            state=nat.get("State"),
            connectivity_type=nat.get("ConnectivityType") or "public",
            public_ips=_unique(a.get("PublicIp") for a in addresses),
            private_ips=_unique(a.get("PrivateIp") for a in addresses),
            network_interface_ids=_unique(a.get("NetworkInterfaceId") for a in addresses),
        )


@collector(
    "ec2.vpc_endpoints",
    service="ec2",
    iam_actions=("ec2:DescribeVpcEndpoints",),
    produces=(VpcEndpoint,),
)
def collect_vpc_endpoints(ctx: CollectContext) -> Iterator[VpcEndpoint]:
    for vpce in ctx.iter_pages("describe_vpc_endpoints", "VpcEndpoints"):
        if not owned(ctx, vpce) or str(vpce.get("State", "")).lower() == "deleted":
            continue
        vpce_id = vpce["VpcEndpointId"]
        yield VpcEndpoint(
            arn=ctx.arn("ec2", f"vpc-endpoint/{vpce_id}"),
            native_id=vpce_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(vpce.get("Tags")),
            vpc_id=vpce.get("VpcId"),
            service_name=vpce.get("ServiceName", ""),
            endpoint_type=vpce.get("VpcEndpointType") or "Gateway",
            state=vpce.get("State"),
            route_table_ids=tuple(vpce.get("RouteTableIds", [])),
            subnet_ids=tuple(vpce.get("SubnetIds", [])),
            security_group_ids=_unique(g.get("GroupId") for g in vpce.get("Groups", [])),
            network_interface_ids=tuple(vpce.get("NetworkInterfaceIds", [])),
            private_dns_enabled=vpce.get("PrivateDnsEnabled"),
            policy=vpce.get("PolicyDocument"),
        )


def _unique(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(v) for v in values if v))
