"""VPC building blocks: VPCs with tiered subnets, gateways, routes, NACLs, security groups, endpoints,
flow logs and peering. Each function makes a handful of EC2 calls and returns the ids it created."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ringfence.demo.kit import DemoAws, Workload, tag_spec

ANYWHERE = "0.0.0.0/0"


@dataclass(frozen=True, slots=True)
class SubnetPlan:
    label: str  # the word in the Name tag: public, dmz, private, app, data, ...
    tier: str  # the Tier tag: public | private | data
    cidr: str
    zone: str  # availability zone suffix: a, b, c

    @property
    def key(self) -> str:
        return f"{self.label}-{self.zone}"


def tiered_subnets(base: str, layout: Mapping[str, tuple[str, str]]) -> list[SubnetPlan]:
    """Subnets by label -> (tier, zones): {"dmz": ("public", "ab")} gives dmz-a and dmz-b.

    Label number N (from 0) and zone number Z get the /24 `base`.(10N+Z).0, e.g. 10.10.21.0/24."""
    plans: list[SubnetPlan] = []
    for block, (label, (tier, zones)) in enumerate(layout.items()):
        for zone in zones:
            offset = ord(zone) - ord("a")
            plans.append(SubnetPlan(label, tier, f"{base}.{block * 10 + offset}.0/24", zone))
    return plans


@dataclass
class Network:
    """A VPC as built: its ids, and its subnets by key ("public-a") and by tier."""

    workload: Workload
    vpc_id: str
    cidr: str
    subnets: dict[str, str] = field(default_factory=dict)
    zones: dict[str, str] = field(default_factory=dict)  # subnet id -> availability zone
    tiers: dict[str, list[str]] = field(default_factory=dict)
    igw_id: str | None = None

    @property
    def region(self) -> str:
        return self.workload.region

    def subnet(self, key: str) -> str:
        return self.subnets[key]

    def tier(self, tier: str) -> list[str]:
        return list(self.tiers.get(tier, []))

    @property
    def internet_gateway(self) -> str:
        if self.igw_id is None:
            raise ValueError(f"{self.vpc_id} was built without an internet gateway")
        return self.igw_id


def build_vpc(
    aws: DemoAws, wl: Workload, cidr: str, plans: Sequence[SubnetPlan], *, internet: bool = True
) -> Network:
    """A VPC, its subnets (Name and Tier tags) and, if `internet`, an attached internet gateway."""
    ec2 = aws.client("ec2", wl.region)
    vpc_id = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=tag_spec("vpc", wl.tags("vpc")))["Vpc"]["VpcId"]
    net = Network(workload=wl, vpc_id=vpc_id, cidr=cidr)
    for plan in plans:
        zone = f"{wl.region}{plan.zone}"
        subnet_id = ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock=plan.cidr,
            AvailabilityZone=zone,
            TagSpecifications=tag_spec("subnet", wl.tags(plan.key, Tier=plan.tier)),
        )["Subnet"]["SubnetId"]
        net.subnets[plan.key] = subnet_id
        net.zones[subnet_id] = zone
        net.tiers.setdefault(plan.tier, []).append(subnet_id)
    if internet:
        igw = ec2.create_internet_gateway(TagSpecifications=tag_spec("internet-gateway", wl.tags("igw")))
        net.igw_id = igw["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=net.igw_id, VpcId=vpc_id)
    return net


def nat_gateway(aws: DemoAws, net: Network, subnet_key: str, name: str) -> str:
    """A public NAT gateway with its Elastic IP in the given subnet."""
    ec2 = aws.client("ec2", net.region)
    wl = net.workload
    eip = ec2.allocate_address(Domain="vpc", TagSpecifications=tag_spec("elastic-ip", wl.tags(f"{name}-eip")))
    return str(
        ec2.create_nat_gateway(
            SubnetId=net.subnet(subnet_key),
            AllocationId=eip["AllocationId"],
            TagSpecifications=tag_spec("natgateway", wl.tags(name)),
        )["NatGateway"]["NatGatewayId"]
    )


def prefix_list(aws: DemoAws, wl: Workload, name: str, entries: Mapping[str, str]) -> str:
    """A customer-managed prefix list (CIDR -> description)."""
    reply = aws.client("ec2", wl.region).create_managed_prefix_list(
        PrefixListName=wl.name(name),
        AddressFamily="IPv4",
        MaxEntries=max(5, len(entries)),
        Entries=[{"Cidr": cidr, "Description": text} for cidr, text in entries.items()],
        TagSpecifications=tag_spec("prefix-list", wl.tags(name)),
    )
    return str(reply["PrefixList"]["PrefixListId"])


@dataclass(frozen=True, slots=True)
class Route:
    destination: str  # a CIDR or a prefix list id (pl-...)
    target: str  # igw-..., nat-..., pcx-..., tgw-...

    def arguments(self) -> dict[str, str]:
        where = (
            {"DestinationPrefixListId": self.destination}
            if self.destination.startswith("pl-")
            else {"DestinationCidrBlock": self.destination}
        )
        kind = self.target.split("-", 1)[0]
        key = {
            "nat": "NatGatewayId",
            "pcx": "VpcPeeringConnectionId",
            "tgw": "TransitGatewayId",
        }.get(kind, "GatewayId")
        return {**where, key: self.target}


def route_table(
    aws: DemoAws, net: Network, name: str, subnet_keys: Sequence[str], routes: Sequence[Route] = ()
) -> str:
    """A route table with the given routes, associated with the given subnets."""
    ec2 = aws.client("ec2", net.region)
    table_id = str(
        ec2.create_route_table(
            VpcId=net.vpc_id, TagSpecifications=tag_spec("route-table", net.workload.tags(name))
        )["RouteTable"]["RouteTableId"]
    )
    for route in routes:
        ec2.create_route(RouteTableId=table_id, **route.arguments())
    for key in subnet_keys:
        ec2.associate_route_table(RouteTableId=table_id, SubnetId=net.subnet(key))
    return table_id


def main_route_table(aws: DemoAws, net: Network) -> str:
    """The VPC's main route table (the one subnets without an association of their own use)."""
    tables = aws.client("ec2", net.region).describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [net.vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"]
    return str(tables[0]["RouteTableId"])


def add_routes(aws: DemoAws, region: str, table_id: str, routes: Sequence[Route]) -> None:
    ec2 = aws.client("ec2", region)
    for route in routes:
        ec2.create_route(RouteTableId=table_id, **route.arguments())


@dataclass(frozen=True, slots=True)
class AclEntry:
    number: int
    egress: bool
    action: str  # allow | deny
    cidr: str
    protocol: str = "-1"  # "-1", "6" (tcp), "17" (udp)
    ports: tuple[int, int] | None = None

    def arguments(self) -> dict[str, Any]:
        args: dict[str, Any] = {
            "RuleNumber": self.number,
            "Egress": self.egress,
            "RuleAction": self.action,
            "CidrBlock": self.cidr,
            "Protocol": self.protocol,
        }
        if self.ports is not None:
            args["PortRange"] = {"From": self.ports[0], "To": self.ports[1]}
        return args


def network_acl(
    aws: DemoAws, net: Network, name: str, subnet_keys: Sequence[str], entries: Sequence[AclEntry]
) -> str:
    """A network ACL with the given entries that replaces the default NACL on the given subnets."""
    ec2 = aws.client("ec2", net.region)
    acl_id = str(
        ec2.create_network_acl(
            VpcId=net.vpc_id, TagSpecifications=tag_spec("network-acl", net.workload.tags(name))
        )["NetworkAcl"]["NetworkAclId"]
    )
    for entry in entries:
        ec2.create_network_acl_entry(NetworkAclId=acl_id, **entry.arguments())
    subnet_ids = {net.subnet(key) for key in subnet_keys}
    current = ec2.describe_network_acls(
        Filters=[{"Name": "association.subnet-id", "Values": sorted(subnet_ids)}]
    )
    for acl in current["NetworkAcls"]:
        for assoc in acl.get("Associations", []):
            if assoc.get("SubnetId") in subnet_ids:
                ec2.replace_network_acl_association(
                    AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=acl_id
                )
    return acl_id


# --- security groups ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    """One security group permission to a single peer (a CIDR, a group or a prefix list)."""

    protocol: str  # tcp | udp | -1
    ports: tuple[int, int] | None = None  # None: all ports
    cidr: str | None = None
    group: str | None = None
    prefix_list: str | None = None
    description: str = ""

    def permission(self) -> dict[str, Any]:
        perm: dict[str, Any] = {"IpProtocol": self.protocol}
        if self.ports is not None:
            perm["FromPort"], perm["ToPort"] = self.ports
        elif self.protocol != "-1":
            perm["FromPort"], perm["ToPort"] = 0, 65535
        described = {"Description": self.description} if self.description else {}
        if self.cidr:
            perm["IpRanges"] = [{"CidrIp": self.cidr, **described}]
        if self.group:
            perm["UserIdGroupPairs"] = [{"GroupId": self.group, **described}]
        if self.prefix_list:
            perm["PrefixListIds"] = [{"PrefixListId": self.prefix_list, **described}]
        return perm


def tcp(port: int | tuple[int, int], **peer: str) -> Rule:
    ports = port if isinstance(port, tuple) else (port, port)
    return Rule("tcp", ports, **peer)


def udp(port: int | tuple[int, int] | None = None, **peer: str) -> Rule:
    ports = None if port is None else port if isinstance(port, tuple) else (port, port)
    return Rule("udp", ports, **peer)


def all_traffic(**peer: str) -> Rule:
    return Rule("-1", None, **peer)


_DEFAULT_EGRESS = all_traffic(cidr=ANYWHERE)


def security_group(aws: DemoAws, net: Network, name: str, description: str) -> str:
    """A new group (AWS gives it the allow-all egress rule; `set_rules` replaces it)."""
    return str(
        aws.client("ec2", net.region).create_security_group(
            GroupName=net.workload.name(name),
            Description=description,
            VpcId=net.vpc_id,
            TagSpecifications=tag_spec("security-group", net.workload.tags(name)),
        )["GroupId"]
    )


def set_rules(
    aws: DemoAws,
    region: str,
    group_id: str,
    *,
    ingress: Sequence[Rule] = (),
    egress: Sequence[Rule] | None = None,
) -> None:
    """Add ingress rules; with `egress` given, replace AWS's allow-all egress rule by exactly those."""
    ec2 = aws.client("ec2", region)
    if ingress:
        ec2.authorize_security_group_ingress(
            GroupId=group_id, IpPermissions=[r.permission() for r in ingress]
        )
    if egress is None:
        return
    ec2.revoke_security_group_egress(GroupId=group_id, IpPermissions=[_DEFAULT_EGRESS.permission()])
    if egress:
        ec2.authorize_security_group_egress(GroupId=group_id, IpPermissions=[r.permission() for r in egress])


def default_group_id(aws: DemoAws, net: Network) -> str:
    return str(_default_group(aws, net)["GroupId"])


def lock_default_group(aws: DemoAws, net: Network) -> str:
    """Strip the VPC's default security group of every rule (CIS 5.4); returns its id."""
    ec2 = aws.client("ec2", net.region)
    group = _default_group(aws, net)
    if group.get("IpPermissions"):
        ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=group["IpPermissions"])
    if group.get("IpPermissionsEgress"):
        ec2.revoke_security_group_egress(GroupId=group["GroupId"], IpPermissions=group["IpPermissionsEgress"])
    return str(group["GroupId"])


