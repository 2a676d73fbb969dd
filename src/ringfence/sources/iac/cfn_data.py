"""CloudFormation databases, keys and audit -> model: RDS instances and clusters (with their DB
subnet groups joined), KMS keys (with their aliases) and CloudTrail trails.

Defaults are CloudFormation's: StorageEncrypted false (an Aurora Serverless v1 cluster is always
encrypted; a database restored from a snapshot or made as a replica inherits the source's
encryption), a key symmetric, enabled and not rotating, a trail single-region without log file
validation. PubliclyAccessible left out is recorded as None: RDS then decides by the VPC (public
when it has an internet gateway), which is for the check to work out.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.model import DbCluster, DbInstance, KmsKey, Resource, Trail
from ringfence.sources.iac import values as v
from ringfence.sources.iac.cloudformation import (
    Declared,
    Fields,
    Unit,
    ident,
    idents,
    joins,
    maps,
    policy_text,
)

INSTANCE = "AWS::RDS::DBInstance"
CLUSTER = "AWS::RDS::DBCluster"
SUBNET_GROUP = "AWS::RDS::DBSubnetGroup"
KEY = "AWS::KMS::Key"


def _subnets(f: Fields, unit: Unit, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    group = unit.find(value, (SUBNET_GROUP,), "DBSubnetGroupName")
    if group is None:
        f.unresolved["subnet_ids"] = f"DB subnet group {v.display(value)} is not declared in these files"
        return ()
    return idents(group.get("SubnetIds"))


def _inherited(f: Fields, d: Declared, unit: Unit, sources: tuple[str, ...]) -> bool:
    """Note when storage encryption comes from a snapshot or source database; True if it does."""
    for prop in sources:
        source = d.get(prop)
        if source is None:
            continue
        replica_of = unit.find(source, (INSTANCE,), "DBInstanceIdentifier")
        if replica_of is not None and prop == "SourceDBInstanceIdentifier":
            return False  # judged from the source below
        f.unresolved["storage_encrypted"] = (
            f"{prop} {v.display(source)}: the storage encryption is inherited from it, which the files do not say"
        )
        return True
    return False


@maps(INSTANCE)
def db_instance(d: Declared, unit: Unit) -> Iterator[Resource]:
    f = Fields(d, unit)
    cluster = unit.find(d.get("DBClusterIdentifier"), (CLUSTER,), "DBClusterIdentifier")
    cluster_id = cluster.qid if cluster else ident(d.get("DBClusterIdentifier"))
    encrypted: bool | None = None
    if not _inherited(
        f, d, unit, ("DBSnapshotIdentifier", "SourceDBInstanceIdentifier", "SourceDBClusterIdentifier")
    ):
        source = unit.find(d.get("SourceDBInstanceIdentifier"), (INSTANCE,), "DBInstanceIdentifier")
        prop = source.get("StorageEncrypted") if source is not None else d.get("StorageEncrypted")
        encrypted = f.boolean(prop, "storage_encrypted", "StorageEncrypted", False)
    subnet_group = d.get("DBSubnetGroupName")
    if subnet_group is None and cluster is not None:
        subnet_group = cluster.get("DBSubnetGroupName")
    yield DbInstance(
        **f.base(
            engine=(v.scalar_text(d.get("Engine")) or "").lower() or None,
            engine_version=v.scalar_text(d.get("EngineVersion")),
            storage_encrypted=encrypted,
            kms_key_id=ident(d.get("KmsKeyId")),
            publicly_accessible=f.boolean(
                d.get("PubliclyAccessible"), "publicly_accessible", "PubliclyAccessible"
            ),
            multi_az=f.boolean(d.get("MultiAZ"), "multi_az", "MultiAZ", False),
            availability_zone=v.display(d.get("AvailabilityZone")),
            subnet_ids=_subnets(f, unit, subnet_group),
            security_group_ids=idents(d.get("VPCSecurityGroups")),
            cluster_id=cluster_id,
            ca_certificate_identifier=v.scalar_text(d.get("CACertificateIdentifier")),
        )
    )


@maps(CLUSTER)
def db_cluster(d: Declared, unit: Unit) -> Iterator[Resource]:
    f = Fields(d, unit)
    mode = (v.scalar_text(d.get("EngineMode")) or "provisioned").lower()
    encrypted: bool | None = None
    if not _inherited(f, d, unit, ("SnapshotIdentifier", "SourceDBClusterIdentifier")):
        encrypted = f.boolean(
            d.get("StorageEncrypted"), "storage_encrypted", "StorageEncrypted", mode == "serverless"
        )
    yield DbCluster(
        **f.base(
            engine=(v.scalar_text(d.get("Engine")) or "").lower() or None,
            engine_version=v.scalar_text(d.get("EngineVersion")),
            engine_mode=mode,
            storage_encrypted=encrypted,
            kms_key_id=ident(d.get("KmsKeyId")),
            subnet_ids=_subnets(f, unit, d.get("DBSubnetGroupName")),
            security_group_ids=idents(d.get("VpcSecurityGroupIds")),
            publicly_accessible=v.to_bool(d.get("PubliclyAccessible")),
        )
    )


@joins("AWS::KMS::Alias")
def key_alias(d: Declared, unit: Unit) -> None:
    target = unit.find(d.get("TargetKeyId"), (KEY,))
    name = v.display(d.get("AliasName"))
    if target is not None and name:
        unit.file("key-alias", target.qid, name)


@maps(KEY, "AWS::KMS::ReplicaKey")
def kms_key(d: Declared, unit: Unit) -> Iterator[Resource]:
    f = Fields(d, unit)
    enabled = f.boolean(d.get("Enabled"), "key_state", "Enabled", True)
    policy, reason = policy_text(d.get("KeyPolicy"))
    if reason:
        f.unresolved["policy"] = f"KeyPolicy: {reason}"
    replica = d.type == "AWS::KMS::ReplicaKey"
    if replica:
        f.unresolved["rotation_enabled"] = "a replica key rotates with its primary key, declared elsewhere"
    yield KmsKey(
        **f.base(
            key_manager="CUSTOMER",
            key_spec=(f.text(d.get("KeySpec"), "key_spec", "KeySpec") or "SYMMETRIC_DEFAULT").upper(),
            key_usage=(v.scalar_text(d.get("KeyUsage")) or "ENCRYPT_DECRYPT").upper(),
            key_state=None if enabled is None else "Enabled" if enabled else "Disabled",
            origin=(f.text(d.get("Origin"), "origin", "Origin") or "AWS_KMS").upper(),
            rotation_enabled=None
            if replica
            else f.boolean(d.get("EnableKeyRotation"), "rotation_enabled", "EnableKeyRotation", False),
            rotation_period_days=v.to_int(d.get("RotationPeriodInDays")),
            aliases=tuple(unit.take("key-alias", d.qid)),
            policy=policy,
            multi_region=replica or f.boolean(d.get("MultiRegion"), "multi_region", "MultiRegion", False),
        )
    )


@maps("AWS::CloudTrail::Trail")
def trail(d: Declared, unit: Unit) -> Iterator[Resource]:
    f = Fields(d, unit)
    logging = d.get("IsLogging")
    if logging is None:
        f.unresolved["is_logging"] = "IsLogging is required and not stated"
    yield Trail(
        **f.base(
            trail_name=v.scalar_text(d.get("TrailName")) or d.qid,
            home_region=unit.context.region or None,
            multi_region=f.boolean(d.get("IsMultiRegionTrail"), "multi_region", "IsMultiRegionTrail", False),
            organization_trail=f.boolean(
                d.get("IsOrganizationTrail"), "organization_trail", "IsOrganizationTrail", False
            ),
            is_logging=f.boolean(logging, "is_logging", "IsLogging"),
            log_file_validation=f.boolean(
                d.get("EnableLogFileValidation"), "log_file_validation", "EnableLogFileValidation", False
            ),
            kms_key_id=ident(d.get("KMSKeyId")),
            s3_bucket=v.display(d.get("S3BucketName")),
            include_global_service_events=v.to_bool(d.get("IncludeGlobalServiceEvents")),
            cloudwatch_logs_log_group_arn=v.display(d.get("CloudWatchLogsLogGroupArn")),
        )
    )
