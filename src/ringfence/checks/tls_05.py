"""TLS-05: RDS and Aurora force TLS for client connections.

The effective value decides: the value the instance's DB parameter group sets (Aurora and Multi-AZ
DB clusters: the cluster's DB cluster parameter group), or, where the group leaves the parameter
unset, the engine family's default (DescribeEngineDefaultParameters: PostgreSQL 15+ defaults
rds.force_ssl to 1). PostgreSQL and SQL Server need rds.force_ssl=1, MySQL and MariaDB (Aurora too)
require_secure_transport=ON (or 1). A value set in the group while the instance (or a cluster member)
is pending-reboot is not in effect when the parameter is static or was changed with ApplyMethod
pending-reboot: that fails with the reason, since the value the database runs with is not the one
the group shows. Oracle and Db2 force TLS through option groups and their own settings: UNKNOWN with
that reason. Members of a DB cluster are judged on their cluster; Neptune and DocumentDB are not RDS
databases here.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.support import non_rds_reason
from ringfence.model import DbCluster, DbInstance, Inventory, Remediation, Resource, Severity
from ringfence.model.database import DbClusterParameterGroup, DbParameter, DbParameterGroup

FORCE_SSL = "rds.force_ssl"
SECURE_TRANSPORT = "require_secure_transport"
MYSQL_FAMILY = ("mysql", "mariadb", "aurora-mysql", "aurora")
POSTGRES_FAMILY = ("postgres", "aurora-postgresql")

META = CheckMeta(
    id="TLS-05",
    title="RDS and Aurora force TLS for client connections",
    severity=Severity.HIGH,
    rationale=(
        "RDS accepts unencrypted client connections unless the parameter group forces TLS, so one "
        "client with a default driver setting sends credentials and query results in cleartext across "
        "the VPC."
    ),
    remediation=Remediation(
        text=(
            "In a custom parameter group set rds.force_ssl=1 (PostgreSQL, SQL Server) or "
            "require_secure_transport=ON (MySQL, MariaDB; Aurora: in the DB cluster parameter group), "
            "attach it, and reboot if the change is pending."
        ),
        cli=(
            "aws rds modify-db-parameter-group --db-parameter-group-name GROUP "
            '--parameters "ParameterName=rds.force_ssl,ParameterValue=1,ApplyMethod=immediate"\n'
            "aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name GROUP "
            '--parameters "ParameterName=require_secure_transport,ParameterValue=ON,ApplyMethod=immediate"'
        ),
        cloudformation=(
            "Type: AWS::RDS::DBParameterGroup\nProperties:\n  Family: postgres16\n"
            "  Description: TLS only\n  Parameters:\n    rds.force_ssl: '1'"
        ),
        terraform=(
            'resource "aws_db_parameter_group" "tls" {\n  family = "mysql8.0"\n  parameter {\n'
            '    name  = "require_secure_transport"\n    value = "ON"\n  }\n}'
        ),
    ),
    modes=("live",),
    resource_types=(DbInstance.KIND, DbCluster.KIND, DbParameterGroup.KIND, DbClusterParameterGroup.KIND),
    tested_with="moto server for groups that set the parameter; botocore Stubber (recorded real-API "
    "shapes) for engine defaults, which moto does not serve; Inventory built directly for pending reboots",
    frameworks=Mapping_(nist_800_53=("SC-8", "SC-8(1)")),
)


def parameter_for(engine: str | None) -> tuple[str | None, str | None]:
    """(the parameter that forces TLS for `engine`, or None with the reason it cannot be judged)."""
    e = (engine or "").lower()
    if e in POSTGRES_FAMILY or e.startswith(("sqlserver", "custom-sqlserver")):
        return FORCE_SSL, None
    if e in MYSQL_FAMILY:
        return SECURE_TRANSPORT, None
    if e.startswith(("oracle", "custom-oracle")):
        return None, f"{engine} forces TLS through the SSL option of an option group, not a parameter"
    if e.startswith("db2"):
        return (
            None,
            f"{engine} forces TLS through its SSL settings (ssl_svcename), not a parameter ringfence reads",
        )
    return None, f"engine {engine or '(not stated)'} is not one this check knows"


def enforces(name: str, value: str) -> bool:
    v = value.strip().lower()
    return v == "1" if name == FORCE_SSL else v in ("on", "1", "true")


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    for db in inv.of(DbInstance):
        yield _instance(inv, db)
    for cluster in inv.of(DbCluster):
        yield _cluster(inv, cluster)


def _instance(inv: Inventory, db: DbInstance) -> Outcome:
    name = f"DB instance {db.native_id}"
    other = non_rds_reason(db.engine)
    if other:
        return not_applicable(db, other)
    if db.cluster_id:
        if inv.get(DbCluster, db.account, db.region, db.cluster_id) is None:
            return unknown(
                db, f"{name} is a member of DB cluster {db.cluster_id}, which is not in the inventory"
            )
        return not_applicable(db, f"{name} is a member of DB cluster {db.cluster_id}: judged on the cluster")
    param, why = parameter_for(db.engine)
    if param is None:
        return unknown(db, f"{name}: {why}")
    group_name = db.parameter_groups[0] if db.parameter_groups else None
    if group_name is None:
        return unknown(db, f"the parameter group of {name} is not known")
    group = inv.get(DbParameterGroup, db.account, db.region, group_name)
    pending = db.parameter_apply_status.get(group_name) == "pending-reboot"
    return _judge(inv, db, name, group, DbParameterGroup, group_name, param, pending)


def _cluster(inv: Inventory, cluster: DbCluster) -> Outcome:
    name = f"DB cluster {cluster.native_id}"
    other = non_rds_reason(cluster.engine)
    if other:
        return not_applicable(cluster, other)
    param, why = parameter_for(cluster.engine)
    if param is None:
        return unknown(cluster, f"{name}: {why}")
    if not cluster.parameter_group:
        return unknown(cluster, f"the DB cluster parameter group of {name} is not known")
    group = inv.get(DbClusterParameterGroup, cluster.account, cluster.region, cluster.parameter_group)
    pending = "pending-reboot" in cluster.member_parameter_status.values()
    return _judge(inv, cluster, name, group, DbClusterParameterGroup, cluster.parameter_group, param, pending)


def _judge(
    inv: Inventory,
    db: Resource,
    name: str,
    group: DbParameterGroup | None,
    kind: type[DbParameterGroup],
    group_name: str,
    param: str,
    pending: bool,
) -> Outcome:
    label = f"parameter group {group_name}"
    if group is None:
        why = (
            "it is not in the inventory"
            if inv.listing_complete(kind, db.account, db.region)
            else "the parameter groups could not be listed (see coverage gaps)"
        )
        return unknown(db, f"{name}: {label} cannot be judged: {why}")
    reason = group.unknown("parameters")
    if reason:
        return unknown(db, f"{name}: the parameters of {label} could not be read: {reason}")
    own = group.parameters.get(param)
    setting: DbParameter | None = own if own is not None and own.value is not None else None
    source = f"set in {label}"
    if setting is None:
        reason = group.unknown("engine_defaults")
        if reason or not group.family:
            why = reason or "the group's family is not known"
            return unknown(
                db, f"{name}: {label} leaves {param} unset and the engine default is not known: {why}"
            )
        setting = group.engine_defaults.get(param)
        source = f"the {group.family} default ({label} leaves it unset)"
        if setting is None:
            return failed(db, f"{name}: {group.family} has no {param} parameter, so TLS cannot be forced")
        if setting.value is None:
            return unknown(db, f"{name}: {param} has no value in {label} or in the {group.family} defaults")
    assert setting.value is not None
    if not enforces(param, setting.value):
        return failed(db, f"{name} accepts unencrypted connections: {param}={setting.value}, {source}")
    if (
        pending
        and own is setting
        and (setting.apply_type == "static" or setting.apply_method == "pending-reboot")
    ):
        return failed(
            db,
            f"{name}: {param}={setting.value} is {source}, but the database is pending-reboot: the value "
            "is not in effect until it reboots",
        )
    return passed(db, f"{name} forces TLS: {param}={setting.value}, {source}")
