"""EC2 / VPC networking: VPCs (with their flow logs), subnets, route tables, network ACLs, DHCP options.

Gateways and endpoints are in ec2_gateways.py, interfaces in ec2_interfaces.py, security groups
and prefix lists in ec2_security_groups.py / ec2_prefix_lists.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ringfence.model import DhcpOptions, FlowLog, NaclEntry, NetworkAcl, Route, RouteTable, Subnet, Vpc
from ringfence.model.network import nacl_protocol
from ringfence.sources.aws.context import CollectContext, CollectionStopped, tags_of
from ringfence.sources.aws.errors import gap_kind
from ringfence.sources.aws.registry import collector


def owned(ctx: CollectContext, item: dict[str, Any]) -> bool:
    """Whether the account owns `item`; what another account shares with us is its owner's to report."""
    return str(item.get("OwnerId", ctx.account)) == ctx.account


def stopped_reason(ctx: CollectContext) -> str:
    """Why the listing that just raised CollectionStopped failed (its gap is the last recorded)."""
    gap = ctx.gaps[-1]
    return f"{gap_kind(gap.error_code)}: {gap.service}:{gap.operation} ({gap.error_code})"


@collector(
    "ec2.vpcs",
    service="ec2",
    iam_actions=("ec2:DescribeVpcs", "ec2:DescribeFlowLogs"),
    produces=(Vpc, FlowLog),
)
def collect_vpcs(ctx: CollectContext) -> Iterator[Vpc | FlowLog]:
    """VPCs and flow logs together: a VPC without flow logs is only a finding when the flow logs
    could be listed, so a VPC carries `unresolved["flow_logs"]` when they could not."""
    vpcs = [v for v in ctx.iter_pages("describe_vpcs", "Vpcs") if owned(ctx, v)]
    flow_logs: list[FlowLog] = []
    flow_log_error: str | None = None
    try:
        flow_logs = [_flow_log(ctx, f) for f in ctx.iter_pages("describe_flow_logs", "FlowLogs")]
    except CollectionStopped:
        flow_log_error = stopped_reason(ctx)
    for vpc in vpcs:
        yield _vpc(ctx, vpc, {"flow_logs": flow_log_error} if flow_log_error else {})
    yield from flow_logs


