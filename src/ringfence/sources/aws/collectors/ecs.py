"""Amazon ECS services of every cluster, with their awsvpc subnets.

ListClusters, then ListServices per cluster, then DescribeServices in batches of ten (with tags).
Services being deleted (DRAINING) or gone (INACTIVE) are left out. A batch that cannot be described
stops the collector: the services it held would be missing, and the listing is then incomplete.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ringfence.model.autoscaling import EcsService
from ringfence.sources.aws.context import CollectContext, CollectionStopped
from ringfence.sources.aws.registry import collector

BATCH = 10  # DescribeServices takes at most 10 services


@collector(
    "ecs.services",
    service="ecs",
    iam_actions=("ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices"),
    produces=(EcsService,),
)
def collect_services(ctx: CollectContext) -> Iterator[EcsService]:
    for cluster in ctx.paginate("list_clusters", "clusterArns"):
        arns = ctx.paginate("list_services", "serviceArns", cluster=cluster)
        for start in range(0, len(arns), BATCH):
            yield from _describe(ctx, str(cluster), arns[start : start + BATCH])


def _describe(ctx: CollectContext, cluster: str, arns: Sequence[Any]) -> Iterator[EcsService]:
    reply = ctx.call("describe_services", cluster=cluster, services=list(arns), include=["TAGS"])
    if reply.error:
        raise CollectionStopped("describe_services")
    for svc in reply.data.get("services", []):
        if str(svc.get("status", "ACTIVE")).upper() != "ACTIVE":
            continue
        vpc = (svc.get("networkConfiguration") or {}).get("awsvpcConfiguration")
        public = (vpc or {}).get("assignPublicIp")
        arn = str(svc["serviceArn"])
        yield EcsService(
            arn=arn,
            native_id=arn,
            account=ctx.account,
            region=ctx.region,
            tags={str(t["key"]): str(t.get("value", "")) for t in svc.get("tags", []) if t.get("key")},
            service_name=str(svc.get("serviceName", "")),
            cluster_arn=str(svc.get("clusterArn") or cluster),
            status=svc.get("status"),
            launch_type=svc.get("launchType"),
            capacity_providers=tuple(
                str(p["capacityProvider"])
                for p in svc.get("capacityProviderStrategy", [])
                if p.get("capacityProvider")
            ),
            scheduling_strategy=svc.get("schedulingStrategy"),
            desired_count=svc.get("desiredCount"),
            awsvpc=vpc is not None,
            subnet_ids=tuple((vpc or {}).get("subnets", [])),
            security_group_ids=tuple((vpc or {}).get("securityGroups", [])),
            assign_public_ip=None if public is None else public == "ENABLED",
        )
