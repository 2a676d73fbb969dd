"""RDS and Aurora (DescribeDBInstances/DescribeDBClusters also list Neptune and DocumentDB, engine
"neptune" / "docdb": they are kept, and checks decide what applies to them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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
    # DBParameterGroups[].ParameterApplyStatus by group name: in-sync | pending-reboot | applying
    parameter_apply_status: Mapping[str, str] = field(default_factory=dict)


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
    # DBClusterMembers[].DBClusterParameterGroupStatus by member instance id (pending-reboot: the
    # cluster parameter group's latest values are not in effect on that member yet)
    member_parameter_status: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DbParameter:
    name: str
    value: str | None = None
    source: str | None = None  # user | system | engine-default
    apply_type: str | None = None  # static | dynamic
    apply_method: str | None = None  # immediate | pending-reboot


@resource_kind
@dataclass(frozen=True, kw_only=True)
class DbParameterGroup(Resource):
    """A DB parameter group; `native_id` is its name. Only the parameters the checks read are kept:
    `parameters` holds those the group sets (Source user or system), `engine_defaults` the family's
    defaults for them (DescribeEngineDefaultParameters), which apply where the group sets nothing."""

    KIND = "rds.db_parameter_group"
    RESOURCE_TYPE = "AWS::RDS::DBParameterGroup"

    family: str | None = None
    parameters: Mapping[str, DbParameter] = field(default_factory=dict)
    engine_defaults: Mapping[str, DbParameter] = field(default_factory=dict)

    def effective(self, name: str) -> DbParameter | None:
        return self.parameters.get(name) or self.engine_defaults.get(name)


@resource_kind
@dataclass(frozen=True, kw_only=True)
class DbClusterParameterGroup(DbParameterGroup):
    KIND = "rds.db_cluster_parameter_group"
    RESOURCE_TYPE = "AWS::RDS::DBClusterParameterGroup"


@resource_kind
@dataclass(frozen=True, kw_only=True)
class RdsCertificateAuthority(Resource):
    """A CA that RDS offers for DB server certificates (rds:DescribeCertificates). It is AWS's, not the
    account's: `region` is "" (so it never makes a region "in use") and `listed_in` the region whose
    list holds it; `native_id` is LISTED_IN/IDENTIFIER (see `id_for`). Not a CloudFormation resource."""

    KIND = "rds.certificate_authority"
    RESOURCE_TYPE = "AWS::RDS::CertificateAuthority"

    identifier: str = ""  # rds-ca-rsa2048-g1 ...
    listed_in: str = ""
    certificate_type: str | None = None
    valid_from: str | None = None  # ISO 8601 UTC
    valid_till: str | None = None
    customer_override: bool | None = None
    customer_override_valid_till: str | None = None

    @staticmethod
    def id_for(region: str, identifier: str) -> str:
        return f"{region}/{identifier}"
