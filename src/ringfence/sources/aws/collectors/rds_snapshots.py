"""RDS DB snapshots and DB cluster snapshots the account owns, with their restore attribute.

The listings return the account's own snapshots (shared and public ones only when asked, which is
not done here). Automated snapshots cannot be shared (AWS requires a manual copy first), so their
restore attribute is known to be empty without a call; every other snapshot's attribute is read
(DescribeDBSnapshotAttributes / DescribeDBClusterSnapshotAttributes, one call each).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.model.rds_snapshots import DbSnapshot
from ringfence.sources.aws.context import CollectContext, tags_of
from ringfence.sources.aws.registry import collector

ALL = "all"


@collector(
    "rds.snapshots",
    service="rds",
    iam_actions=(
        "rds:DescribeDBSnapshots",
        "rds:DescribeDBSnapshotAttributes",
        "rds:DescribeDBClusterSnapshots",
        "rds:DescribeDBClusterSnapshotAttributes",
    ),
    produces=(DbSnapshot,),
)
def collect_db_snapshots(ctx: CollectContext) -> Iterator[DbSnapshot]:
    for snap in ctx.iter_pages("describe_db_snapshots", "DBSnapshots"):
        snap_id = str(snap["DBSnapshotIdentifier"])
        restore = _restore(ctx, snap, "describe_db_snapshot_attributes", "DBSnapshotIdentifier", snap_id)
        if restore is None:
            continue  # deleted while the scan ran
        yield _snapshot(ctx, snap, snap_id, False, restore)
    for snap in ctx.iter_pages("describe_db_cluster_snapshots", "DBClusterSnapshots"):
        snap_id = str(snap["DBClusterSnapshotIdentifier"])
        restore = _restore(
            ctx, snap, "describe_db_cluster_snapshot_attributes", "DBClusterSnapshotIdentifier", snap_id
        )
        if restore is None:
            continue
        yield _snapshot(ctx, snap, snap_id, True, restore)


Restore = tuple[tuple[str, ...], str | None]  # (values of the restore attribute, why unknown)


def _restore(
    ctx: CollectContext, snap: Mapping[str, Any], operation: str, key: str, snap_id: str
) -> Restore | None:
    if str(snap.get("SnapshotType", "")).lower() == "automated":
        return (), None
    reply = ctx.call(
        operation, absent=("DBSnapshotNotFound", "DBClusterSnapshotNotFoundFault"), **{key: snap_id}
    )
    if reply.absent:
        return None
    if reply.error:
        return (), reply.error
    result = reply.data.get("DBSnapshotAttributesResult") or reply.data.get(
        "DBClusterSnapshotAttributesResult"
    )
    attributes = (result or {}).get("DBSnapshotAttributes") or (result or {}).get(
        "DBClusterSnapshotAttributes", []
    )
    values = [
        str(v)
        for a in attributes
        if str(a.get("AttributeName", "")).lower() == "restore"
        for v in a.get("AttributeValues", [])
    ]
    return tuple(values), None


def _snapshot(
    ctx: CollectContext, snap: Mapping[str, Any], snap_id: str, cluster: bool, restore: Restore
) -> DbSnapshot:
    values, error = restore
    kind = "cluster-snapshot" if cluster else "snapshot"
    arn = snap.get("DBClusterSnapshotArn" if cluster else "DBSnapshotArn") or ctx.arn(
        "rds", f"{kind}:{snap_id}"
    )
    encrypted = snap.get("StorageEncrypted" if cluster else "Encrypted")
    unresolved = {"public": error, "shared_with_accounts": error} if error else {}
    return DbSnapshot(
        arn=str(arn),
        native_id=snap_id,
        account=ctx.account,
        region=ctx.region,
        tags=tags_of(snap.get("TagList")),
        cluster=cluster,
        source_id=snap.get("DBClusterIdentifier" if cluster else "DBInstanceIdentifier"),
        engine=snap.get("Engine"),
        snapshot_type=snap.get("SnapshotType"),
        status=snap.get("Status"),
        encrypted=None if encrypted is None else bool(encrypted),
        kms_key_id=snap.get("KmsKeyId") if encrypted else None,
        public=None if error else ALL in values,
        shared_with_accounts=tuple(v for v in values if v != ALL),
        unresolved=unresolved,
    )
