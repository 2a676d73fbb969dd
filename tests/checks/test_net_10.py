"""NET-10: VPCs with a data tier have interface endpoints with private DNS in two AZs for the required services."""

from __future__ import annotations

from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, Status, Subnet, Vpc, VpcEndpoint
from ringfence.scanner import ScanOptions, scan

from support import ACCOUNT, REGION, Aws, findings_for, status_of

REQUIRED = ("ssm", "ssmmessages", "ec2messages", "kms", "logs", "monitoring", "sts")


def vpc_with(ec2: Any, second_octet: int, tier: str) -> tuple[str, list[str]]:
    vpc = ec2.create_vpc(CidrBlock=f"10.{second_octet}.0.0/16")["Vpc"]["VpcId"]
    tags = [{"ResourceType": "subnet", "Tags": [{"Key": "Tier", "Value": tier}]}]
    subnets = [
        ec2.create_subnet(
            VpcId=vpc,
            CidrBlock=f"10.{second_octet}.{i}.0/24",
            AvailabilityZone=f"{REGION}{zone}",
            TagSpecifications=tags,
        )["Subnet"]["SubnetId"]
        for i, zone in enumerate("ab")
    ]
    return vpc, subnets


def endpoint(ec2: Any, vpc: str, service: str, subnets: list[str], private_dns: bool = True) -> None:
    ec2.create_vpc_endpoint(
        VpcId=vpc,
        VpcEndpointType="Interface",
        ServiceName=f"com.amazonaws.{REGION}.{service}",
        SubnetIds=subnets,
        PrivateDnsEnabled=private_dns,
    )


def test_data_tier_vpcs_have_the_required_interface_endpoints(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    good, subnets = vpc_with(ec2, 1, "data")
    for service in REQUIRED:
        endpoint(ec2, good, service, subnets)
    lacking, subnets = vpc_with(ec2, 2, "data")
    endpoint(ec2, lacking, "ssm", subnets[:1])
    endpoint(ec2, lacking, "kms", subnets, private_dns=False)
    private, _ = vpc_with(ec2, 3, "private")

    result = aws.scan(controls=["NET-10"])

    assert status_of(result, "NET-10", good) is Status.PASS
    assert status_of(result, "NET-10", lacking) is Status.FAIL
    assert status_of(result, "NET-10", private) is Status.NOT_APPLICABLE
    message = next(f.message for f in findings_for(result, "NET-10") if lacking in f.resource_id)
    assert "ssm: vpce-" in message
    assert "is in one availability zone" in message
    assert "has private DNS off" in message
    assert "sts: no interface endpoint" in message

    # The list is the user's: with only ssm and kms required, the first VPC's extras do not matter.
    params = {"NET-10": {"required_endpoints": ["kms"]}}
    narrowed = scan(ScanOptions(aws=aws.options(), regions=[REGION], controls=["NET-10"], params=params))
    assert status_of(narrowed, "NET-10", good) is Status.PASS
    assert status_of(narrowed, "NET-10", lacking) is Status.FAIL


def test_short_names_with_dots_and_unknown_zones() -> None:
    def subnet(subnet_id: str, zone: str | None, tier: str = "data") -> Subnet:
        return Subnet(
            arn=subnet_id,
            native_id=subnet_id,
            account=ACCOUNT,
            region=REGION,
            vpc_id="vpc-1",
            availability_zone=zone,
            tags={"Tier": tier},
        )

    def endpoint(endpoint_id: str, service: str, *subnets: str) -> VpcEndpoint:
        return VpcEndpoint(
            arn=endpoint_id,
            native_id=endpoint_id,
            account=ACCOUNT,
            region=REGION,
            vpc_id="vpc-1",
            endpoint_type="Interface",
            service_name=f"com.amazonaws.{REGION}.{service}",
            subnet_ids=subnets,
            private_dns_enabled=True,
        )

    vpc = Vpc(arn="vpc-1", native_id="vpc-1", account=ACCOUNT, region=REGION)
    base = [vpc, subnet("subnet-a", f"{REGION}a"), subnet("subnet-b", f"{REGION}b")]
    check = [all_checks()["NET-10"]]
    ecr = endpoint("vpce-ecr", "ecr.api", "subnet-a", "subnet-b")
    (passing,) = evaluate(
        Inventory([*base, ecr]), check, strict=True, params={"NET-10": {"required_endpoints": ["ecr.api"]}}
    )
    assert passing.status is Status.PASS
    half_known = endpoint("vpce-kms", "kms", "subnet-a", "subnet-gone")
    (undecided,) = evaluate(
        Inventory([*base, half_known]), check, strict=True, params={"NET-10": {"required_endpoints": ["kms"]}}
    )
    assert undecided.status is Status.UNKNOWN
    assert "subnet-gone" in undecided.message
