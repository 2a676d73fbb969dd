"""NET-15: private and data subnets auto-assign no public IPs and hold no interface with one."""

from __future__ import annotations

from typing import Any

from ringfence.model import Status

from support import Aws, findings_for, status_of


def subnet(ec2: Any, vpc: str, cidr: str, tier: str | None) -> str:
    tags = [{"ResourceType": "subnet", "Tags": [{"Key": "Tier", "Value": tier}]}] if tier else []
    return str(ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, TagSpecifications=tags)["Subnet"]["SubnetId"])


def test_private_and_data_subnets_hold_nothing_public(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    clean = subnet(ec2, vpc, "10.0.1.0/24", "data")
    ec2.create_network_interface(SubnetId=clean)
    auto_public = subnet(ec2, vpc, "10.0.2.0/24", "private")
    ec2.modify_subnet_attribute(SubnetId=auto_public, MapPublicIpOnLaunch={"Value": True})
    with_eip = subnet(ec2, vpc, "10.0.3.0/24", "data")
    eni = ec2.create_network_interface(SubnetId=with_eip)["NetworkInterface"]["NetworkInterfaceId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=allocation, NetworkInterfaceId=eni)
    with_instance = subnet(ec2, vpc, "10.0.4.0/24", "private")
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]
    instance = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": with_instance, "AssociatePublicIpAddress": True}],
    )["Instances"][0]["InstanceId"]
    public = subnet(ec2, vpc, "10.0.5.0/24", "public")
    ec2.modify_subnet_attribute(SubnetId=public, MapPublicIpOnLaunch={"Value": True})
    untiered = subnet(ec2, vpc, "10.0.6.0/24", None)

    result = aws.scan(controls=["NET-15"])

    assert status_of(result, "NET-15", clean) is Status.PASS
    assert status_of(result, "NET-15", auto_public) is Status.FAIL
    assert status_of(result, "NET-15", with_eip) is Status.FAIL
    assert status_of(result, "NET-15", eni) is Status.FAIL
    assert status_of(result, "NET-15", with_instance) is Status.FAIL
    assert status_of(result, "NET-15", instance) is Status.FAIL  # reported on the instance, not its ENI
    assert status_of(result, "NET-15", public) is Status.NOT_APPLICABLE
    assert status_of(result, "NET-15", untiered) is Status.UNKNOWN
    message = next(f.message for f in findings_for(result, "NET-15") if auto_public in f.resource_id)
    assert "MapPublicIpOnLaunch=true" in message
