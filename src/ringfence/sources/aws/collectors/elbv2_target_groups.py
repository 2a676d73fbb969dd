"""elbv2 target groups with their registered targets (an IP target is how a load balancer fronts a
VPC endpoint, e.g. the execute-api endpoint of private APIs)."""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.model.elb import TargetDescription, TargetGroup
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.registry import collector


@collector(
    "elbv2.target_groups",
    service="elbv2",
    iam_actions=("elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"),
    produces=(TargetGroup,),
)
def collect_target_groups(ctx: CollectContext) -> Iterator[TargetGroup]:
    for group in ctx.iter_pages("describe_target_groups", "TargetGroups"):
        arn = str(group["TargetGroupArn"])
        health = ctx.call("describe_target_health", absent=("TargetGroupNotFound",), TargetGroupArn=arn)
        if health.absent:
            continue
        targets = []
        for item in health.data.get("TargetHealthDescriptions", []):
            target = item.get("Target") or {}
            if target.get("Id"):
                targets.append(
                    TargetDescription(
                        target_id=str(target["Id"]),
                        port=target.get("Port"),
                        availability_zone=target.get("AvailabilityZone"),
                        health=(item.get("TargetHealth") or {}).get("State"),
                    )
                )
        yield TargetGroup(
            arn=arn,
            native_id=arn,
            account=ctx.account,
            region=ctx.region,
            group_name=str(group.get("TargetGroupName", "")),
            target_type=group.get("TargetType"),
            protocol=group.get("Protocol"),
            port=group.get("Port"),
            vpc_id=group.get("VpcId"),
            load_balancer_arns=tuple(group.get("LoadBalancerArns") or ()),
            targets=tuple(targets),
            unresolved={"targets": health.error} if health.error else {},
        )
