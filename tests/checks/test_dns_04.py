from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, Status, Subnet
from ringfence.model.resolver import ResolverEndpoint, ResolverIpAddress

from support import ACCOUNT, REGION, Aws, status_of


def test_endpoints_across_one_and_two_zones(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    a1, a2, b1 = (
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=f"{REGION}{zone}")["Subnet"]["SubnetId"]
        for cidr, zone in (("10.0.0.0/24", "a"), ("10.0.1.0/24", "a"), ("10.0.2.0/24", "b"))
    )
    group = ec2.create_security_group(GroupName="dns", Description="DNS", VpcId=vpc)["GroupId"]
    resolver = aws.client("route53resolver")
    spread = resolver.create_resolver_endpoint(
        CreatorRequestId="rf-in",
        SecurityGroupIds=[group],
        Direction="INBOUND",
        IpAddresses=[{"SubnetId": a1}, {"SubnetId": b1}],
        Name="inbound",
    )["ResolverEndpoint"]["Id"]
    single = resolver.create_resolver_endpoint(
        CreatorRequestId="rf-out",
        SecurityGroupIds=[group],
        Direction="OUTBOUND",
        IpAddresses=[{"SubnetId": a1}, {"SubnetId": a2}],
        Name="outbound",
    )["ResolverEndpoint"]["Id"]

    result = aws.scan(controls=["DNS-04"])

    assert status_of(result, "DNS-04", spread) is Status.PASS
    assert status_of(result, "DNS-04", single) is Status.FAIL


def test_unknown_subnets_failed_addresses_and_unreadable_addresses() -> None:
    subnet = Subnet(
        arn="s-a", native_id="subnet-a", account=ACCOUNT, region=REGION, availability_zone=f"{REGION}a"
    )

    def endpoint(name: str, *addresses: ResolverIpAddress, **kw: Any) -> ResolverEndpoint:
        return ResolverEndpoint(
            arn=f"arn:aws:route53resolver:{REGION}:{ACCOUNT}:resolver-endpoint/{name}",
            native_id=name,
            account=ACCOUNT,
            region=REGION,
            direction="INBOUND",
            ip_addresses=addresses,
            **kw,
        )

    endpoints = [
        endpoint(
            "rslvr-in-unplaced",
            ResolverIpAddress("10.0.0.4", "subnet-a"),
            ResolverIpAddress("10.0.9.4", "subnet-elsewhere"),
        ),
        endpoint(
            "rslvr-in-broken",
            ResolverIpAddress("10.0.0.4", "subnet-a", "ATTACHED"),
            ResolverIpAddress("10.0.9.4", "subnet-elsewhere", "FAILED_CREATION"),
        ),
        endpoint(
            "rslvr-in-unread",
            unresolved={
                "ip_addresses": "access denied: route53resolver:ListResolverEndpointIpAddresses (AccessDeniedException)"
            },
        ),
    ]
    found = {
        f.resource_id.rsplit("/", 1)[-1]: f.status
        for f in evaluate(Inventory([subnet, *endpoints]), [all_checks()["DNS-04"]], strict=True)
    }
    assert found == {
        "rslvr-in-unplaced": Status.UNKNOWN,
        "rslvr-in-broken": Status.FAIL,
        "rslvr-in-unread": Status.UNKNOWN,
    }
