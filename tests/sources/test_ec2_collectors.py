"""The EC2/VPC collectors turn real API answers (moto over HTTP) into the right model objects."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ringfence.model import (
    DhcpOptions,
    EgressOnlyInternetGateway,
    FlowLog,
    Instance,
    InternetGateway,
    Inventory,
    LaunchTemplate,
    MetadataOptions,
    NatGateway,
    NetworkAcl,
    NetworkInterface,
    Resource,
    RouteTable,
    SecurityGroup,
    SgRule,
    Subnet,
    Vpc,
    VpcEndpoint,
)
from ringfence.model.network import ManagedPrefixList
from ringfence.sources.aws.collectors.ec2_compute import collect_instances
from ringfence.sources.aws.collectors.ec2_network import collect_vpcs
from ringfence.sources.aws.collectors.ec2_security_groups import collect_security_groups
from ringfence.sources.aws.context import CollectContext

from support import ACCOUNT, REGION, Aws


def inventory(aws: Aws) -> Inventory:
    return aws.scan(controls=["NET-06"]).inventory


def one(inv: Inventory, cls: type[Resource], native_id: str) -> Any:
    found = inv.get(cls, ACCOUNT, REGION, native_id)
    assert found is not None, f"{cls.__name__} {native_id} not collected"
    return found


def vpc_with_subnet(ec2: Any, cidr: str = "10.1.0.0/16", subnet: str = "10.1.1.0/24") -> tuple[str, str]:
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=subnet, AvailabilityZone="eu-west-1a")["Subnet"][
        "SubnetId"
    ]
    return vpc_id, subnet_id


# --- security groups ---------------------------------------------------------------------------


def test_security_group_permissions_flatten_to_one_rule_per_peer(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc_id, _ = vpc_with_subnet(ec2)
    other = ec2.create_security_group(GroupName="other", Description="o", VpcId=vpc_id)["GroupId"]
    plist = ec2.create_managed_prefix_list(
        PrefixListName="office", MaxEntries=2, AddressFamily="IPv4", Entries=[{"Cidr": "192.0.2.0/24"}]
    )["PrefixList"]["PrefixListId"]
    sg = ec2.create_security_group(GroupName="web", Description="w", VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "corp"}, {"CidrIp": "0.0.0.0/0"}],
                "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
                "PrefixListIds": [{"PrefixListId": plist}],
                "UserIdGroupPairs": [{"GroupId": other}],
            },
            {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": sg}]},
            {"IpProtocol": "17", "FromPort": 123, "ToPort": 123, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]},
            {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        ],
    )

    group = one(inventory(aws), SecurityGroup, sg)

    assert group.group_name == "web"
    assert group.vpc_id == vpc_id
    assert not group.is_default
    https = [r for r in group.ingress if r.protocol == "tcp"]
    assert {r.peer for r in https} == {"10.0.0.0/8", "0.0.0.0/0", "::/0", plist, other}
    assert all((r.from_port, r.to_port) == (443, 443) for r in https)
    assert next(r for r in https if r.cidr_ipv4 == "10.0.0.0/8").description == "corp"
    assert next(r for r in https if r.peer == "::/0").cidr_ipv6 == "::/0"
    assert next(r for r in https if r.peer == plist).prefix_list_id == plist
    assert next(r for r in https if r.peer == other).referenced_group_id == other
    everything = next(r for r in group.ingress if r.protocol == "-1")
    assert (everything.from_port, everything.to_port, everything.referenced_group_id) == (None, None, sg)
    assert everything.is_all_protocols
    assert everything.covers_port(22)
    ntp = next(r for r in group.ingress if r.protocol == "udp")  # "17" comes back as udp
    assert ntp.admits("udp", 123)
    assert not ntp.admits("tcp", 123)
    icmp = next(r for r in group.ingress if r.protocol == "icmp")
    assert not icmp.covers_port(22), "an all-types ICMP rule opens no port"
    assert len(group.ingress) == 8
    # The default allow-all egress rule, and every rule carries its id for the remediation command.
    assert [(r.protocol, r.cidr_ipv4) for r in group.egress] == [("-1", "0.0.0.0/0")]
    assert all(r.rule_id and r.rule_id.startswith("sgr-") for r in group.rules)
    assert "rule_ids" not in group.unresolved


def test_default_group_is_recognised_and_rule_describes_itself(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc_id, _ = vpc_with_subnet(ec2)
    default_id = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]["GroupId"]

    group = one(inventory(aws), SecurityGroup, default_id)

    assert group.is_default
    assert group.egress[0].describe().startswith("egress all traffic to 0.0.0.0/0 [sgr-")


def test_customer_prefix_lists_are_collected_with_entries_and_aws_managed_are_not(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    plist = ec2.create_managed_prefix_list(
        PrefixListName="dns",
        MaxEntries=3,
        AddressFamily="IPv4",
        Entries=[{"Cidr": "10.1.0.2/32"}, {"Cidr": "169.254.169.253/32"}],
    )["PrefixList"]["PrefixListId"]

    inv = inventory(aws)

    lists = inv.of(ManagedPrefixList)
    assert [p.native_id for p in lists] == [plist]  # moto's com.amazonaws.* lists are AWS's own
    assert set(lists[0].entries) == {"10.1.0.2/32", "169.254.169.253/32"}
    assert lists[0].name == "dns"
    assert lists[0].address_family == "IPv4"


# --- VPCs, flow logs, subnets, route tables, NACLs, DHCP options --------------------------------


def test_vpc_lists_primary_cidr_first_and_flow_logs_come_with_it(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc_id, subnet_id = vpc_with_subnet(ec2, "10.20.0.0/16", "10.20.1.0/24")
    ec2.associate_vpc_cidr_block(VpcId=vpc_id, CidrBlock="10.30.0.0/16")
    aws.client("s3").create_bucket(
        Bucket="flow-logs", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    ec2.create_flow_logs(
        ResourceType="Subnet",
        ResourceIds=[subnet_id],
        TrafficType="REJECT",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::flow-logs",
    )

    inv = inventory(aws)

    vpc = one(inv, Vpc, vpc_id)
    assert vpc.cidr_blocks == ("10.20.0.0/16", "10.30.0.0/16")
    assert vpc.resolver_ipv4 == "10.20.0.2"
    assert not vpc.is_default
    assert "flow_logs" not in vpc.unresolved
    (log,) = inv.of(FlowLog)
    assert (log.attached_to, log.traffic_type, log.status) == (subnet_id, "REJECT", "ACTIVE")
    assert (log.destination_type, log.destination) == ("s3", "arn:aws:s3:::flow-logs")
    assert log.arn == f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-flow-log/{log.native_id}"
    subnet = one(inv, Subnet, subnet_id)
    assert (subnet.vpc_id, subnet.cidr_block, subnet.availability_zone) == (
        vpc_id,
        "10.20.1.0/24",
        "eu-west-1a",
    )
    assert any(v.is_default for v in inv.of(Vpc)), "moto's default VPC is a VPC too"


def test_route_tables_name_their_targets_and_associations(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc_id, subnet_id = vpc_with_subnet(ec2)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    eigw = ec2.create_egress_only_internet_gateway(VpcId=vpc_id)["EgressOnlyInternetGateway"][
        "EgressOnlyInternetGatewayId"
    ]
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet_id, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    public = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.create_route(RouteTableId=public, DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=eigw)
    ec2.create_route(RouteTableId=public, DestinationCidrBlock="192.0.2.0/24", NatGatewayId=nat)
    ec2.associate_route_table(RouteTableId=public, SubnetId=subnet_id)
    edge = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=edge, GatewayId=igw)

    inv = inventory(aws)

    table = one(inv, RouteTable, public)
    targets = {r.destination: (r.target_type, r.target_id) for r in table.routes}
    assert targets["0.0.0.0/0"] == ("gateway", igw)
    assert targets["::/0"] == ("egress_only_gateway", eigw)
    assert targets["192.0.2.0/24"] == ("nat_gateway", nat)
    assert targets["10.1.0.0/16"] == ("gateway", "local")
    assert table.subnet_ids == (subnet_id,)
    assert not table.is_main
    assert one(inv, RouteTable, edge).gateway_ids == (igw,)
    mains = [t for t in inv.of(RouteTable) if t.vpc_id == vpc_id and t.is_main]
    assert len(mains) == 1
    assert one(inv, InternetGateway, igw).vpc_ids == (vpc_id,)
    assert one(inv, EgressOnlyInternetGateway, eigw).vpc_ids == (vpc_id,)
    nat_gw = one(inv, NatGateway, nat)
    assert (nat_gw.vpc_id, nat_gw.subnet_id, nat_gw.connectivity_type) == (vpc_id, subnet_id, "public")
    assert len(nat_gw.public_ips) == 1
    assert nat_gw.network_interface_ids


def test_network_acl_entries_use_protocol_numbers(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc_id, subnet_id = vpc_with_subnet(ec2)
    acl = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(
        NetworkAclId=acl,
        RuleNumber=100,
        Protocol="6",
        RuleAction="allow",
        Egress=True,
        CidrBlock="10.0.0.0/8",
        PortRange={"From": 443, "To": 443},
    )
    ec2.create_network_acl_entry(
        NetworkAclId=acl, RuleNumber=110, Protocol="-1", RuleAction="deny", Egress=False, Ipv6CidrBlock="::/0"
    )
    association = ec2.describe_network_acls(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}]
    )
    assoc_id = association["NetworkAcls"][0]["Associations"][0]["NetworkAclAssociationId"]
    ec2.replace_network_acl_association(AssociationId=assoc_id, NetworkAclId=acl)

    inv = inventory(aws)

    nacl = one(inv, NetworkAcl, acl)
    assert not nacl.is_default
    assert nacl.subnet_ids == (subnet_id,)
    by_number = {e.rule_number: e for e in nacl.entries}
    https = by_number[100]
    assert (https.egress, https.protocol, https.action, https.cidr_ipv4) == (True, "6", "allow", "10.0.0.0/8")
    assert (https.from_port, https.to_port) == (443, 443)
    assert (by_number[110].protocol, by_number[110].cidr_ipv6, by_number[110].action) == (
        "-1",
        "::/0",
        "deny",
    )
    default = next(a for a in inv.of(NetworkAcl) if a.vpc_id == vpc_id and a.is_default)
    assert subnet_id not in default.subnet_ids


def test_dhcp_options_name_their_servers(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc_id, _ = vpc_with_subnet(ec2)
    options = ec2.create_dhcp_options(
        DhcpConfigurations=[
            {"Key": "domain-name-servers", "Values": ["10.1.0.53", "10.1.1.53"]},
            {"Key": "domain-name", "Values": ["corp.example"]},
        ]
    )["DhcpOptions"]["DhcpOptionsId"]
    ec2.associate_dhcp_options(DhcpOptionsId=options, VpcId=vpc_id)

    inv = inventory(aws)

    dhcp = one(inv, DhcpOptions, options)
    assert dhcp.domain_name_servers == ("10.1.0.53", "10.1.1.53")
    assert dhcp.domain_name == "corp.example"
    assert one(inv, Vpc, vpc_id).dhcp_options_id == options


# --- endpoints and interfaces ------------------------------------------------------------------


def test_vpc_endpoints_keep_policy_dns_and_placement(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc_id, subnet_id = vpc_with_subnet(ec2)
    table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    sg = ec2.create_security_group(GroupName="endpoints", Description="e", VpcId=vpc_id)["GroupId"]
    policy = {
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
        ]
    }
    s3 = ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        ServiceName=f"com.amazonaws.{REGION}.s3",
        RouteTableIds=[table],
        PolicyDocument=json.dumps(policy),
    )["VpcEndpoint"]["VpcEndpointId"]
    kms = ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        VpcEndpointType="Interface",
        ServiceName=f"com.amazonaws.{REGION}.kms",
        SubnetIds=[subnet_id],
        SecurityGroupIds=[sg],
        PrivateDnsEnabled=True,
    )["VpcEndpoint"]["VpcEndpointId"]

    inv = inventory(aws)

    gateway = one(inv, VpcEndpoint, s3)
    assert gateway.endpoint_type == "Gateway"
    assert gateway.route_table_ids == (table,)
    assert gateway.policy is not None
    assert json.loads(gateway.policy) == policy
    interface = one(inv, VpcEndpoint, kms)
    assert interface.endpoint_type == "Interface"
    assert (interface.subnet_ids, interface.security_group_ids) == ((subnet_id,), (sg,))
    assert interface.private_dns_enabled is True
    assert interface.service_name == f"com.amazonaws.{REGION}.kms"


def test_network_interfaces_carry_public_and_elastic_ips(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc_id, subnet_id = vpc_with_subnet(ec2)
    sg = ec2.create_security_group(GroupName="app", Description="a", VpcId=vpc_id)["GroupId"]
    eni = ec2.create_network_interface(
        SubnetId=subnet_id,
        Groups=[sg],
        Description="app server",
        TagSpecifications=[{"ResourceType": "network-interface", "Tags": [{"Key": "Name", "Value": "app"}]}],
    )["NetworkInterface"]["NetworkInterfaceId"]
    eip = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=eni)

    inv = inventory(aws)

    interface = one(inv, NetworkInterface, eni)
    assert interface.public_ips == (eip["PublicIp"],)
    assert (interface.vpc_id, interface.subnet_id, interface.security_group_ids) == (vpc_id, subnet_id, (sg,))
    assert interface.private_ips
    assert interface.tags == {"Name": "app"}
    assert interface.description == "app server"
    assert not interface.requester_managed
    assert interface.route53_resolver_endpoint_id is None


def test_resolver_endpoint_interfaces_are_recognised_only_when_requester_managed() -> None:
    base = {"arn": "eni", "native_id": "eni-1", "account": ACCOUNT, "region": REGION}
    described = "Route 53 Resolver: rslvr-out-0123456789abcdef0:rni-0123456789abcdef0"
    managed = NetworkInterface(**base, requester_managed=True, description=described)
    forged = NetworkInterface(**base, requester_managed=False, description=described)
    assert managed.route53_resolver_endpoint_id == "rslvr-out-0123456789abcdef0"
    assert forged.route53_resolver_endpoint_id is None


# --- instances and launch templates ------------------------------------------------------------


def test_instances_keep_what_the_checks_read_and_skip_terminated(aws: Aws) -> None:
    ec2, iam = aws.client("ec2"), aws.client("iam")
    vpc_id, subnet_id = vpc_with_subnet(ec2)
    sg = ec2.create_security_group(GroupName="app", Description="a", VpcId=vpc_id)["GroupId"]
    iam.create_role(RoleName="app", AssumeRolePolicyDocument="{}")
    profile = iam.create_instance_profile(InstanceProfileName="app")["InstanceProfile"]
    iam.add_role_to_instance_profile(InstanceProfileName="app", RoleName="app")
    ec2.create_key_pair(KeyName="ops")
    launched = ec2.run_instances(
        ImageId="ami-12345678",
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet_id,
        SecurityGroupIds=[sg],
        KeyName="ops",
        IamInstanceProfile={"Arn": profile["Arn"]},
        MetadataOptions={"HttpTokens": "required", "HttpPutResponseHopLimit": 2, "HttpEndpoint": "enabled"},
    )["Instances"][0]["InstanceId"]
    stopped = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, SubnetId=subnet_id)[
        "Instances"
    ][0]["InstanceId"]
    ec2.stop_instances(InstanceIds=[stopped])
    gone = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, SubnetId=subnet_id)["Instances"][
        0
    ]["InstanceId"]
    ec2.terminate_instances(InstanceIds=[gone])
    eip = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=eip["AllocationId"], InstanceId=launched)

    inv = inventory(aws)

    instance = one(inv, Instance, launched)
    assert instance.state == "running"
    assert instance.metadata_options == MetadataOptions("required", "enabled", 2)
    assert instance.iam_instance_profile_arn == profile["Arn"]
    assert (instance.key_name, instance.vpc_id, instance.subnet_id) == ("ops", vpc_id, subnet_id)
    assert sg in instance.security_group_ids
    assert len(instance.network_interface_ids) == 1
    assert instance.public_ip == eip["PublicIp"]
    assert instance.block_devices
    assert instance.block_devices[0].volume_id
    assert one(inv, Instance, stopped).state == "stopped"
    assert inv.get(Instance, ACCOUNT, REGION, gone) is None


def test_launch_templates_keep_only_default_and_latest_versions(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    template = ec2.create_launch_template(
        LaunchTemplateName="web",
        LaunchTemplateData={
            "ImageId": "ami-12345678",
            "MetadataOptions": {
                "HttpTokens": "required",
                "HttpPutResponseHopLimit": 1,
                "HttpEndpoint": "enabled",
            },
            "IamInstanceProfile": {"Name": "web"},
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True, "VolumeSize": 8}}],
        },
    )["LaunchTemplate"]["LaunchTemplateId"]
    for tokens in ("optional", "required"):
        ec2.create_launch_template_version(
            LaunchTemplateId=template,
            LaunchTemplateData={
                "ImageId": "ami-12345678",
                "MetadataOptions": {
                    "HttpTokens": tokens,
                    "HttpPutResponseHopLimit": 3,
                    "HttpEndpoint": "enabled",
                },
            },
        )

    lt = one(inventory(aws), LaunchTemplate, template)

    assert lt.template_name == "web"
    assert (lt.default_version_number, lt.latest_version_number) == (1, 3)
    assert [(v.version_number, v.is_default, v.is_latest) for v in lt.versions] == [
        (1, True, False),
        (3, False, True),
    ]
    first, last = lt.versions
    assert first.metadata_options == MetadataOptions("required", "enabled", 1)
    assert first.iam_instance_profile == "web"
    assert first.block_devices[0].encrypted is True
    assert last.metadata_options == MetadataOptions("required", "enabled", 3)
    # Every option is set in both versions: the account defaults are not needed, so not read.
    assert lt.account_metadata_defaults is None
    assert not lt.unresolved


# --- what moto cannot show: foreign owners, failed listings (a stub client answers) -------------


class StubClient:
    """Answers listings from canned pages; an operation mapped to an exception raises it."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers

    def can_paginate(self, operation: str) -> bool:
        return True

    def get_paginator(self, operation: str) -> Any:
        answer = self.answers[operation]

        class Paginator:
            def paginate(self, **_: Any) -> Iterator[dict[str, Any]]:
                if isinstance(answer, Exception):
                    raise answer
                yield from answer

        return Paginator()


