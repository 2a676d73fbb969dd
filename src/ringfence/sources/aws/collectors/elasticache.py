"""ElastiCache replication groups: encryption at rest and in transit, and their KMS key.

DescribeReplicationGroups leaves TransitEncryptionMode out for engines that predate it (before Redis
OSS 7), where transit encryption, once on, is the only way in; the model keeps it None then. Tags
come from ListTagsForResource.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.model.cache import CacheReplicationGroup
from ringfence.sources.aws.context import CollectContext, tags_of
from ringfence.sources.aws.registry import collector


@collector(
    "elasticache.replication_groups",
    service="elasticache",
    iam_actions=("elasticache:DescribeReplicationGroups", "elasticache:ListTagsForResource"),
    produces=(CacheReplicationGroup,),
)
def collect_replication_groups(ctx: CollectContext) -> Iterator[CacheReplicationGroup]:
    for group in ctx.iter_pages("describe_replication_groups", "ReplicationGroups"):
        yield _group(ctx, group)


def _group(ctx: CollectContext, group: Mapping[str, Any]) -> CacheReplicationGroup:
    group_id = str(group["ReplicationGroupId"])
    arn = str(group.get("ARN") or ctx.arn("elasticache", f"replicationgroup:{group_id}"))
    unresolved: dict[str, str] = {}
    tags = ctx.call("list_tags_for_resource", absent=("ReplicationGroupNotFoundFault",), ResourceName=arn)
    if tags.error:
        unresolved["tags"] = tags.error
    return CacheReplicationGroup(
        arn=arn,
        native_id=group_id,
        account=ctx.account,
        region=ctx.region,
        tags=tags_of(tags.data.get("TagList")),
        engine=group.get("Engine"),
        status=group.get("Status"),
        at_rest_encryption=_flag(group, "AtRestEncryptionEnabled"),
        transit_encryption=_flag(group, "TransitEncryptionEnabled"),
        transit_encryption_mode=group.get("TransitEncryptionMode"),
        kms_key_id=group.get("KmsKeyId") or None,
        auth_token_enabled=_flag(group, "AuthTokenEnabled"),
        multi_az=group.get("MultiAZ"),
        member_clusters=tuple(str(c) for c in group.get("MemberClusters", [])),
        unresolved=unresolved,
    )


def _flag(data: Mapping[str, Any], key: str) -> bool | None:
    value = data.get(key)
    return None if value is None else bool(value)
