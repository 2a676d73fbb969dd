from typing import Any

from ringfence.model import Status

from support import REGION, Aws, findings_for, status_of

PASSWORD = "not-a-real-password"  # moto only


def subnet_group(aws: Aws, name: str, *tiers: str | None) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = []
    for i, tier in enumerate(tiers):
        tags = [{"ResourceType": "subnet", "Tags": [{"Key": "Tier", "Value": tier}]}] if tier else []
        subnets.append(
            ec2.create_subnet(
                VpcId=vpc,
                CidrBlock=f"10.0.{i}.0/24",
                AvailabilityZone=f"{REGION}{'abc'[i]}",
                TagSpecifications=tags,
            )["Subnet"]["SubnetId"]
        )
    aws.client("rds").create_db_subnet_group(
        DBSubnetGroupName=name, DBSubnetGroupDescription=name, SubnetIds=subnets
    )


def instance(aws: Aws, name: str, group: str, **kw: Any) -> None:
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier=name,
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="admin_user",
        MasterUserPassword=PASSWORD,
        AllocatedStorage=20,
        DBSubnetGroupName=group,
        **kw,
    )


def test_private_instance_in_data_tier_passes_public_or_misplaced_fail(aws: Aws) -> None:
    subnet_group(aws, "data", "data", "db")
    subnet_group(aws, "mixed", "data", "private")
    instance(aws, "good", "data", PubliclyAccessible=False)
    instance(aws, "public", "data", PubliclyAccessible=True)
    instance(aws, "misplaced", "mixed", PubliclyAccessible=False)

    result = aws.scan(controls=["RDS-01"])

    assert status_of(result, "RDS-01", ":db:good") is Status.PASS
    assert status_of(result, "RDS-01", ":db:public") is Status.FAIL
    assert status_of(result, "RDS-01", ":db:misplaced") is Status.FAIL
    misplaced = next(f for f in findings_for(result, "RDS-01") if f.resource_id.endswith(":db:misplaced"))
    assert "private tier" in misplaced.message


def test_subnet_without_tier_is_unknown(aws: Aws) -> None:
    subnet_group(aws, "untagged", "data", None)
    instance(aws, "unsure", "untagged", PubliclyAccessible=False)

    result = aws.scan(controls=["RDS-01"])

    assert status_of(result, "RDS-01", ":db:unsure") is Status.UNKNOWN
    assert "no tier" in findings_for(result, "RDS-01")[0].message