class StubFactory:
    def __init__(self, client: StubClient) -> None:
        self._client = client

    def client(self, service: str, region: str) -> StubClient:
        return self._client


def stub_context(answers: dict[str, Any]) -> CollectContext:
    return CollectContext(
        factory=StubFactory(StubClient(answers)), account=ACCOUNT, region=REGION, service="ec2"
    )  # type: ignore[arg-type]


def denied(operation: str) -> ClientError:
    return ClientError({"Error": {"Code": "UnauthorizedOperation", "Message": "no"}}, operation)


def test_only_what_the_account_owns_is_kept() -> None:
    ctx = stub_context(
        {
            "describe_vpcs": [
                {"Vpcs": [{"VpcId": "vpc-mine", "OwnerId": ACCOUNT, "CidrBlock": "10.0.0.0/16"}]},
                {"Vpcs": [{"VpcId": "vpc-shared", "OwnerId": "210987654321", "CidrBlock": "10.9.0.0/16"}]},
            ],
            "describe_flow_logs": [{"FlowLogs": []}],
            "describe_instances": [
                {"Reservations": [{"OwnerId": "210987654321", "Instances": [{"InstanceId": "i-theirs"}]}]}
            ],
        }
    )
    assert [r.native_id for r in collect_vpcs(ctx)] == ["vpc-mine"]
    assert list(collect_instances(ctx)) == []


