"""NET-09: VPCs with private or data subnets reach S3 through a gateway endpoint on all their route tables."""

from __future__ import annotations

from typing import Any

from ringfence.model import Status

from support import REGION, Aws, findings_for, status_of

S3 = f"com.amazonaws.{REGION}.s3"


def vpc_with(ec2: Any, second_octet: int, *tiers: str | None) -> tuple[str, list[str]]:
    vpc = ec2.create_vpc(CidrBlock=f"10.{second_octet}.0.0/16")["Vpc"]["VpcId"]
    subnets = []
    for index, tier in enumerate(tiers):
        tags = [{"ResourceType": "subnet", "Tags": [{"Key": "Tier", "Value": tier}]}] if tier else []
        subnets.append(
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{second_octet}.{index}.0/24", TagSpecifications=tags)[
                "Subnet"
            ]["SubnetId"]
        )
    return vpc, subnets


def own_table(ec2: Any, vpc: str, subnet_id: str) -> str:
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet_id)
    return str(table)


def main_table(ec2: Any, vpc: str) -> str:
    filters = [{"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}]
    return str(ec2.describe_route_tables(Filters=filters)["RouteTables"][0]["RouteTableId"])


def s3_endpoint(ec2: Any, vpc: str, *tables: str) -> None:
    ec2.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Gateway", ServiceName=S3, RouteTableIds=list(tables))


def test_private_and_data_route_tables_carry_the_s3_gateway_endpoint(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    good, (private, _data, _public) = vpc_with(ec2, 1, "private", "data", "public")
    s3_endpoint(ec2, good, own_table(ec2, good, private), main_table(ec2, good))  # data uses the main table
    none, _ = vpc_with(ec2, 2, "private")
    partial, (data_a, data_b) = vpc_with(ec2, 3, "data", "data")
    s3_endpoint(ec2, partial, own_table(ec2, partial, data_a))
    missed = own_table(ec2, partial, data_b)
    public_only, _ = vpc_with(ec2, 4, "public")
    untiered, _ = vpc_with(ec2, 5, None)

    result = aws.scan(controls=["NET-09"])

    assert status_of(result, "NET-09", good) is Status.PASS
    assert status_of(result, "NET-09", none) is Status.FAIL
    assert status_of(result, "NET-09", partial) is Status.FAIL
    assert status_of(result, "NET-09", public_only) is Status.NOT_APPLICABLE
    assert status_of(result, "NET-09", untiered) is Status.UNKNOWN
    message = next(f.message for f in findings_for(result, "NET-09") if partial in f.resource_id)
    assert f"route table {missed}" in message
