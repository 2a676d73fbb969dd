"""RDS and Aurora (DescribeDBInstances/DescribeDBClusters also list Neptune and DocumentDB, engine
"neptune" / "docdb": they are kept, and checks decide what applies to them)."""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind


@resource_kind
@dataclass(frozen=True, kw_only=True)
class DbInstance(Resource):
    KIND = "rds.db_instance"
    RESOURCE_TYPE = "AWS::RDS::DBInstance"

    engine: str | None = None
    engine_version: str | None = None
    status: str | None = None
    storage_encrypted: bool | None = None
    kms_key_id: str | None = None
    publicly_accessible: bool | None = None
    multi_az: bool | None = None
    availability_zone: str | None = None
    vpc_id: str | None = None
    subnet_ids: tuple[str, ...] = ()  # of its DB subnet group
    security_group_ids: tuple[str, ...] = ()
    cluster_id: str | None = None  # Aurora / Multi-AZ DB cluster member: storage belongs to the cluster
    parameter_groups: tuple[str, ...] = ()
    ca_certificate_identifier: str | None = None


@resource_kind
@dataclass(frozen=True, kw_only=True)
class DbCluster(Resource):
    KIND = "rds.db_cluster"
    RESOURCE_TYPE = "AWS::RDS::DBCluster"

    engine: str | None = None
    engine_version: str | None = None
    status: str | None = None
    storage_encrypted: bool | None = None
    kms_key_id: str | None = None
    multi_az: bool | None = None
    availability_zones: tuple[str, ...] = ()
    member_instance_ids: tuple[str, ...] = ()
    parameter_group: str | None = None
    subnet_ids: tuple[str, ...] = ()  # of its DB subnet group
    vpc_id: str | None = None
    security_group_ids: tuple[str, ...] = ()
    publicly_accessible: bool | None = None  # Multi-AZ DB clusters only; Aurora sets it per instance
    engine_mode: str | None = None  # provisioned | serverless | ...
