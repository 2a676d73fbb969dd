"""Collectors of snapshots, instance types and managed fleets, against recorded answers of the real
APIs (botocore Stubber) where moto cannot give them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
from botocore.stub import Stubber

from ringfence.model import Snapshot
from ringfence.sources.aws.collectors.ec2_instance_types import collect_instance_types
from ringfence.sources.aws.collectors.ec2_snapshots import collect_snapshots
from ringfence.sources.aws.collectors.rds_snapshots import collect_db_snapshots
from ringfence.sources.aws.context import CollectContext

from support import ACCOUNT, REGION, Aws

CREATED = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)


class StubbedFactory:
    def __init__(self, *services: str) -> None:
        session = boto3.Session(
            aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x", region_name=REGION
        )
        self.clients = {name: session.client(name, region_name=REGION) for name in services}
        self.stubs = {name: Stubber(client) for name, client in self.clients.items()}

    def client(self, service: str, region: str) -> Any:
        return self.clients[service]

    def context(self, service: str) -> CollectContext:
        return CollectContext(factory=self, account=ACCOUNT, region=REGION, service=service)  # type: ignore[arg-type]


def test_instance_types_a_region_no_longer_describes_are_asked_one_by_one() -> None:
    factory = StubbedFactory("ec2")
    ec2 = factory.stubs["ec2"]
    ec2.add_response(
        "describe_instances",
        {
            "Reservations": [
                {
                    "OwnerId": ACCOUNT,
                    "Instances": [
                        {
                            "InstanceId": "i-1",
                            "InstanceType": "m5.large",
                            "State": {"Name": "running", "Code": 16},
                        },
                        {
                            "InstanceId": "i-2",
                            "InstanceType": "t1.micro",
                            "State": {"Name": "stopped", "Code": 80},
                        },
                        {
                            "InstanceId": "i-3",
                            "InstanceType": "c1.medium",
                            "State": {"Name": "terminated", "Code": 48},
                        },
                    ],
                }
            ]
        },
        {},
    )
    ec2.add_client_error(
        "describe_instance_types",
        service_error_code="InvalidInstanceType",
        service_message="The following supplied instance types do not exist: [t1.micro]",
        expected_params={"InstanceTypes": ["m5.large", "t1.micro"]},
    )
    ec2.add_response(
        "describe_instance_types",
        {"InstanceTypes": [{"InstanceType": "m5.large", "CurrentGeneration": True, "Hypervisor": "nitro"}]},
        {"InstanceTypes": ["m5.large"]},
    )
    ec2.add_client_error(
        "describe_instance_types",
        service_error_code="InvalidInstanceType",
        expected_params={"InstanceTypes": ["t1.micro"]},
    )
    ctx = factory.context("ec2")
    with ec2:
        types = {t.native_id: t for t in collect_instance_types(ctx)}
        ec2.assert_no_pending_responses()
    assert types["m5.large"].current_generation is True
    assert types["t1.micro"].current_generation is None
    assert "does not describe this type" in (types["t1.micro"].unknown("current_generation") or "")
    assert "c1.medium" not in types  # terminated instances are gone
    assert not ctx.gaps  # InvalidInstanceType is an answer, not a failure


def test_db_snapshot_attributes_are_read_for_manual_snapshots_only() -> None:
    factory = StubbedFactory("rds")
    rds = factory.stubs["rds"]

    def snapshot(name: str, kind: str, encrypted: bool) -> dict[str, Any]:
        return {
            "DBSnapshotIdentifier": name,
            "DBInstanceIdentifier": "orders",
            "DBSnapshotArn": f"arn:aws:rds:{REGION}:{ACCOUNT}:snapshot:{name}",
            "SnapshotType": kind,
            "Engine": "postgres",
            "Status": "available",
            "Encrypted": encrypted,
            "SnapshotCreateTime": CREATED,
        }

    rds.add_response(
        "describe_db_snapshots",
        {
            "DBSnapshots": [
                snapshot("rds:orders-2024-03-01-00-00", "automated", True),
                snapshot("orders-before-migration", "manual", False),
                snapshot("orders-audit", "manual", True),
            ]
        },
        {},
    )
    rds.add_response(
        "describe_db_snapshot_attributes",
        {
            "DBSnapshotAttributesResult": {
                "DBSnapshotIdentifier": "orders-before-migration",
                "DBSnapshotAttributes": [
                    {"AttributeName": "restore", "AttributeValues": ["all", "210987654321"]}
                ],
            }
        },
        {"DBSnapshotIdentifier": "orders-before-migration"},
    )
    rds.add_client_error(
        "describe_db_snapshot_attributes",
        service_error_code="AccessDenied",
        http_status_code=403,
        expected_params={"DBSnapshotIdentifier": "orders-audit"},
    )
    rds.add_response("describe_db_cluster_snapshots", {"DBClusterSnapshots": []}, {})
    ctx = factory.context("rds")
    with rds:
        snaps = {s.native_id: s for s in collect_db_snapshots(ctx)}
        rds.assert_no_pending_responses()
    automated = snaps["rds:orders-2024-03-01-00-00"]
    assert (automated.public, automated.encrypted) == (False, True)
    shared = snaps["orders-before-migration"]
    assert (shared.public, shared.shared_with_accounts, shared.encrypted) == (True, ("210987654321",), False)
    denied = snaps["orders-audit"]
    assert denied.public is None
    assert "AccessDenied" in (denied.unknown("public") or "")
    assert [g.operation for g in ctx.gaps] == ["DescribeDbSnapshotAttributes"]


def test_only_the_accounts_own_snapshots_are_kept_and_public_ones_confirmed(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=1)["VolumeId"]
    private = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    public = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=public, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"]
    )
    ec2.modify_snapshot_attribute(
        SnapshotId=private, Attribute="createVolumePermission", OperationType="add", UserIds=["210987654321"]
    )
    snaps = {s.native_id: s for s in aws.scan(controls=["ENC-04"]).inventory.of(Snapshot)}
    assert snaps[public].public is True
    assert snaps[private].public is False
    assert snaps[public].arn == f"arn:aws:ec2:{REGION}::snapshot/{public}"


def test_snapshot_collector_confirms_public_candidates() -> None:
    factory = StubbedFactory("ec2")
    ec2 = factory.stubs["ec2"]

    def snap(snap_id: str) -> dict[str, Any]:
        return {
            "SnapshotId": snap_id,
            "OwnerId": ACCOUNT,
            "VolumeId": "vol-1",
            "Encrypted": False,
            "StartTime": CREATED,
        }

    ec2.add_response(
        "describe_snapshots", {"Snapshots": [snap("snap-a"), snap("snap-b")]}, {"OwnerIds": ["self"]}
    )
    ec2.add_response(
        "describe_snapshots",
        {"Snapshots": [snap("snap-b")]},
        {"OwnerIds": ["self"], "RestorableByUserIds": ["all"]},
    )
    ec2.add_response(
        "describe_snapshot_attribute",
        {"SnapshotId": "snap-b", "CreateVolumePermissions": [{"Group": "all"}]},
        {"SnapshotId": "snap-b", "Attribute": "createVolumePermission"},
    )
    with ec2:
        snaps = {s.native_id: s for s in collect_snapshots(factory.context("ec2"))}
        ec2.assert_no_pending_responses()
    assert (snaps["snap-a"].public, snaps["snap-b"].public) == (False, True)
