from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import DbCluster, DbInstance, Inventory, Status

from support import ACCOUNT, REGION, Aws, status_of


def _db(aws: Aws, name: str, env: str | None, multi_az: bool) -> None:
    tags = [{"Key": "Environment", "Value": env}] if env else []
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier=name,
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="admin_user",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
        MultiAZ=multi_az,
        Tags=tags,
    )


def test_production_and_untagged_databases_need_multi_az(aws: Aws) -> None:
    _db(aws, "orders", "prod", multi_az=True)
    _db(aws, "ledger", "production", multi_az=False)
    _db(aws, "legacy", None, multi_az=False)
    _db(aws, "scratch", "dev", multi_az=False)

    result = aws.scan(controls=["RDS-02"])

    assert status_of(result, "RDS-02", ":db:orders") is Status.PASS
    assert status_of(result, "RDS-02", ":db:ledger") is Status.FAIL
    assert status_of(result, "RDS-02", ":db:legacy") is Status.FAIL
    assert status_of(result, "RDS-02", ":db:scratch") is Status.NOT_APPLICABLE
    legacy = next(f for f in result.findings if f.resource_id.endswith(":db:legacy"))
    assert "no environment tag" in legacy.message


def test_aurora_members_must_span_two_zones() -> None:
    def member(name: str, zone: str | None) -> DbInstance:
        return DbInstance(
            arn=f"arn:aws:rds:{REGION}:{ACCOUNT}:db:{name}",
            native_id=name,
            account=ACCOUNT,
            region=REGION,
            engine="aurora-postgresql",
            cluster_id=name.rsplit("-", 1)[0],
            availability_zone=zone,
        )

    def cluster(name: str, *members: str, **kw: object) -> DbCluster:
        return DbCluster(
            arn=f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:{name}",
            native_id=name,
            account=ACCOUNT,
            region=REGION,
            engine=str(kw.get("engine", "aurora-postgresql")),
            member_instance_ids=members,
            engine_mode=str(kw.get("mode", "provisioned")),
            tags={"Environment": "prod"},
        )

    resources = [
        cluster("spread", "spread-1", "spread-2"),
        member("spread-1", f"{REGION}a"),
        member("spread-2", f"{REGION}b"),
        cluster("single", "single-1", "single-2"),
        member("single-1", f"{REGION}a"),
        member("single-2", f"{REGION}a"),
        cluster("partly", "partly-1", "partly-2"),
        member("partly-1", f"{REGION}a"),
        cluster("v1", mode="serverless"),
        cluster("docs", engine="docdb"),
    ]
    found = {
        f.resource_id.rsplit(":", 1)[-1]: f.status
        for f in evaluate(Inventory(resources), [all_checks()["RDS-02"]], strict=True)
    }
    assert found["spread"] is Status.PASS
    assert found["single"] is Status.FAIL
    assert found["partly"] is Status.UNKNOWN
    assert found["v1"] is Status.FAIL
    assert found["docs"] is Status.NOT_APPLICABLE
    assert found["spread-1"] is Status.NOT_APPLICABLE  # a member: judged on its cluster