def _default_group(aws: DemoAws, net: Network) -> dict[str, Any]:
    groups = aws.client("ec2", net.region).describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [net.vpc_id]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"]
    return dict(groups[0])


# --- endpoints, flow logs, peering ---------------------------------------------------------------


def gateway_endpoint(aws: DemoAws, net: Network, service: str, route_table_ids: Sequence[str]) -> str:
    """A gateway endpoint (s3 or dynamodb) on the given route tables."""
    reply = aws.client("ec2", net.region).create_vpc_endpoint(
        VpcId=net.vpc_id,
        VpcEndpointType="Gateway",
        ServiceName=f"com.amazonaws.{net.region}.{service}",
        RouteTableIds=list(route_table_ids),
        TagSpecifications=tag_spec("vpc-endpoint", net.workload.tags(f"{service}-gateway-endpoint")),
    )
    return str(reply["VpcEndpoint"]["VpcEndpointId"])


def interface_endpoints(
    aws: DemoAws, net: Network, services: Sequence[str], subnet_keys: Sequence[str], group_id: str
) -> list[str]:
    """Interface endpoints with private DNS, one per service, in the given subnets."""
    ec2 = aws.client("ec2", net.region)
    ids: list[str] = []
    for service in services:
        reply = ec2.create_vpc_endpoint(
            VpcId=net.vpc_id,
            VpcEndpointType="Interface",
            ServiceName=f"com.amazonaws.{net.region}.{service}",
            SubnetIds=[net.subnet(key) for key in subnet_keys],
            SecurityGroupIds=[group_id],
            PrivateDnsEnabled=True,
            TagSpecifications=tag_spec("vpc-endpoint", net.workload.tags(f"{service}-endpoint")),
        )
        ids.append(str(reply["VpcEndpoint"]["VpcEndpointId"]))
    return ids


