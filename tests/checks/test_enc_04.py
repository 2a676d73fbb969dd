"""ENC-04: the account's EBS and RDS snapshots are encrypted and nobody outside may restore them."""

from __future__ import annotations

from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, Severity, Snapshot, Status
from ringfence.model.rds_snapshots import DbSnapshot

from support import ACCOUNT, REGION, Aws, findings_for, status_of


def ebs_snapshot(ec2: Any, encrypted: bool) -> str:
    volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=1, Encrypted=encrypted)["VolumeId"]
    return str(ec2.create_snapshot(VolumeId=volume)["SnapshotId"])


def db(rds: Any, name: str, encrypted: bool) -> None:
    rds.create_db_instance(
        DBInstanceIdentifier=name,
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="admin_user",
        MasterUserPassword="not-a-real-password",
        StorageEncrypted=encrypted,
    )


def test_ebs_snapshots_are_encrypted_and_private(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    good = ebs_snapshot(ec2, encrypted=True)
    plain = ebs_snapshot(ec2, encrypted=False)
    public = ebs_snapshot(ec2, encrypted=False)
    ec2.modify_snapshot_attribute(
        SnapshotId=public, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"]
    )

    result = aws.scan(controls=["ENC-04"])

    assert status_of(result, "ENC-04", good) is Status.PASS
    assert status_of(result, "ENC-04", plain) is Status.FAIL
    assert status_of(result, "ENC-04", public) is Status.FAIL
    (finding,) = [f for f in findings_for(result, "ENC-04") if public in f.resource_id]
    assert finding.severity is Severity.CRITICAL
    assert "public: any AWS account can restore it" in finding.message
    assert finding.resource_id == f"arn:aws:ec2:{REGION}::snapshot/{public}"


def test_rds_snapshots_and_cluster_snapshots_are_encrypted_and_private(aws: Aws) -> None:
    rds = aws.client("rds")
    db(rds, "orders", encrypted=True)
    rds.create_db_snapshot(DBInstanceIdentifier="orders", DBSnapshotIdentifier="orders-manual")
    rds.create_db_snapshot(DBInstanceIdentifier="orders", DBSnapshotIdentifier="orders-shared")
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="orders-shared", AttributeName="restore", ValuesToAdd=["all"]
    )
    db(rds, "scratch", encrypted=False)
    rds.create_db_cluster(
        DBClusterIdentifier="ledger",
        Engine="aurora-postgresql",
        MasterUsername="admin_user",
        MasterUserPassword="not-a-real-password",
        StorageEncrypted=True,
    )
    rds.create_db_cluster_snapshot(DBClusterIdentifier="ledger", DBClusterSnapshotIdentifier="ledger-copy")
    rds.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="ledger-copy",
        AttributeName="restore",
        ValuesToAdd=["all", "210987654321"],
    )

    result = aws.scan(controls=["ENC-04"])

    assert status_of(result, "ENC-04", "snapshot:orders-manual") is Status.PASS
    assert status_of(result, "ENC-04", "snapshot:orders-shared") is Status.FAIL
    assert status_of(result, "ENC-04", "cluster-snapshot:ledger-copy") is Status.FAIL
    # moto takes an automated snapshot of every new instance, as RDS does: unencrypted like its DB.
    assert status_of(result, "ENC-04", "snapshot:rds:scratch") is Status.FAIL
    types = {f.resource_id.rsplit(":", 1)[-1]: f.resource_type for f in findings_for(result, "ENC-04")}
    assert types["ledger-copy"] == "AWS::RDS::DBClusterSnapshot"
    assert types["orders-manual"] == "AWS::RDS::DBSnapshot"


def test_unknown_sharing_and_other_engines() -> None:
    unread = Snapshot(
        arn="snap-unread",
        native_id="snap-unread",
        account=ACCOUNT,
        region=REGION,
        encrypted=True,
        unresolved={"public": "access denied: ec2:DescribeSnapshots (UnauthorizedOperation)"},
    )
    docdb = DbSnapshot(
        arn="docdb-snap", native_id="docdb-snap", account=ACCOUNT, region=REGION, cluster=True, engine="docdb"
    )
    findings = evaluate(Inventory([unread, docdb]), [all_checks()["ENC-04"]], strict=True)
    statuses = {f.resource_id: f.status for f in findings}
    assert statuses == {"snap-unread": Status.UNKNOWN, "docdb-snap": Status.NOT_APPLICABLE}
