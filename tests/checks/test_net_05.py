"""NET-05: security groups on interfaces in data-tier subnets have no unrestricted egress."""

from __future__ import annotations

from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, NetworkInterface, SecurityGroup, SgRule, Status, Subnet, Vpc
from ringfence.model.network import ManagedPrefixList
from ringfence.scanner import ScanOptions, scan

from support import ACCOUNT, REGION, Aws, findings_for, status_of


def subnet(ec2: Any, vpc: str, cidr: str, tier: str | None) -> str:
    tags = [{"ResourceType": "subnet", "Tags": [{"Key": "Tier", "Value": tier}]}] if tier else []
    return str(ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, TagSpecifications=tags)["Subnet"]["SubnetId"])


def group(ec2: Any, vpc: str, name: str, *egress: dict[str, Any], keep_default: bool = False) -> str:
    sg = str(ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"])
    if not keep_default:
        ec2.revoke_security_group_egress(
            GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
        )
    if egress:
        ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=list(egress))
    return sg


def https(**peer: Any) -> dict[str, Any]:
    return {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, **peer}


def test_data_tier_groups_reach_only_the_vpc_and_approved_egress(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    data = subnet(ec2, vpc, "10.0.1.0/24", "data")
    private = subnet(ec2, vpc, "10.0.2.0/24", "private")
    untiered = subnet(ec2, vpc, "10.0.3.0/24", None)
    s3_list = next(
        p["PrefixListId"]
        for p in ec2.describe_managed_prefix_lists()["PrefixLists"]
        if p["PrefixListName"].endswith(".s3")
    )
    peers = group(ec2, vpc, "peers")
    cases = {
        "default-egress": (Status.FAIL, group(ec2, vpc, "default-egress", keep_default=True), data),
        "external": (
            Status.FAIL,
            group(ec2, vpc, "external", https(IpRanges=[{"CidrIp": "8.8.8.8/32"}])),
            data,
        ),
        "restricted": (
            Status.PASS,
            group(
                ec2,
                vpc,
                "restricted",
                https(IpRanges=[{"CidrIp": "10.0.0.0/16"}, {"CidrIp": "198.51.100.7/32"}]),
                https(PrefixListIds=[{"PrefixListId": s3_list}]),
                {
                    "IpProtocol": "tcp",
                    "FromPort": 5432,
                    "ToPort": 5432,
                    "UserIdGroupPairs": [{"GroupId": peers}],
                },
            ),
            data,
        ),
        "private-tier": (Status.NOT_APPLICABLE, group(ec2, vpc, "private-tier", keep_default=True), private),
        "no-tier": (Status.UNKNOWN, group(ec2, vpc, "no-tier", keep_default=True), untiered),
    }
    for _, group_id, subnet_id in cases.values():
        ec2.create_network_interface(SubnetId=subnet_id, Groups=[group_id])

    params = {"NET-07": {"approved_egress": ["198.51.100.0/24"]}}
    result = scan(ScanOptions(aws=aws.options(), regions=[REGION], controls=["NET-05"], params=params))

    for name, (expected, group_id, _) in cases.items():
        assert status_of(result, "NET-05", group_id) is expected, name
    assert status_of(result, "NET-05", peers) is Status.NOT_APPLICABLE  # attached to nothing
    message = next(f.message for f in findings_for(result, "NET-05") if cases["external"][1] in f.resource_id)
    assert "egress tcp/443 to 8.8.8.8/32" in message
    unknown = next(f.message for f in findings_for(result, "NET-05") if cases["no-tier"][1] in f.resource_id)
    assert "it would fail" in unknown


def test_a_prefix_list_of_the_whole_internet_is_no_restriction() -> None:
    vpc = Vpc(arn="arn:vpc", native_id="vpc-1", account=ACCOUNT, region=REGION, cidr_blocks=("10.0.0.0/16",))
    data = Subnet(
        arn="arn:subnet",
        native_id="subnet-1",
        account=ACCOUNT,
        region=REGION,
        vpc_id="vpc-1",
        tags={"Tier": "data"},
    )
    anywhere = ManagedPrefixList(
        arn="arn:pl", native_id="pl-any", account=ACCOUNT, region=REGION, entries=("0.0.0.0/0",)
    )
    rds_eni = NetworkInterface(
        arn="arn:eni",
        native_id="eni-rds",
        account=ACCOUNT,
        region=REGION,
        subnet_id="subnet-1",
        security_group_ids=("sg-db",),
        requester_managed=True,
        description="RDSNetworkInterface",
    )
    db = SecurityGroup(
        arn="arn:sg-db",
        native_id="sg-db",
        account=ACCOUNT,
        region=REGION,
        vpc_id="vpc-1",
        egress=(SgRule(direction="egress", protocol="-1", prefix_list_id="pl-any"),),
    )
    findings = evaluate(Inventory([vpc, data, anywhere, rds_eni, db]), [all_checks()["NET-05"]], strict=True)
    assert [(f.resource_id, f.status) for f in findings] == [("arn:sg-db", Status.FAIL)]