def test_vpcs_say_flow_logs_are_unknown_when_they_cannot_be_listed() -> None:
    ctx = stub_context(
        {
            "describe_vpcs": [{"Vpcs": [{"VpcId": "vpc-1", "OwnerId": ACCOUNT, "CidrBlock": "10.0.0.0/16"}]}],
            "describe_flow_logs": denied("DescribeFlowLogs"),
        }
    )
    (vpc,) = list(collect_vpcs(ctx))
    assert isinstance(vpc, Vpc)
    assert "access denied" in (vpc.unknown("flow_logs") or "")
    assert [g.operation for g in ctx.gaps] == ["DescribeFlowLogs"]


def test_security_groups_without_rule_ids_are_still_complete() -> None:
    group = {
        "GroupId": "sg-1",
        "OwnerId": ACCOUNT,
        "GroupName": "app",
        "VpcId": "vpc-1",
        "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
        ],
        "IpPermissionsEgress": [],
    }
    ctx = stub_context(
        {
            "describe_security_groups": [{"SecurityGroups": [group]}],
            "describe_security_group_rules": denied("DescribeSecurityGroupRules"),
        }
    )
    (sg,) = list(collect_security_groups(ctx))
    assert sg.ingress == (SgRule("ingress", "tcp", 22, 22, cidr_ipv6="::/0"),)
    assert sg.unknown("rule_ids")


@pytest.mark.parametrize(
    ("rule", "port", "admitted"),
    [
        (SgRule("ingress", "tcp", 0, 65535, cidr_ipv4="0.0.0.0/0"), 3389, True),
        (SgRule("ingress", "tcp", 80, 443, cidr_ipv4="0.0.0.0/0"), 22, False),
        (SgRule("ingress", "6", 22, 22, cidr_ipv4="0.0.0.0/0"), 22, True),
        (SgRule("ingress", "-1", cidr_ipv4="0.0.0.0/0"), 53, True),
        (SgRule("ingress", "icmpv6", -1, -1, cidr_ipv6="::/0"), 22, False),
        (SgRule("ingress", "50", cidr_ipv4="0.0.0.0/0"), 22, False),  # ESP has no ports
    ],
)
def test_rule_port_coverage(rule: SgRule, port: int, admitted: bool) -> None:
    assert rule.covers_port(port) is admitted
