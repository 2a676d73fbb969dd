"""EBS snapshots the account owns, and which of them anyone may restore.

DescribeSnapshots with OwnerIds ["self"] lists the account's snapshots (those of AWS, Marketplace
sellers or other accounts sharing with this one are never kept). The same listing with
RestorableByUserIds ["all"] names the candidates for public ones (the owner and restorable-by
filters intersect), and DescribeSnapshotAttribute (createVolumePermission) confirms each candidate:
one call per public snapshot instead of one per snapshot. Which single accounts a snapshot is
shared with is read only for the candidates.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.model import Snapshot
from ringfence.sources.aws.collectors.ec2_network import stopped_reason
from ringfence.sources.aws.context import CollectContext, CollectionStopped, tags_of
from ringfence.sources.aws.registry import collector

NOT_READ = "not read: sharing with single accounts is read only for snapshots listed as public"


@collector(
    "ec2.snapshots",
    service="ec2",
    iam_actions=("ec2:DescribeSnapshots", "ec2:DescribeSnapshotAttribute"),
    produces=(Snapshot,),
)
def collect_snapshots(ctx: CollectContext) -> Iterator[Snapshot]:
    owned = [
        s
        for s in ctx.iter_pages("describe_snapshots", "Snapshots", OwnerIds=["self"])
        if str(s.get("OwnerId", ctx.account)) == ctx.account
    ]
    if not owned:
        return
    candidates: set[str] | None = None
    listing_error: str | None = None
    try:
        candidates = {
            str(s["SnapshotId"])
            for s in ctx.iter_pages(
                "describe_snapshots", "Snapshots", OwnerIds=["self"], RestorableByUserIds=["all"]
            )
        }
    except CollectionStopped:
        listing_error = stopped_reason(ctx)
    for snap in owned:
        snap_id = str(snap["SnapshotId"])
        unresolved: dict[str, str] = {}
        public: bool | None = False
        shared: tuple[str, ...] = ()
        if listing_error:
            public = None
            unresolved = {"public": listing_error, "shared_with_accounts": listing_error}
        elif candidates is not None and snap_id in candidates:
            permissions = _permissions(ctx, snap_id)
            if permissions is None:
                continue  # deleted while the scan ran
            public, shared, error = permissions
            if error:
                unresolved = {"public": error, "shared_with_accounts": error}
        else:
            unresolved = {"shared_with_accounts": NOT_READ}
        yield Snapshot(
            # EBS snapshot ARNs carry no account: arn:aws:ec2:REGION::snapshot/ID
            arn=ctx.arn("ec2", f"snapshot/{snap_id}", account=""),
            native_id=snap_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(snap.get("Tags")),
            encrypted=bool(snap.get("Encrypted", False)),
            kms_key_id=snap.get("KmsKeyId"),
            volume_id=snap.get("VolumeId"),
            public=public,
            shared_with_accounts=shared,
            unresolved=unresolved,
        )


def _permissions(ctx: CollectContext, snap_id: str) -> tuple[bool | None, tuple[str, ...], str | None] | None:
    """(public, shared account ids, error) from createVolumePermission; None when the snapshot is gone."""
    reply = ctx.call(
        "describe_snapshot_attribute",
        absent=("InvalidSnapshot.NotFound",),
        SnapshotId=snap_id,
        Attribute="createVolumePermission",
    )
    if reply.absent:
        return None
    if reply.error:
        return None, (), reply.error
    permissions = reply.data.get("CreateVolumePermissions", [])
    public = any(p.get("Group") == "all" for p in permissions)
    return public, tuple(str(p["UserId"]) for p in permissions if p.get("UserId")), None
