"""RDS and Aurora snapshots with who may restore them (the "restore" attribute)."""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind


@resource_kind
@dataclass(frozen=True, kw_only=True)
class DbSnapshot(Resource):
    """A DB snapshot (`cluster` False) or a DB cluster snapshot (`cluster` True) the account owns.
    `native_id` is the snapshot identifier ("rds:..." for automated ones); `arn` its ARN."""

    KIND = "rds.db_snapshot"
    RESOURCE_TYPE = "AWS::RDS::DBSnapshot"

    cluster: bool = False
    source_id: str | None = None  # the DB instance or cluster it was taken of
    engine: str | None = None
    snapshot_type: str | None = None  # automated | manual | shared | public | awsbackup
    status: str | None = None
    encrypted: bool | None = None
    kms_key_id: str | None = None
    # The restore attribute: "all" makes the snapshot public; account ids share it with them.
    public: bool | None = None
    shared_with_accounts: tuple[str, ...] = ()

    @property
    def resource_type(self) -> str:
        return "AWS::RDS::DBClusterSnapshot" if self.cluster else self.RESOURCE_TYPE

    @property
    def label(self) -> str:
        return f"{'DB cluster snapshot' if self.cluster else 'DB snapshot'} {self.native_id}"
