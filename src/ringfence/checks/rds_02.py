"""RDS-02: production databases are Multi-AZ.

Judged on databases whose environment (ctx.environments) is production or not tagged; those tagged
with another environment are not applicable. An RDS instance passes with MultiAZ. A DB cluster is
judged instead of its members (which are not applicable): an Aurora cluster passes when its member
instances sit in at least two availability zones (Aurora Serverless v1 runs in one zone and fails);
a Multi-AZ DB cluster (MySQL, PostgreSQL) passes with MultiAZ. Members not in the inventory leave the
answer UNKNOWN unless the known ones already span two zones. Neptune and DocumentDB are listed by the
RDS APIs but are not RDS databases: not applicable.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.support import cluster_member_outcome, non_rds_reason
from ringfence.checks.tiers import EnvironmentConvention
from ringfence.model import DbCluster, DbInstance, Inventory, Remediation, Resource, Severity

META = CheckMeta(
    id="RDS-02",
    title="Production databases are Multi-AZ",
    severity=Severity.MEDIUM,
    rationale=(
        "A single-AZ database goes down with its availability zone or its host, for as long as a restore "
        "takes; Multi-AZ keeps a standby in another zone that takes over in a minute or two."
    ),
    remediation=Remediation(
        text=(
            "Turn on Multi-AZ for the instance (a modification, no downtime for most engines); for Aurora, "
            "add a reader instance in another availability zone."
        ),
        cli=(
            "aws rds modify-db-instance --db-instance-identifier DB --multi-az --apply-immediately\n"
            "aws rds create-db-instance --db-cluster-identifier CLUSTER --db-instance-identifier CLUSTER-b "
            "--engine aurora-postgresql --db-instance-class db.r6g.large --availability-zone OTHER_AZ"
        ),
        cloudformation="Type: AWS::RDS::DBInstance\nProperties:\n  MultiAZ: true",
        terraform='resource "aws_db_instance" "db" {\n  multi_az = true\n}',
    ),
    modes=("live",),
    resource_types=(DbInstance.KIND, DbCluster.KIND),
    tested_with="moto server; Aurora members' zones and unknown members via an Inventory",
    frameworks=Mapping_(fsbp=("RDS.5", "RDS.15"), nist_800_53=("CP-10",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    for db in inv.of(DbInstance):
        yield (
            _scoped(db, ctx.environments)
            or cluster_member_outcome(inv, db)
            or _instance(db, ctx.environments)
        )
    for cluster in inv.of(DbCluster):
        yield _scoped(cluster, ctx.environments) or _cluster(inv, cluster, ctx.environments)


def _scoped(db: DbInstance | DbCluster, environments: EnvironmentConvention) -> Outcome | None:
    other = non_rds_reason(db.engine)
    if other:
        return not_applicable(db, other)
    if environments.is_production(db) is False:
        return not_applicable(
            db, f"tagged for the {environments.environment_of(db)} environment, not production"
        )
    return None


def _instance(db: DbInstance, environments: EnvironmentConvention) -> Outcome:
    label = f"DB instance {db.native_id}{_env_note(db, environments)}"
    reason = db.unknown("multi_az")
    if reason or db.multi_az is None:
        return unknown(db, f"whether {label} is Multi-AZ is not known: {reason or 'not stated'}")
    if db.multi_az:
        return passed(db, f"{label} is Multi-AZ")
    return failed(
        db, f"{label} runs in a single availability zone ({db.availability_zone or 'zone not stated'})"
    )


def _cluster(inv: Inventory, cluster: DbCluster, environments: EnvironmentConvention) -> Outcome:
    label = f"DB cluster {cluster.native_id}{_env_note(cluster, environments)}"
    engine = (cluster.engine or "").lower()
    if not engine.startswith("aurora"):
        if cluster.multi_az:
            return passed(cluster, f"{label} is a Multi-AZ DB cluster")
        if cluster.multi_az is None:
            return unknown(cluster, f"whether {label} is Multi-AZ is not known")
        return failed(cluster, f"{label} is not Multi-AZ")
    if (cluster.engine_mode or "") == "serverless":
        return failed(cluster, f"{label} is Aurora Serverless v1, which runs in one availability zone")
    zones: set[str] = set()
    missing: list[str] = []
    for member_id in cluster.member_instance_ids:
        member = inv.get(DbInstance, cluster.account, cluster.region, member_id)
        if member is None or not member.availability_zone:
            missing.append(member_id)
        else:
            zones.add(member.availability_zone)
    where = ", ".join(sorted(zones)) or "none"
    count = len(cluster.member_instance_ids)
    if len(zones) >= 2:
        return passed(cluster, f"{label} has instances in {len(zones)} availability zones ({where})")
    if missing:
        return unknown(
            cluster,
            f"{label}: the zone of member(s) {', '.join(missing)} is not known (not in the inventory); known: {where}",
        )
    if count == 0:
        return failed(cluster, f"{label} has no DB instances")
    return failed(cluster, f"{label} has {count} instance(s), all in one availability zone ({where})")


def _env_note(db: Resource, environments: EnvironmentConvention) -> str:
    if environments.environment_of(db) is None:
        return " (no environment tag: judged as production)"
    return ""
