from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, NetworkInterface, SecurityGroup, SgRule, Status, Vpc

from support import ACCOUNT, REGION, Aws, findings_for, status_of


def egress_group(ec2: Any, vpc_id: str, name: str, *permissions: dict[str, Any]) -> str:
    """A group whose egress is exactly `permissions` (the allow-all rule removed)."""
    sg = str(ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"])
    ec2.revoke_security_group_egress(
        GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    if permissions:
        ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=list(permissions))
    return sg


def dns(protocol: str = "udp", **peer: Any) -> dict[str, Any]:
    return {"IpProtocol": protocol, "FromPort": 53, "ToPort": 53, **peer}


def cidr(block: str) -> dict[str, Any]:
    return {"IpRanges": [{"CidrIp": block}]}


def test_dns_egress_is_allowed_only_to_the_vpc_resolver(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.2.0.0/16")
    resolvers = ec2.create_managed_prefix_list(
        PrefixListName="resolvers",
        MaxEntries=2,
        AddressFamily="IPv4",
        Entries=[{"Cidr": "169.254.169.253/32"}],
    )["PrefixList"]["PrefixListId"]
    public_dns = ec2.create_managed_prefix_list(
        PrefixListName="public-dns", MaxEntries=2, AddressFamily="IPv4", Entries=[{"Cidr": "8.8.8.8/32"}]
    )["PrefixList"]["PrefixListId"]
    aws_s3 = next(
        p["PrefixListId"]
        for p in ec2.describe_managed_prefix_lists()["PrefixLists"]
        if p["PrefixListName"].endswith(".s3")
    )
    dns_servers = ec2.create_security_group(GroupName="dns-servers", Description="d", VpcId=vpc)["GroupId"]

    cases = {
        "no-dns": (
            Status.PASS,
            egress_group(
                ec2, vpc, "no-dns", {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, **cidr("0.0.0.0/0")}
            ),
        ),
        "base-plus-2": (
            Status.PASS,
            egress_group(
                ec2, vpc, "base-plus-2", dns(**cidr("10.1.0.2/32")), dns("tcp", **cidr("10.1.0.2/32"))
            ),
        ),
        "link-local": (
            Status.PASS,
            egress_group(ec2, vpc, "link-local", {"IpProtocol": "-1", **cidr("169.254.169.253/32")}),
        ),
        "ipv6-resolver": (
            Status.PASS,
            egress_group(ec2, vpc, "ipv6-resolver", dns(Ipv6Ranges=[{"CidrIpv6": "fd00:ec2::253/128"}])),
        ),
        "resolver-list": (
            Status.PASS,
            egress_group(ec2, vpc, "resolver-list", dns(PrefixListIds=[{"PrefixListId": resolvers}])),
        ),
        "default-egress": (
            Status.FAIL,
            ec2.create_security_group(GroupName="default-egress", Description="d", VpcId=vpc)["GroupId"],
        ),
        "whole-vpc": (Status.FAIL, egress_group(ec2, vpc, "whole-vpc", dns("tcp", **cidr("10.1.0.0/16")))),
        "secondary-cidr": (Status.FAIL, egress_group(ec2, vpc, "secondary-cidr", dns(**cidr("10.2.0.2/32")))),
        "all-ports": (
            Status.FAIL,
            egress_group(
                ec2,
                vpc,
                "all-ports",
                {"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535, **cidr("8.8.8.8/32")},
            ),
        ),
        "group-ref": (
            Status.FAIL,
            egress_group(ec2, vpc, "group-ref", dns(UserIdGroupPairs=[{"GroupId": dns_servers}])),
        ),
        "public-list": (
            Status.FAIL,
            egress_group(ec2, vpc, "public-list", dns(PrefixListIds=[{"PrefixListId": public_dns}])),
        ),
        "aws-list": (
            Status.UNKNOWN,
            egress_group(
                ec2, vpc, "aws-list", {"IpProtocol": "-1", "PrefixListIds": [{"PrefixListId": aws_s3}]}
            ),
        ),
    }

    result = aws.scan(controls=["NET-04"])

    for name, (expected, group_id) in cases.items():
        assert status_of(result, "NET-04", group_id) is expected, name
    message = next(
        f.message for f in findings_for(result, "NET-04") if cases["group-ref"][1] in f.resource_id
    )
    assert f"egress udp/53 to {dns_servers}" in message


# --- Route 53 Resolver endpoint groups (moto cannot make requester-managed interfaces) ----------

VPC = Vpc(arn="vpc", native_id="vpc-1", account=ACCOUNT, region=REGION, cidr_blocks=("10.0.0.0/16",))


def group(group_id: str) -> SecurityGroup:
    return SecurityGroup(
        arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{group_id}",
        native_id=group_id,
        account=ACCOUNT,
        region=REGION,
        vpc_id="vpc-1",
        egress=(SgRule("egress", "udp", 53, 53, cidr_ipv4="10.200.0.53/32"),),  # on-premises DNS
    )


def eni(eni_id: str, group_id: str, description: str | None, managed: bool) -> NetworkInterface:
    return NetworkInterface(
        arn=eni_id,
        native_id=eni_id,
        account=ACCOUNT,
        region=REGION,
        vpc_id="vpc-1",
        security_group_ids=(group_id,),
        description=description,
        requester_managed=managed,
    )


def test_route53_resolver_endpoint_groups_are_exempt_unless_shared_with_workloads() -> None:
    outbound = "Route 53 Resolver: rslvr-out-0abc:rni-0def"
    resolver_only, shared, forged = group("sg-resolver"), group("sg-shared"), group("sg-forged")
    inventory = Inventory(
        [
            VPC,
            resolver_only,
            shared,
            forged,
            eni("eni-1", "sg-resolver", outbound, True),
            eni("eni-2", "sg-resolver", outbound.replace("rni-0def", "rni-1"), True),
            eni("eni-3", "sg-shared", outbound.replace("rni-0def", "rni-2"), True),
            eni("eni-4", "sg-shared", "Primary network interface", False),
            eni("eni-5", "sg-forged", outbound, False),
        ]
    )

    findings = evaluate(inventory, [all_checks()["NET-04"]], strict=True)
    status = {f.resource_id: f for f in findings}

    assert status[resolver_only.arn].status is Status.NOT_APPLICABLE
    assert "rslvr-out-0abc" in status[resolver_only.arn].message
    assert status[shared.arn].status is Status.FAIL
    assert status[forged.arn].status is Status.FAIL  # anyone can write that description
