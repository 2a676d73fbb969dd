"""NET-07: data-tier route tables reach the internet only through approved egress."""

from __future__ import annotations

from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, NatGateway, Route, RouteTable, Status, Subnet, VpcEndpoint
from ringfence.scanner import ScanOptions, scan

from support import ACCOUNT, REGION, Aws, findings_for, status_of


def subnet(ec2: Any, vpc: str, cidr: str, name: str) -> str:
    tags = [{"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": name}]}]
    return str(
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=f"{REGION}a", TagSpecifications=tags)[
            "Subnet"
        ]["SubnetId"]
    )


def table(ec2: Any, vpc: str, *subnets: str) -> str:
    rtb = str(ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"])
    for subnet_id in subnets:
        ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet_id)
    return rtb


def test_data_route_tables_reach_the_internet_only_to_approved_prefixes(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public = subnet(ec2, vpc, "10.0.0.0/24", "prod-public-a")
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    approved = ec2.create_managed_prefix_list(
        PrefixListName="updates", MaxEntries=2, AddressFamily="IPv4", Entries=[{"Cidr": "198.51.100.0/24"}]
    )["PrefixList"]["PrefixListId"]

    to_igw = table(ec2, vpc, subnet(ec2, vpc, "10.0.1.0/24", "prod-data-a"))
    ec2.create_route(RouteTableId=to_igw, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    all_via_nat = table(ec2, vpc, subnet(ec2, vpc, "10.0.2.0/24", "prod-data-b"))
    ec2.create_route(RouteTableId=all_via_nat, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    approved_only = table(ec2, vpc, subnet(ec2, vpc, "10.0.3.0/24", "prod-data-c"))
    ec2.create_route(RouteTableId=approved_only, DestinationPrefixListId=approved, NatGatewayId=nat)
    ec2.create_route(RouteTableId=approved_only, DestinationCidrBlock="203.0.113.8/32", NatGatewayId=nat)
    ec2.create_vpc_endpoint(
        VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.s3", RouteTableIds=[approved_only]
    )
    public_rt = table(ec2, vpc, public)
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    untiered = table(ec2, vpc, subnet(ec2, vpc, "10.0.4.0/24", "misc"))
    ec2.create_route(RouteTableId=untiered, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    # A data subnet with no association of its own uses the main table (local route only).
    subnet(ec2, vpc, "10.0.5.0/24", "prod-db-d")
    main = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"][0]["RouteTableId"]

    default = aws.scan(controls=["NET-07"])
    params = {"NET-07": {"approved_egress": [approved, "203.0.113.0/24"]}}
    result = scan(ScanOptions(aws=aws.options(), regions=[REGION], controls=["NET-07"], params=params))

    # approved_egress defaults to []: nothing is approved, so even the prefix-list route fails
    assert status_of(default, "NET-07", approved_only) is Status.FAIL
    assert status_of(result, "NET-07", approved_only) is Status.PASS
    assert status_of(result, "NET-07", to_igw) is Status.FAIL
    assert status_of(result, "NET-07", all_via_nat) is Status.FAIL
    assert status_of(result, "NET-07", main) is Status.PASS
    assert status_of(result, "NET-07", public_rt) is Status.NOT_APPLICABLE
    assert status_of(result, "NET-07", untiered) is Status.UNKNOWN
    message = next(f.message for f in findings_for(result, "NET-07") if all_via_nat in f.resource_id)
    assert f"0.0.0.0/0 -> {nat}" in message


# --- routes the route table alone cannot judge (moto has no transit gateway routes to NAT tables) --


def rt(table_id: str, *routes: Route, subnets: tuple[str, ...] = ("subnet-data",)) -> RouteTable:
    return RouteTable(
        arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:route-table/{table_id}",
        native_id=table_id,
        account=ACCOUNT,
        region=REGION,
        vpc_id="vpc-1",
        subnet_ids=subnets,
        routes=(Route(destination_cidr="10.0.0.0/16", target_id="local"), *routes),
    )


def run(*resources: Any, params: dict[str, Any] | None = None) -> dict[str, tuple[Status, str]]:
    data = Subnet(
        arn="arn:subnet-data",
        native_id="subnet-data",
        account=ACCOUNT,
        region=REGION,
        vpc_id="vpc-1",
        tags={"Tier": "data"},
    )
    inv = Inventory([data, *resources])
    findings = evaluate(inv, [all_checks()["NET-07"]], strict=True, params={"NET-07": params or {}})
    return {f.resource_id.rsplit("/", 1)[-1]: (f.status, f.message) for f in findings}


def test_transit_gateway_firewall_and_appliance_routes_need_reach() -> None:
    private_nat = NatGateway(
        arn="arn:nat-private",
        native_id="nat-private",
        account=ACCOUNT,
        region=REGION,
        connectivity_type="private",
    )
    gwlb = VpcEndpoint(
        arn="arn:vpce-gwlb",
        native_id="vpce-gwlb",
        account=ACCOUNT,
        region=REGION,
        endpoint_type="GatewayLoadBalancer",
    )
    results = run(
        rt("rtb-tgw", Route(destination_cidr="0.0.0.0/0", target_type="transit_gateway", target_id="tgw-1")),
        rt("rtb-fw", Route(destination_cidr="0.0.0.0/0", target_id="vpce-gwlb")),
        rt("rtb-appliance", Route(destination_cidr="0.0.0.0/0", target_type="instance", target_id="i-1")),
        rt(
            "rtb-private-nat",
            Route(destination_cidr="0.0.0.0/0", target_type="nat_gateway", target_id="nat-private"),
        ),
        rt(
            "rtb-v6",
            Route(destination_ipv6_cidr="::/0", target_type="egress_only_gateway", target_id="eigw-1"),
        ),
        rt(
            "rtb-blackhole",
            Route(destination_cidr="0.0.0.0/0", target_id="igw-1", state="blackhole"),
            Route(destination_cidr="172.16.0.0/12", target_type="vpc_peering_connection", target_id="pcx-1"),
            Route(destination_cidr="192.168.0.0/16", target_id="vgw-1"),
        ),
        rt(
            "rtb-mixed",
            Route(destination_cidr="0.0.0.0/0", target_type="transit_gateway", target_id="tgw-1"),
            Route(destination_cidr="8.8.8.8/32", target_id="igw-1"),
        ),
        private_nat,
        gwlb,
    )

    for table_id in ("rtb-tgw", "rtb-fw", "rtb-appliance", "rtb-private-nat"):
        assert results[table_id][0] is Status.UNKNOWN, table_id
        assert "needs reach" in results[table_id][1], table_id
    assert results["rtb-v6"][0] is Status.FAIL
    assert results["rtb-blackhole"][0] is Status.PASS
    assert results["rtb-mixed"][0] is Status.FAIL  # a known internet route decides


def test_approved_cidrs_cover_nat_routes_inside_them() -> None:
    results = run(
        rt(
            "rtb-inside",
            Route(destination_cidr="203.0.113.16/28", target_type="nat_gateway", target_id="nat-1"),
        ),
        rt(
            "rtb-wider",
            Route(destination_cidr="203.0.112.0/23", target_type="nat_gateway", target_id="nat-1"),
        ),
        params={"approved_egress": ["203.0.113.0/24"]},
    )
    assert results["rtb-inside"][0] is Status.PASS
    assert results["rtb-wider"][0] is Status.FAIL
