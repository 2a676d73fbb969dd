"""RDS: DB instances and DB clusters (Aurora, Multi-AZ DB clusters).

These APIs also list Neptune and DocumentDB (engine "neptune", "docdb"); they are kept as they are
and the checks decide what applies to them. A cluster names its DB subnet group only by name, so
the region's subnet groups are listed once to give clusters their subnets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ringfence.model import DbCluster, DbInstance
from ringfence.sources.aws.context import CollectContext, CollectionStopped, tags_of
from ringfence.sources.aws.errors import gap_kind
from ringfence.sources.aws.registry import collector


@collector(
    "rds.db_instances", service="rds", iam_actions=("rds:DescribeDBInstances",), produces=(DbInstance,)
)
def collect_db_instances(ctx: CollectContext) -> Iterator[DbInstance]:
    for db in ctx.iter_pages("describe_db_instances", "DBInstances"):
        db_id = db["DBInstanceIdentifier"]
        group = db.get("DBSubnetGroup") or {}
        yield DbInstance(
            arn=db.get("DBInstanceArn") or ctx.arn("rds", f"db:{db_id}"),
            native_id=db_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(db.get("TagList")),
            engine=db.get("Engine"),
            engine_version=db.get("EngineVersion"),
            status=db.get("DBInstanceStatus"),
            storage_encrypted=_flag(db, "StorageEncrypted"),
            kms_key_id=db.get("KmsKeyId"),
            publicly_accessible=_flag(db, "PubliclyAccessible"),
            multi_az=_flag(db, "MultiAZ"),
            availability_zone=db.get("AvailabilityZone"),
            vpc_id=group.get("VpcId"),
            subnet_ids=_subnet_ids(group),
            security_group_ids=_ids(db.get("VpcSecurityGroups"), "VpcSecurityGroupId"),
            cluster_id=db.get("DBClusterIdentifier"),
            parameter_groups=_ids(db.get("DBParameterGroups"), "DBParameterGroupName"),
            ca_certificate_identifier=db.get("CACertificateIdentifier"),
            parameter_apply_status={
                str(g["DBParameterGroupName"]): str(g.get("ParameterApplyStatus", ""))
                for g in db.get("DBParameterGroups", [])
                if g.get("DBParameterGroupName")
            },
        )


@collector(
    "rds.db_clusters",
    service="rds",
    iam_actions=("rds:DescribeDBClusters", "rds:DescribeDBSubnetGroups"),
    produces=(DbCluster,),
)
def collect_db_clusters(ctx: CollectContext) -> Iterator[DbCluster]:
    groups, groups_error = _subnet_groups(ctx)
    for cluster in ctx.iter_pages("describe_db_clusters", "DBClusters"):
        cluster_id = cluster["DBClusterIdentifier"]
        group_name = cluster.get("DBSubnetGroup")
        group = groups.get(group_name or "", {})
        unresolved: dict[str, str] = {}
        if group_name and groups_error:
            unresolved = {"subnet_ids": groups_error, "vpc_id": groups_error}
        yield DbCluster(
            arn=cluster.get("DBClusterArn") or ctx.arn("rds", f"cluster:{cluster_id}"),
            native_id=cluster_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(cluster.get("TagList")),
            engine=cluster.get("Engine"),
            engine_version=cluster.get("EngineVersion"),
            status=cluster.get("Status"),
            storage_encrypted=_flag(cluster, "StorageEncrypted"),
            kms_key_id=cluster.get("KmsKeyId"),
            multi_az=_flag(cluster, "MultiAZ"),
            availability_zones=tuple(cluster.get("AvailabilityZones", [])),
            member_instance_ids=_ids(cluster.get("DBClusterMembers"), "DBInstanceIdentifier"),
            parameter_group=cluster.get("DBClusterParameterGroup"),
            subnet_ids=_subnet_ids(group),
            vpc_id=group.get("VpcId"),
            security_group_ids=_ids(cluster.get("VpcSecurityGroups"), "VpcSecurityGroupId"),
            publicly_accessible=_flag(cluster, "PubliclyAccessible"),
            engine_mode=cluster.get("EngineMode"),
            member_parameter_status={
                str(m["DBInstanceIdentifier"]): str(m.get("DBClusterParameterGroupStatus", ""))
                for m in cluster.get("DBClusterMembers", [])
                if m.get("DBInstanceIdentifier")
            },
            unresolved=unresolved,
        )


def _subnet_groups(ctx: CollectContext) -> tuple[Mapping[str, dict[str, Any]], str | None]:
    try:
        listed = ctx.paginate("describe_db_subnet_groups", "DBSubnetGroups")
    except CollectionStopped:
        gap = ctx.gaps[-1]  # recorded by paginate; the clusters are still worth reading
        return {}, f"{gap_kind(gap.error_code)}: {gap.service}:{gap.operation} ({gap.error_code})"
    return {str(g["DBSubnetGroupName"]): g for g in listed if g.get("DBSubnetGroupName")}, None


def _subnet_ids(group: Mapping[str, Any]) -> tuple[str, ...]:
    return _ids(group.get("Subnets"), "SubnetIdentifier")


def _ids(items: Iterable[Mapping[str, Any]] | None, key: str) -> tuple[str, ...]:
    return tuple(str(item[key]) for item in items or () if item.get(key))


def _flag(data: Mapping[str, Any], key: str) -> bool | None:
    value = data.get(key)
    return None if value is None else bool(value)
