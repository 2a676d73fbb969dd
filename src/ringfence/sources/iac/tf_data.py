"""Terraform databases, keys and audit -> model: aws_db_instance, aws_rds_cluster,
aws_rds_cluster_instance (with aws_db_subnet_group), aws_kms_key/aws_kms_external_key (with
aws_kms_alias) and aws_cloudtrail.

Provider defaults: storage_encrypted false (an Aurora Serverless v1 cluster is encrypted),
publicly_accessible false (the provider sends it), enable_key_rotation false, is_enabled true,
enable_logging true, is_multi_region_trail and enable_log_file_validation false.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.model import DbCluster, DbInstance, KmsKey, Resource, Trail
from ringfence.sources.iac.terraform import (
    Plan,
    TfFields,
    TfResource,
    address_or,
    kms_key_ref,
    tf_joins,
    tf_maps,
)
from ringfence.sources.iac.values import Unknown

CLUSTERS = ("aws_rds_cluster",)
SUBNET_GROUPS = ("aws_db_subnet_group",)
SUBNETS = ("aws_subnet", "aws_default_subnet")
KEYS = ("aws_kms_key", "aws_kms_external_key", "aws_kms_replica_key")
GROUPS = ("aws_security_group", "aws_default_security_group")


def _subnets(f: TfFields, r: TfResource, plan: Plan) -> tuple[str, ...]:
    if not r.configured("db_subnet_group_name") and not r.after.get("db_subnet_group_name"):
        return ()
    group = plan.target(r, ("db_subnet_group_name",), SUBNET_GROUPS)
    if group is None:
        f.unresolved["subnet_ids"] = (
            f"DB subnet group {r.after.get('db_subnet_group_name') or '?'} is not in this plan"
        )
        return ()
    known = group[0].get("subnet_ids")
    if isinstance(known, list) and all(isinstance(s, str) for s in known):
        return tuple(address_or(s, plan, SUBNETS) or s for s in known)
    return tuple(t.address for t, _ in plan.targets(group[0], ("subnet_ids",), SUBNETS))


def _encrypted(f: TfFields, r: TfResource, sources: tuple[str, ...], unset: bool) -> bool | None:
    for key in sources:
        source = r.after.get(key)
        if isinstance(source, str) and source:
            f.unresolved["storage_encrypted"] = (
                f"{key} {source}: the storage encryption is inherited from it, which the files do not say"
            )
            return None
    return f.boolean(("storage_encrypted",), "storage_encrypted", unset)


def _groups(r: TfResource, plan: Plan) -> tuple[str, ...]:
    value = r.get("vpc_security_group_ids")
    if isinstance(value, list):
        return tuple(address_or(g, plan, GROUPS) or g for g in value if isinstance(g, str))
    return tuple(t.address for t, _ in plan.targets(r, ("vpc_security_group_ids",), GROUPS))


@tf_maps("aws_db_instance", "aws_rds_cluster_instance")
def db_instance(r: TfResource, plan: Plan) -> Iterator[Resource]:
    f = TfFields(r, plan)
    member = r.type == "aws_rds_cluster_instance"
    cluster = plan.target(r, ("cluster_identifier",), CLUSTERS) if member else None
    encrypted = None if member else _encrypted(f, r, ("replicate_source_db", "snapshot_identifier"), False)
    subnets = _subnets(f, r, plan)
    if not subnets and cluster is not None:
        subnets = _subnets(f, cluster[0], plan)
    yield DbInstance(
        **f.base(
            engine=str(r.after.get("engine") or "").lower() or None,
            storage_encrypted=encrypted,
            kms_key_id=kms_key_ref(f, r, plan, ("kms_key_id",)),
            publicly_accessible=f.boolean(("publicly_accessible",), "publicly_accessible", False),
            multi_az=f.boolean(("multi_az",), "multi_az", False),
            subnet_ids=subnets,
            security_group_ids=_groups(r, plan),
            cluster_id=cluster[0].address
            if cluster
            else (str(r.after.get("cluster_identifier")) if member else None),
        )
    )


@tf_maps(*CLUSTERS)
def db_cluster(r: TfResource, plan: Plan) -> Iterator[Resource]:
    f = TfFields(r, plan)
    mode = str(r.after.get("engine_mode") or "provisioned").lower()
    yield DbCluster(
        **f.base(
            engine=str(r.after.get("engine") or "").lower() or None,
            engine_mode=mode,
            storage_encrypted=_encrypted(
                f, r, ("snapshot_identifier", "replication_source_identifier"), mode == "serverless"
            ),
            kms_key_id=kms_key_ref(f, r, plan, ("kms_key_id",)),
            subnet_ids=_subnets(f, r, plan),
            security_group_ids=_groups(r, plan),
        )
    )


@tf_joins("aws_kms_alias")
def key_alias(r: TfResource, plan: Plan) -> None:
    key = plan.target(r, ("target_key_id",), KEYS)
    name = r.after.get("name")
    if key is not None and isinstance(name, str):
        plan.file_for("key-alias", key[0].address, name)


@tf_maps(*KEYS)
def kms_key(r: TfResource, plan: Plan) -> Iterator[Resource]:
    f = TfFields(r, plan)
    external = r.type == "aws_kms_external_key"
    replica = r.type == "aws_kms_replica_key"
    enabled = f.boolean(("enabled" if external or replica else "is_enabled",), "key_state", True)
    policy = r.get("policy")
    if isinstance(policy, Unknown):
        if r.configured("policy"):
            f.unresolved["policy"] = f"{r.address}.policy is known only after apply"
        policy = None
    if replica:
        f.unresolved["rotation_enabled"] = "a replica key rotates with its primary key"
    yield KmsKey(
        **f.base(
            key_manager="CUSTOMER",
            key_spec=str(r.after.get("customer_master_key_spec") or "SYMMETRIC_DEFAULT").upper(),
            key_usage=str(r.after.get("key_usage") or "ENCRYPT_DECRYPT").upper(),
            key_state=None if enabled is None else "Enabled" if enabled else "Disabled",
            origin="EXTERNAL" if external else "AWS_KMS",
            custom_key_store_id=r.after.get("custom_key_store_id") or None,
            rotation_enabled=None
            if replica or external
            else f.boolean(("enable_key_rotation",), "rotation_enabled", False),
            rotation_period_days=r.after.get("rotation_period_in_days")
            if isinstance(r.after.get("rotation_period_in_days"), int)
            else None,
            aliases=tuple(plan.take("key-alias", r.address)),
            policy=policy if isinstance(policy, str) and policy else None,
            multi_region=bool(r.after.get("multi_region")) or replica,
        )
    )


@tf_maps("aws_cloudtrail")
def trail(r: TfResource, plan: Plan) -> Iterator[Resource]:
    f = TfFields(r, plan)
    yield Trail(
        **f.base(
            trail_name=str(r.after.get("name") or r.address),
            home_region=plan.region or None,
            multi_region=f.boolean(("is_multi_region_trail",), "multi_region", False),
            organization_trail=f.boolean(("is_organization_trail",), "organization_trail", False),
            is_logging=f.boolean(("enable_logging",), "is_logging", True),
            log_file_validation=f.boolean(("enable_log_file_validation",), "log_file_validation", False),
            kms_key_id=kms_key_ref(f, r, plan, ("kms_key_id",)),
            s3_bucket=r.after.get("s3_bucket_name")
            if isinstance(r.after.get("s3_bucket_name"), str)
            else None,
            include_global_service_events=f.boolean(
                ("include_global_service_events",), "include_global_service_events", True
            ),
        )
    )
