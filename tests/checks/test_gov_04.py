"""GOV-04: load balancers, Auto Scaling groups and ECS services span at least two availability zones."""

from __future__ import annotations

from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, LoadBalancer, Status, Subnet
from ringfence.model.autoscaling import AutoScalingGroup, EcsService

from support import ACCOUNT, REGION, Aws, status_of


def subnets(ec2: Any) -> tuple[str, str]:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    a, b = (
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{z}")["Subnet"][
            "SubnetId"
        ]
        for i, z in enumerate("ab")
    )
    return a, b


def test_everything_spans_two_zones(aws: Aws) -> None:
    a, b = subnets(aws.client("ec2"))
    elbv2 = aws.client("elbv2")
    two_zone_lb = elbv2.create_load_balancer(Name="two-zones", Subnets=[a, b])["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    autoscaling = aws.client("autoscaling")
    autoscaling.create_launch_configuration(
        LaunchConfigurationName="lc", ImageId="ami-12345678", InstanceType="t3.micro"
    )
    for name, zone_subnets in (("spread", f"{a},{b}"), ("one-zone", a)):
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=name,
            LaunchConfigurationName="lc",
            MinSize=0,
            MaxSize=2,
            DesiredCapacity=0,
            VPCZoneIdentifier=zone_subnets,
        )
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="apps")
    ecs.register_task_definition(
        family="api",
        networkMode="awsvpc",
        containerDefinitions=[{"name": "api", "image": "nginx", "memory": 128}],
    )
    for name, service_subnets in (("api-spread", [a, b]), ("api-one-zone", [a])):
        ecs.create_service(
            cluster="apps",
            serviceName=name,
            taskDefinition="api",
            desiredCount=0,
            launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {"subnets": service_subnets, "securityGroups": []}},
        )

    result = aws.scan(controls=["GOV-04"])

    assert status_of(result, "GOV-04", two_zone_lb) is Status.PASS
    assert status_of(result, "GOV-04", "autoScalingGroupName/spread") is Status.PASS
    assert status_of(result, "GOV-04", "autoScalingGroupName/one-zone") is Status.FAIL
    assert status_of(result, "GOV-04", "service/apps/api-spread") is Status.PASS
    assert status_of(result, "GOV-04", "service/apps/api-one-zone") is Status.FAIL
    groups = {g.native_id: g for g in result.inventory.of(AutoScalingGroup)}
    assert groups["spread"].subnet_ids == (a, b)
    services = {s.service_name: s for s in result.inventory.of(EcsService)}
    assert (services["api-one-zone"].awsvpc, services["api-one-zone"].subnet_ids) == (True, (a,))


def test_one_zone_load_balancers_and_unknown_subnets() -> None:
    def subnet(subnet_id: str, zone: str) -> Subnet:
        return Subnet(
            arn=subnet_id, native_id=subnet_id, account=ACCOUNT, region=REGION, availability_zone=zone
        )

    def lb(name: str, lb_type: str, *subnet_ids: str) -> LoadBalancer:
        return LoadBalancer(
            arn=name,
            native_id=name,
            account=ACCOUNT,
            region=REGION,
            lb_name=name,
            lb_type=lb_type,
            subnet_ids=subnet_ids,
        )

    bridge = EcsService(
        arn="svc-bridge", native_id="svc-bridge", account=ACCOUNT, region=REGION, awsvpc=False
    )
    inv = Inventory(
        [
            subnet("subnet-a", f"{REGION}a"),
            lb("nlb-one", "network", "subnet-a"),
            lb("alb-unknown", "application", "subnet-a", "subnet-gone"),
            lb("gwlb", "gateway", "subnet-a"),
            bridge,
        ]
    )
    statuses = {f.resource_id: f.status for f in evaluate(inv, [all_checks()["GOV-04"]], strict=True)}
    assert statuses == {
        "nlb-one": Status.FAIL,
        "alb-unknown": Status.UNKNOWN,
        "gwlb": Status.NOT_APPLICABLE,
        "svc-bridge": Status.UNKNOWN,
    }