def flow_log_role(aws: DemoAws, wl: Workload) -> str:
    """The role VPC Flow Logs assumes to write to CloudWatch Logs; returns its ARN."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
            }
        ],
    }
    reply = aws.client("iam").create_role(
        RoleName=wl.name("vpc-flow-logs"),
        AssumeRolePolicyDocument=json.dumps(trust),
        Tags=[{"Key": k, "Value": v} for k, v in wl.tags("vpc-flow-logs").items()],
    )
    return str(reply["Role"]["Arn"])


def flow_logs_to_cloudwatch(
    aws: DemoAws, wl: Workload, vpc_ids: Sequence[str], log_group: str, role_arn: str
) -> None:
    """Flow logs of all traffic of the given VPCs into a CloudWatch Logs group (created here)."""
    aws.client("logs", wl.region).create_log_group(logGroupName=log_group, tags=wl.tags("flow-logs"))
    _flow_logs(
        aws,
        wl,
        vpc_ids,
        LogDestinationType="cloud-watch-logs",
        LogGroupName=log_group,
        DeliverLogsPermissionArn=role_arn,
    )


def flow_logs_to_s3(aws: DemoAws, wl: Workload, vpc_ids: Sequence[str], bucket: str) -> None:
    """Flow logs of all traffic of the given VPCs into an existing bucket."""
    _flow_logs(aws, wl, vpc_ids, LogDestinationType="s3", LogDestination=f"arn:aws:s3:::{bucket}")


def _flow_logs(aws: DemoAws, wl: Workload, vpc_ids: Sequence[str], **destination: str) -> None:
    reply = aws.client("ec2", wl.region).create_flow_logs(
        ResourceIds=list(vpc_ids),
        ResourceType="VPC",
        TrafficType="ALL",
        TagSpecifications=tag_spec("vpc-flow-log", wl.tags("flow-log")),
        **destination,
    )
    if reply.get("Unsuccessful"):
        raise RuntimeError(f"flow logs were not created: {reply['Unsuccessful']}")


def peer(aws: DemoAws, a: Network, b: Network, name: str, wl: Workload) -> str:
    """An accepted peering connection between two VPCs of the account (routes are the caller's)."""
    ec2 = aws.client("ec2", a.region)
    pcx = ec2.create_vpc_peering_connection(
        VpcId=a.vpc_id,
        PeerVpcId=b.vpc_id,
        TagSpecifications=tag_spec("vpc-peering-connection", wl.tags(name)),
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    return str(pcx)
