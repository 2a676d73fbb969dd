"""EC2 Auto Scaling groups: where each group may launch instances (subnets and availability zones)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ringfence.model.autoscaling import AutoScalingGroup
from ringfence.sources.aws.context import CollectContext, tags_of
from ringfence.sources.aws.registry import collector


@collector(
    "autoscaling.groups",
    service="autoscaling",
    iam_actions=("autoscaling:DescribeAutoScalingGroups",),
    produces=(AutoScalingGroup,),
)
def collect_auto_scaling_groups(ctx: CollectContext) -> Iterator[AutoScalingGroup]:
    for group in ctx.iter_pages("describe_auto_scaling_groups", "AutoScalingGroups"):
        name = str(group["AutoScalingGroupName"])
        yield AutoScalingGroup(
            arn=group.get("AutoScalingGroupARN")
            or ctx.arn("autoscaling", f"autoScalingGroup:*:autoScalingGroupName/{name}"),
            native_id=name,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(group.get("Tags")),
            group_name=name,
            availability_zones=tuple(group.get("AvailabilityZones", [])),
            subnet_ids=tuple(
                s.strip() for s in str(group.get("VPCZoneIdentifier") or "").split(",") if s.strip()
            ),
            min_size=group.get("MinSize"),
            max_size=group.get("MaxSize"),
            desired_capacity=group.get("DesiredCapacity"),
            launch_template_id=_launch_template_id(group),
            launch_configuration_name=group.get("LaunchConfigurationName"),
            load_balancer_target_group_arns=tuple(group.get("TargetGroupARNs", [])),
            status=group.get("Status"),
        )


def _launch_template_id(group: dict[str, Any]) -> str | None:
    spec = group.get("LaunchTemplate") or (
        ((group.get("MixedInstancesPolicy") or {}).get("LaunchTemplate") or {}).get(
            "LaunchTemplateSpecification"
        )
        or {}
    )
    return spec.get("LaunchTemplateId")
