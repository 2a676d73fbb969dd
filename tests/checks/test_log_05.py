from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, LoadBalancer, Status

from support import ACCOUNT, REGION, Aws, findings_for, status_of


def test_access_logs_on_pass_off_fail(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab")
    ]
    elbv2 = aws.client("elbv2")
    arns = {}
    for name, kind, enabled in (
        ("logged", "application", "true"),
        ("silent", "application", "false"),
        ("nlb", "network", "true"),
    ):
        arn = elbv2.create_load_balancer(Name=name, Subnets=subnets, Type=kind)["LoadBalancers"][0][
            "LoadBalancerArn"
        ]
        attributes = [{"Key": "access_logs.s3.enabled", "Value": enabled}]
        if enabled == "true":
            attributes.append({"Key": "access_logs.s3.bucket", "Value": "lb-logs"})
        elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=attributes)
        arns[name] = arn

    result = aws.scan(controls=["LOG-05"])

    assert status_of(result, "LOG-05", arns["logged"]) is Status.PASS
    assert status_of(result, "LOG-05", arns["silent"]) is Status.FAIL
    assert status_of(result, "LOG-05", arns["nlb"]) is Status.PASS
    nlb = next(f for f in findings_for(result, "LOG-05") if f.resource_id == arns["nlb"])
    assert "TLS listeners" in nlb.message
    assert "lb-logs" in nlb.message


def test_unknown_attributes_and_gateway_load_balancers() -> None:
    def lb(name: str, kind: str, **kw: object) -> LoadBalancer:
        arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/{kind[:3]}/{name}/1"
        return LoadBalancer(
            arn=arn, native_id=arn, account=ACCOUNT, region=REGION, lb_name=name, lb_type=kind, **kw
        )  # type: ignore[arg-type]

    inventory = Inventory(
        [
            lb(
                "denied",
                "application",
                unresolved={"attributes": "access denied: elbv2:DescribeLoadBalancerAttributes"},
            ),
            lb("unsaid", "application", attributes={"deletion_protection.enabled": "false"}),
            lb("gwlb", "gateway"),
        ]
    )
    found = {
        f.resource_id.split("/")[-2]: f for f in evaluate(inventory, [all_checks()["LOG-05"]], strict=True)
    }
    assert found["denied"].status is Status.UNKNOWN
    assert found["unsaid"].status is Status.UNKNOWN
    assert found["gwlb"].status is Status.NOT_APPLICABLE
