"""EC2 instance types in use in a region, as ec2:DescribeInstanceTypes describes them.

Only the types of the region's instances are asked about (up to 100 per call), so a region without
instances costs one DescribeInstances listing. A type the region no longer describes (an old type
still running, a typo in a request) makes the whole batch fail with InvalidInstanceType; the
batch is then asked type by type, and a type AWS does not describe is kept with its generation
unresolved.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ringfence.model.compute import InstanceTypeInfo
from ringfence.sources.aws.collectors.ec2_network import owned
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.registry import collector

BATCH = 100  # DescribeInstanceTypes takes at most 100 types
GONE = ["terminated", "shutting-down"]
NOT_DESCRIBED = "ec2:DescribeInstanceTypes does not describe this type in the region (InvalidInstanceType)"


@collector(
    "ec2.instance_types",
    service="ec2",
    iam_actions=("ec2:DescribeInstances", "ec2:DescribeInstanceTypes"),
    produces=(InstanceTypeInfo,),
)
def collect_instance_types(ctx: CollectContext) -> Iterator[InstanceTypeInfo]:
    in_use: set[str] = set()
    for reservation in ctx.iter_pages("describe_instances", "Reservations"):
        if owned(ctx, reservation):
            in_use.update(
                str(i["InstanceType"])
                for i in reservation.get("Instances", [])
                if i.get("InstanceType") and (i.get("State") or {}).get("Name") not in GONE
            )
    names = sorted(in_use)
    for start in range(0, len(names), BATCH):
        yield from _describe(ctx, names[start : start + BATCH])


def _describe(ctx: CollectContext, names: Sequence[str]) -> Iterator[InstanceTypeInfo]:
    reply = ctx.call("describe_instance_types", absent=("InvalidInstanceType",), InstanceTypes=list(names))
    if reply.absent and len(names) > 1:
        for name in names:
            yield from _describe(ctx, [name])
        return
    if reply.absent:
        yield _info(ctx, names[0], {}, NOT_DESCRIBED)
        return
    found = {str(t["InstanceType"]): t for t in reply.data.get("InstanceTypes", []) if t.get("InstanceType")}
    for name in names:
        error = reply.error or (None if name in found else NOT_DESCRIBED)
        yield _info(ctx, name, found.get(name, {}), error)


def _info(ctx: CollectContext, name: str, data: dict[str, Any], error: str | None) -> InstanceTypeInfo:
    current = data.get("CurrentGeneration")
    return InstanceTypeInfo(
        arn=ctx.arn("ec2", f"instance-type/{name}"),
        native_id=name,
        account=ctx.account,
        region=ctx.region,
        current_generation=None if error or current is None else bool(current),
        hypervisor=data.get("Hypervisor"),
        unresolved={"current_generation": error} if error else {},
    )