def _vpc(ctx: CollectContext, vpc: dict[str, Any], unresolved: dict[str, str]) -> Vpc:
    vpc_id = vpc["VpcId"]
    primary = vpc.get("CidrBlock")
    cidrs = [a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet", []) if _associated(a)]
    if primary:  # the primary CIDR first: the VPC resolver lives at its base + 2
        cidrs = [primary, *(c for c in cidrs if c != primary)]
    ipv6 = [a["Ipv6CidrBlock"] for a in vpc.get("Ipv6CidrBlockAssociationSet", []) if _associated(a, "Ipv6")]
    return Vpc(
        arn=ctx.arn("ec2", f"vpc/{vpc_id}"),
        native_id=vpc_id,
        account=ctx.account,
        region=ctx.region,
        tags=tags_of(vpc.get("Tags")),
        cidr_blocks=tuple(cidrs),
        ipv6_cidr_blocks=tuple(ipv6),
        is_default=bool(vpc.get("IsDefault", False)),
        dhcp_options_id=vpc.get("DhcpOptionsId"),
        unresolved=unresolved,
    )


def _flow_log(ctx: CollectContext, log: dict[str, Any]) -> FlowLog:
    log_id = log["FlowLogId"]
    return FlowLog(
        arn=ctx.arn("ec2", f"vpc-flow-log/{log_id}"),
        native_id=log_id,
        account=ctx.account,
        region=ctx.region,
        tags=tags_of(log.get("Tags")),
        attached_to=log.get("ResourceId", ""),
        traffic_type=log.get("TrafficType"),
        status=log.get("FlowLogStatus"),
        deliver_status=log.get("DeliverLogsStatus"),
        destination_type=log.get("LogDestinationType") or "cloud-watch-logs",
        destination=log.get("LogDestination") or log.get("LogGroupName"),
        log_format=log.get("LogFormat"),
    )


@collector("ec2.subnets", service="ec2", iam_actions=("ec2:DescribeSubnets",), produces=(Subnet,))
def collect_subnets(ctx: CollectContext) -> Iterator[Subnet]:
    for sub in ctx.iter_pages("describe_subnets", "Subnets"):
        if not owned(ctx, sub):
            continue
        subnet_id = sub["SubnetId"]
        yield Subnet(
            arn=sub.get("SubnetArn") or ctx.arn("ec2", f"subnet/{subnet_id}"),
            native_id=subnet_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(sub.get("Tags")),
            vpc_id=sub["VpcId"],
            cidr_block=sub.get("CidrBlock"),
            ipv6_cidr_blocks=tuple(
                a["Ipv6CidrBlock"]
                for a in sub.get("Ipv6CidrBlockAssociationSet", [])
                if _associated(a, "Ipv6")
            ),
            availability_zone=sub.get("AvailabilityZone"),
            map_public_ip_on_launch=sub.get("MapPublicIpOnLaunch"),
            default_for_az=bool(sub.get("DefaultForAz", False)),
        )


def _associated(assoc: dict[str, object], prefix: str = "") -> bool:
    state = assoc.get(f"{prefix}CidrBlockState") or {}
    return not isinstance(state, dict) or state.get("State", "associated") == "associated"


@collector(
    "ec2.route_tables", service="ec2", iam_actions=("ec2:DescribeRouteTables",), produces=(RouteTable,)
)
def collect_route_tables(ctx: CollectContext) -> Iterator[RouteTable]:
    for table in ctx.iter_pages("describe_route_tables", "RouteTables"):
        if not owned(ctx, table):
            continue
        table_id = table["RouteTableId"]
        live = [a for a in table.get("Associations", []) if _assoc_live(a)]
        yield RouteTable(
            arn=ctx.arn("ec2", f"route-table/{table_id}"),
            native_id=table_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(table.get("Tags")),
            vpc_id=table.get("VpcId", ""),
            routes=tuple(_route(r) for r in table.get("Routes", [])),
            subnet_ids=tuple(a["SubnetId"] for a in live if a.get("SubnetId")),
            gateway_ids=tuple(a["GatewayId"] for a in live if a.get("GatewayId")),
            is_main=any(a.get("Main") for a in live),
        )


def _assoc_live(assoc: dict[str, Any]) -> bool:
    state = (assoc.get("AssociationState") or {}).get("State", "associated")
    return state in ("associated", "associating")


# Where a route sends traffic, most specific first: a route to an instance also names its ENI.
_ROUTE_TARGETS = (
    ("NatGatewayId", "nat_gateway"),
    ("TransitGatewayId", "transit_gateway"),
    ("VpcPeeringConnectionId", "vpc_peering_connection"),
    ("EgressOnlyInternetGatewayId", "egress_only_gateway"),
    ("CarrierGatewayId", "carrier_gateway"),
    ("LocalGatewayId", "local_gateway"),
    ("CoreNetworkArn", "core_network"),
    ("InstanceId", "instance"),
    ("NetworkInterfaceId", "network_interface"),
    ("GatewayId", "gateway"),  # igw-, vgw-, vpce- (gateway and Gateway Load Balancer endpoints), local
)


def _route(route: dict[str, Any]) -> Route:
    target_type, target_id = "gateway", None
    for key, kind in _ROUTE_TARGETS:
        if route.get(key):
            target_type, target_id = kind, route[key]
            break
    return Route(
        destination_cidr=route.get("DestinationCidrBlock"),
        destination_ipv6_cidr=route.get("DestinationIpv6CidrBlock"),
        destination_prefix_list_id=route.get("DestinationPrefixListId"),
        target_type=target_type,
        target_id=target_id,
        state=route.get("State", "active"),
        origin=route.get("Origin"),
    )


@collector(
    "ec2.network_acls", service="ec2", iam_actions=("ec2:DescribeNetworkAcls",), produces=(NetworkAcl,)
)
def collect_network_acls(ctx: CollectContext) -> Iterator[NetworkAcl]:
    for acl in ctx.iter_pages("describe_network_acls", "NetworkAcls"):
        if not owned(ctx, acl):
            continue
        acl_id = acl["NetworkAclId"]
        yield NetworkAcl(
            arn=ctx.arn("ec2", f"network-acl/{acl_id}"),
            native_id=acl_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(acl.get("Tags")),
            vpc_id=acl.get("VpcId", ""),
            is_default=bool(acl.get("IsDefault", False)),
            # As AWS lists them, including the final "*" deny (rule 32767) of every ACL.
            entries=tuple(_nacl_entry(e) for e in acl.get("Entries", [])),
            subnet_ids=tuple(a["SubnetId"] for a in acl.get("Associations", []) if a.get("SubnetId")),
        )


def _nacl_entry(entry: dict[str, Any]) -> NaclEntry:
    ports = entry.get("PortRange") or {}
    icmp = entry.get("IcmpTypeCode") or {}
    return NaclEntry(
        rule_number=int(entry["RuleNumber"]),
        egress=bool(entry.get("Egress", False)),
        protocol=nacl_protocol(entry.get("Protocol", "-1")),
        action=str(entry.get("RuleAction", "")).lower(),
        cidr_ipv4=entry.get("CidrBlock"),
        cidr_ipv6=entry.get("Ipv6CidrBlock"),
        from_port=ports.get("From"),
        to_port=ports.get("To"),
        icmp_type=icmp.get("Type"),
        icmp_code=icmp.get("Code"),
    )


@collector(
    "ec2.dhcp_options", service="ec2", iam_actions=("ec2:DescribeDhcpOptions",), produces=(DhcpOptions,)
)
def collect_dhcp_options(ctx: CollectContext) -> Iterator[DhcpOptions]:
    for options in ctx.iter_pages("describe_dhcp_options", "DhcpOptions"):
        if not owned(ctx, options):
            continue
        options_id = options["DhcpOptionsId"]
        config = {
            c.get("Key"): tuple(
                str(v.get("Value")) for v in c.get("Values", []) if v.get("Value") is not None
            )
            for c in options.get("DhcpConfigurations", [])
        }
        names = config.get("domain-name", ())
        yield DhcpOptions(
            arn=ctx.arn("ec2", f"dhcp-options/{options_id}"),
            native_id=options_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(options.get("Tags")),
            domain_name_servers=config.get("domain-name-servers", ()),
            domain_name=" ".join(names) if names else None,
            ntp_servers=config.get("ntp-servers", ()),
        )
