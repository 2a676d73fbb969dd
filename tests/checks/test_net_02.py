"""NET-02: only internet-facing load balancers admit the whole internet, and only on 80 and 443."""

from __future__ import annotations

from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, LoadBalancer, NetworkInterface, SecurityGroup, SgRule, Status

from support import ACCOUNT, REGION, Aws, findings_for, status_of


def group(ec2: Any, vpc: str, name: str, *ingress: tuple[int, int]) -> str:
    sg = str(ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"])
    if ingress:
        ec2.authorize_security_group_ingress(
            GroupId=sg,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": low, "ToPort": high, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
                for low, high in ingress
            ],
        )
    return sg


def test_only_internet_facing_load_balancers_admit_the_internet(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    elbv2 = aws.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{z}")["Subnet"][
            "SubnetId"
        ]
        for i, z in enumerate("ab")
    ]
    web = group(ec2, vpc, "web", (443, 443), (80, 80))
    web_range = group(ec2, vpc, "web-range", (80, 443))
    internal = group(ec2, vpc, "internal-alb", (443, 443))
    elbv2.create_load_balancer(
        Name="public-alb", Subnets=subnets, SecurityGroups=[web], Scheme="internet-facing"
    )
    elbv2.create_load_balancer(
        Name="range-alb", Subnets=subnets, SecurityGroups=[web_range], Scheme="internet-facing"
    )
    elbv2.create_load_balancer(
        Name="inner-alb", Subnets=subnets, SecurityGroups=[internal], Scheme="internal"
    )
    on_instance = group(ec2, vpc, "on-instance", (443, 443))
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]
    ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        SubnetId=subnets[0],
        SecurityGroupIds=[on_instance],
    )
    unattached = group(ec2, vpc, "unattached", (443, 443))
    closed = group(ec2, vpc, "closed")

    result = aws.scan(controls=["NET-02"])

    assert status_of(result, "NET-02", web) is Status.PASS
    assert status_of(result, "NET-02", web_range) is Status.FAIL
    assert status_of(result, "NET-02", internal) is Status.FAIL
    assert status_of(result, "NET-02", on_instance) is Status.FAIL
    assert status_of(result, "NET-02", unattached) is Status.FAIL
    assert status_of(result, "NET-02", closed) is Status.PASS
    messages = {f.resource_id: f.message for f in findings_for(result, "NET-02")}
    assert "beyond ports 80 and 443: ingress tcp/80-443 from 0.0.0.0/0" in next(
        m for r, m in messages.items() if web_range in r
    )
    assert "attached to more than load balancers: instance i-" in next(
        m for r, m in messages.items() if on_instance in r
    )


# --- load balancer interfaces (moto creates none for its load balancers) -----------------------

LB_ARN = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/shop/50dc6c495c0c9188"


def sg(group_id: str) -> SecurityGroup:
    rule = SgRule(direction="ingress", protocol="tcp", from_port=443, to_port=443, cidr_ipv4="0.0.0.0/0")
    return SecurityGroup(arn=group_id, native_id=group_id, account=ACCOUNT, region=REGION, ingress=(rule,))


def eni(eni_id: str, group_id: str, description: str, managed: bool = True) -> NetworkInterface:
    return NetworkInterface(
        arn=eni_id,
        native_id=eni_id,
        account=ACCOUNT,
        region=REGION,
        security_group_ids=(group_id,),
        requester_managed=managed,
        requester_id="amazon-elb",
        description=description,
    )


def test_load_balancer_interfaces_count_as_the_load_balancer() -> None:
    shop = LoadBalancer(
        arn=LB_ARN, native_id=LB_ARN, account=ACCOUNT, region=REGION, lb_name="shop", scheme="internet-facing"
    )
    inv = Inventory(
        [
            shop,
            sg("sg-alb"),
            eni("eni-alb-a", "sg-alb", "ELB app/shop/50dc6c495c0c9188"),
            eni("eni-alb-b", "sg-alb", "ELB app/shop/50dc6c495c0c9188"),
            sg("sg-forged"),
            eni("eni-forged", "sg-forged", "ELB app/shop/50dc6c495c0c9188", managed=False),
            sg("sg-gone"),
            eni("eni-gone", "sg-gone", "ELB app/deleted/0000000000000000"),
        ]
    )
    statuses = {f.resource_id: f.status for f in evaluate(inv, [all_checks()["NET-02"]], strict=True)}
    assert statuses == {"sg-alb": Status.PASS, "sg-forged": Status.FAIL, "sg-gone": Status.UNKNOWN}
