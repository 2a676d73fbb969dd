from typing import Any

from ringfence.model import Status

from support import Aws, status_of

PASSWORD = "not-a-real-password"  # moto only


def instance(aws: Aws, name: str, **kw: Any) -> None:
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier=name,
        DBInstanceClass="db.t3.micro",
        MasterUsername="admin_user",
        MasterUserPassword=PASSWORD,
        AllocatedStorage=20,
        **{"Engine": "postgres", **kw},
    )


def test_instances_are_judged_on_their_own_storage(aws: Aws) -> None:
    instance(aws, "encrypted", StorageEncrypted=True)
    instance(aws, "plain", StorageEncrypted=False)

    result = aws.scan(controls=["ENC-06"])

    assert status_of(result, "ENC-06", ":db:encrypted") is Status.PASS
    assert status_of(result, "ENC-06", ":db:plain") is Status.FAIL


def test_clusters_are_judged_and_members_point_at_them(aws: Aws) -> None:
    rds = aws.client("rds")
    for name, encrypted in (("ledger", True), ("audit", False)):
        rds.create_db_cluster(
            DBClusterIdentifier=name,
            Engine="aurora-postgresql",
            MasterUsername="admin_user",
            MasterUserPassword=PASSWORD,
            StorageEncrypted=encrypted,
        )
    rds.create_db_instance(
        DBInstanceIdentifier="audit-1",
        Engine="aurora-postgresql",
        DBInstanceClass="db.r5.large",
        DBClusterIdentifier="audit",
    )
    rds.create_db_cluster(DBClusterIdentifier="graph", Engine="neptune")

    result = aws.scan(controls=["ENC-06"])

    assert status_of(result, "ENC-06", ":cluster:ledger") is Status.PASS
    assert status_of(result, "ENC-06", ":cluster:audit") is Status.FAIL
    assert status_of(result, "ENC-06", ":db:audit-1") is Status.NOT_APPLICABLE
    assert status_of(result, "ENC-06", ":cluster:graph") is Status.NOT_APPLICABLE
