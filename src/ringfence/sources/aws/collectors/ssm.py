"""AWS Systems Manager: the nodes SSM manages in a region (DescribeInstanceInformation).

An EC2 instance missing from the list is not managed: it cannot be reached through Session Manager.
The list is read only where there is a running EC2 instance to judge (one DescribeInstances call
tells), so a region without instances costs SSM nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ringfence.model.ssm import ManagedInstance
from ringfence.sources.aws.context import CollectContext, CollectionStopped
from ringfence.sources.aws.registry import collector

RUNNING = [{"Name": "instance-state-name", "Values": ["running"]}]


@collector(
    "ssm.managed_instances",
    service="ssm",
    iam_actions=("ssm:DescribeInstanceInformation", "ec2:DescribeInstances"),
    produces=(ManagedInstance,),
)
def collect_managed_instances(ctx: CollectContext) -> Iterator[ManagedInstance]:
    probe = ctx.call("describe_instances", service="ec2", Filters=RUNNING, MaxResults=5)
    if probe.error:
        raise CollectionStopped("describe_instances")  # the gap is recorded
    if not probe.data.get("Reservations"):
        return
    for node in ctx.iter_pages("describe_instance_information", "InstanceInformationList"):
        node_id = str(node["InstanceId"])
        yield ManagedInstance(
            arn=ctx.arn("ssm", f"managed-instance/{node_id}"),
            native_id=node_id,
            account=ctx.account,
            region=ctx.region,
            ping_status=node.get("PingStatus"),
            resource_type=node.get("ResourceType"),
            agent_version=node.get("AgentVersion"),
            platform_type=node.get("PlatformType"),
            last_ping=_iso(node.get("LastPingDateTime")),
        )


def _iso(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return None if value is None else str(value)
