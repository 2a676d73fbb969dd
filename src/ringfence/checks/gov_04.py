"""GOV-04: load balancers, auto scaling groups and ECS services span at least two AZs.

- ALB and NLB: the availability zones of the load balancer (its subnets). Gateway and Classic Load
  Balancers are not in the criterion: NOT_APPLICABLE.
- Auto Scaling groups: the zones of the subnets in VPCZoneIdentifier (where the group can launch),
  or its AvailabilityZones when it names no subnets. Groups being deleted are left out.
- ECS services: the zones of their awsvpc subnets. A service on bridge or host networking runs on
  the cluster's container instances, whose placement its Auto Scaling group shows: UNKNOWN here.

A subnet that is not in the inventory leaves its zone unknown: UNKNOWN unless the known zones
already number two.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Inventory, LoadBalancer, Remediation, Resource, Severity, Subnet
from ringfence.model.autoscaling import AutoScalingGroup, EcsService

META = CheckMeta(
    id="GOV-04",
    title="Load balancers, auto scaling groups and ECS services span at least two AZs",
    severity=Severity.MEDIUM,
    rationale=(
        "A workload confined to one availability zone goes down with it; spreading load balancers, "
        "instances and tasks over two or more zones is what lets AWS's zone isolation protect it."
    ),
    remediation=Remediation(
        text="Add subnets of a second availability zone to the load balancer, Auto Scaling group or ECS service.",
        cli=(
            "aws elbv2 set-subnets --load-balancer-arn LB_ARN --subnets SUBNET_A SUBNET_B\n"
            'aws autoscaling update-auto-scaling-group --auto-scaling-group-name ASG --vpc-zone-identifier "SUBNET_A,SUBNET_B"\n'
            "aws ecs update-service --cluster CLUSTER --service SERVICE --network-configuration "
            "'awsvpcConfiguration={subnets=[SUBNET_A,SUBNET_B],securityGroups=[SG_ID]}'"
        ),
        cloudformation=(
            "Type: AWS::AutoScaling::AutoScalingGroup\nProperties:\n"
            "  VPCZoneIdentifier: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]"
        ),
        terraform=(
            'resource "aws_autoscaling_group" "app" {\n'
            "  vpc_zone_identifier = [aws_subnet.private_a.id, aws_subnet.private_b.id]\n}"
        ),
    ),
    modes=("live",),
    resource_types=(LoadBalancer.KIND, AutoScalingGroup.KIND, EcsService.KIND, Subnet.KIND),
    frameworks=Mapping_(fsbp=("ELB.13", "AutoScaling.2")),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    for lb in inv.of(LoadBalancer):
        if lb.lb_type not in ("application", "network"):
            yield not_applicable(
                lb,
                f"{lb.lb_type} load balancer: the criterion covers ALB and NLB",
                resource_type=lb.resource_type,
            )
            continue
        if lb.availability_zones:  # DescribeLoadBalancers names each zone with its subnet
            zones, missing = set(lb.availability_zones), list[str]()
        else:
            zones, missing = _zones(inv, lb, lb.subnet_ids)
        yield _judge(lb, f"{lb.lb_type} load balancer {lb.display_name}", zones, missing)
    for group in inv.of(AutoScalingGroup):
        if (group.status or "").lower().startswith("delete"):
            continue
        if group.subnet_ids:
            zones, missing = _zones(inv, group, group.subnet_ids)
        else:
            zones, missing = set(group.availability_zones), []
        yield _judge(group, f"Auto Scaling group {group.display_name}", zones, missing)
    for service in inv.of(EcsService):
        name = f"ECS service {service.service_name or service.native_id}"
        if not service.awsvpc:
            yield unknown(
                service,
                f"{name} does not use awsvpc networking: its tasks run where the cluster's container "
                "instances are (judge their Auto Scaling group)",
            )
            continue
        zones, missing = _zones(inv, service, service.subnet_ids)
        yield _judge(service, name, zones, missing)


def _zones(inv: Inventory, owner: Resource, subnet_ids: Sequence[str]) -> tuple[set[str], list[str]]:
    zones: set[str] = set()
    missing: list[str] = []
    for subnet_id in subnet_ids:
        subnet = inv.get(Subnet, owner.account, owner.region, subnet_id)
        if subnet is None or not subnet.availability_zone:
            missing.append(subnet_id)
        else:
            zones.add(subnet.availability_zone)
    return zones, missing


def _judge(resource: Resource, name: str, zones: set[str], missing: Sequence[str]) -> Outcome:
    kw = {"resource_type": resource.resource_type} if isinstance(resource, LoadBalancer) else {}
    listed = ", ".join(sorted(zones)) or "none"
    if len(zones) >= 2:
        return passed(resource, f"{name} spans {len(zones)} availability zones ({listed})", **kw)
    if missing:
        return unknown(
            resource,
            f"{name}: zones known so far {listed}; subnets {', '.join(missing)} are not in the inventory",
            **kw,
        )
    return failed(resource, f"{name} runs in {len(zones)} availability zone(s) ({listed})", **kw)
