"""Auto Scaling groups and ECS services: what runs a workload's capacity, and where it may run."""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind


@resource_kind
@dataclass(frozen=True, kw_only=True)
class AutoScalingGroup(Resource):
    """`native_id` is the group's name (unique per account and region)."""

    KIND = "autoscaling.group"
    RESOURCE_TYPE = "AWS::AutoScaling::AutoScalingGroup"

    group_name: str = ""
    availability_zones: tuple[str, ...] = ()  # as the group states them
    subnet_ids: tuple[str, ...] = ()  # VPCZoneIdentifier, split
    min_size: int | None = None
    max_size: int | None = None
    desired_capacity: int | None = None
    launch_template_id: str | None = None
    launch_configuration_name: str | None = None
    load_balancer_target_group_arns: tuple[str, ...] = ()
    status: str | None = None  # "Delete in progress" while being deleted


@resource_kind
@dataclass(frozen=True, kw_only=True)
class EcsService(Resource):
    """`native_id` is the service ARN: service names are only unique within a cluster."""

    KIND = "ecs.service"
    RESOURCE_TYPE = "AWS::ECS::Service"

    service_name: str = ""
    cluster_arn: str = ""
    status: str | None = None  # ACTIVE | DRAINING | INACTIVE
    launch_type: str | None = None  # EC2 | FARGATE | EXTERNAL; None with a capacity provider strategy
    capacity_providers: tuple[str, ...] = ()
    scheduling_strategy: str | None = None  # REPLICA | DAEMON
    desired_count: int | None = None
    # awsvpc network mode only (every Fargate service); other modes take the container instances' network.
    awsvpc: bool = False
    subnet_ids: tuple[str, ...] = ()
    security_group_ids: tuple[str, ...] = ()
    assign_public_ip: bool | None = None
