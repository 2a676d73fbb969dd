"""TLS-05 over moto (groups that set the parameter), a Stubber (engine defaults, which moto does not
serve: DescribeEngineDefaultParameters answers 500) and built inventories (pending reboots)."""

from typing import Any

from edge_stubs import StubbedFactory
from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import DbCluster, DbInstance, Inventory, Status
from ringfence.model.database import DbClusterParameterGroup, DbParameter, DbParameterGroup
from ringfence.sources.aws.collectors.rds_parameters import collect_db_parameter_groups

from support import ACCOUNT, REGION, Aws, findings_for, status_of

CHECK = all_checks()["TLS-05"]


def _group(rds: Any, name: str, family: str, **params: str) -> None:
    rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily=family, Description=name)
    rds.modify_db_parameter_group(
        DBParameterGroupName=name,
        Parameters=[
            {"ParameterName": k.replace("__", "."), "ParameterValue": v, "ApplyMethod": "immediate"}
            for k, v in params.items()
        ],
    )


def _db(rds: Any, name: str, engine: str, group: str) -> None:
    rds.create_db_instance(
        DBInstanceIdentifier=name,
        Engine=engine,
        DBInstanceClass="db.t3.micro",
        DBParameterGroupName=group,
        MasterUsername="admin",
        MasterUserPassword="not-a-real-password-1",
    )


def test_the_group_value_decides_when_the_group_sets_the_parameter(aws: Aws) -> None:
    rds = aws.client("rds")
    _group(rds, "pg-tls", "postgres16", rds__force_ssl="1")
    _group(rds, "pg-plain", "postgres16", rds__force_ssl="0")
    _group(rds, "mysql-tls", "mysql8.0", require_secure_transport="ON")
    _db(rds, "orders", "postgres", "pg-tls")
    _db(rds, "legacy", "postgres", "pg-plain")
    _db(rds, "shop", "mysql", "mysql-tls")

    result = aws.scan(controls=["TLS-05"])

    assert status_of(result, "TLS-05", ":db:orders") is Status.PASS
    assert status_of(result, "TLS-05", ":db:legacy") is Status.FAIL
    assert status_of(result, "TLS-05", ":db:shop") is Status.PASS
    legacy = next(f for f in findings_for(result, "TLS-05") if f.resource_id.endswith(":db:legacy"))
    assert "rds.force_ssl=0" in legacy.message
    assert "pg-plain" in legacy.message


def _parameter(name: str, value: str, source: str, apply_type: str = "dynamic") -> dict[str, Any]:
    return {
        "ParameterName": name,
        "ParameterValue": value,
        "Description": name,
        "Source": source,
        "ApplyType": apply_type,
        "DataType": "boolean",
        "AllowedValues": "0,1",
        "IsModifiable": True,
        "ApplyMethod": "pending-reboot",
    }


def test_default_groups_take_the_engine_default_read_through_the_api() -> None:
    """Recorded shapes of DescribeDBParameterGroups / DescribeDBParameters (Source filter) /
    DescribeEngineDefaultParameters for two default groups: PostgreSQL 16 defaults rds.force_ssl to
    1, MySQL 8.0 defaults require_secure_transport to OFF."""
    factory = StubbedFactory()
    rds = factory.stub("rds")
    groups = [
        {
            "DBParameterGroupName": "default.postgres16",
            "DBParameterGroupFamily": "postgres16",
            "Description": "Default parameter group for postgres16",
            "DBParameterGroupArn": f"arn:aws:rds:{REGION}:{ACCOUNT}:pg:default.postgres16",
        },
        {
            "DBParameterGroupName": "default.mysql8.0",
            "DBParameterGroupFamily": "mysql8.0",
            "Description": "Default parameter group for mysql8.0",
            "DBParameterGroupArn": f"arn:aws:rds:{REGION}:{ACCOUNT}:pg:default.mysql8.0",
        },
    ]
    rds.add_response("describe_db_parameter_groups", {"DBParameterGroups": groups})
    for group, family, default in (
        (groups[0], "postgres16", _parameter("rds.force_ssl", "1", "engine-default")),
        (groups[1], "mysql8.0", _parameter("require_secure_transport", "OFF", "engine-default")),
    ):
        name = group["DBParameterGroupName"]
        system = [_parameter("max_connections", "{DBInstanceClassMemory/9531392}", "system", "static")]
        rds.add_response(
            "describe_db_parameters",
            {"Parameters": system},
            {"DBParameterGroupName": name, "Source": "system", "MaxRecords": 100},
        )
        rds.add_response(
            "describe_db_parameters",
            {"Parameters": []},
            {"DBParameterGroupName": name, "Source": "user", "MaxRecords": 100},
        )
        # The engine defaults come in pages; the parameter is on the second.
        first = {
            "DBParameterGroupFamily": family,
            "Marker": "page-2",
            "Parameters": [_parameter("autocommit", "1", "engine-default")],
        }
        rds.add_response(
            "describe_engine_default_parameters",
            {"EngineDefaults": first},
            {"DBParameterGroupFamily": family, "MaxRecords": 100},
        )
        rds.add_response(
            "describe_engine_default_parameters",
            {"EngineDefaults": {"DBParameterGroupFamily": family, "Parameters": [default]}},
            {"DBParameterGroupFamily": family, "MaxRecords": 100, "Marker": "page-2"},
        )

    collected = list(collect_db_parameter_groups(factory.context("rds")))
    factory.assert_done()

    by_name = {g.native_id: g for g in collected}
    assert by_name["default.postgres16"].parameters == {}
    assert by_name["default.postgres16"].engine_defaults["rds.force_ssl"].value == "1"

    def instance(name: str, engine: str, group: str) -> DbInstance:
        return DbInstance(
            arn=f"arn:aws:rds:{REGION}:{ACCOUNT}:db:{name}",
            native_id=name,
            account=ACCOUNT,
            region=REGION,
            engine=engine,
            parameter_groups=(group,),
            parameter_apply_status={group: "in-sync"},
        )

    inventory = Inventory(
        [
            *collected,
            instance("pg16", "postgres", "default.postgres16"),
            instance("my80", "mysql", "default.mysql8.0"),
        ]
    )
    found = {f.resource_id.rsplit(":", 1)[-1]: f for f in evaluate(inventory, [CHECK], strict=True)}
    assert found["pg16"].status is Status.PASS
    assert "postgres16 default" in found["pg16"].message
    assert found["my80"].status is Status.FAIL
    assert "require_secure_transport=OFF" in found["my80"].message


def _pg(name: str, params: dict[str, DbParameter], cluster: bool = False, **kw: Any) -> DbParameterGroup:
    cls = DbClusterParameterGroup if cluster else DbParameterGroup
    return cls(
        arn=f"arn:aws:rds:{REGION}:{ACCOUNT}:{'cluster-pg' if cluster else 'pg'}:{name}",
        native_id=name,
        account=ACCOUNT,
        region=REGION,
        family=kw.pop("family", "postgres15"),
        parameters=params,
        **kw,
    )


def test_pending_reboot_engines_without_a_parameter_and_clusters() -> None:
    static = DbParameter("rds.force_ssl", "1", "user", apply_type="static", apply_method="pending-reboot")
    dynamic = DbParameter("rds.force_ssl", "1", "user", apply_type="dynamic", apply_method="immediate")

    def db(name: str, engine: str, group: str, status: str = "in-sync", **kw: Any) -> DbInstance:
        return DbInstance(
            arn=f"arn:aws:rds:{REGION}:{ACCOUNT}:db:{name}",
            native_id=name,
            account=ACCOUNT,
            region=REGION,
            engine=engine,
            parameter_groups=(group,),
            parameter_apply_status={group: status},
            **kw,
        )

    inventory = Inventory(
        [
            _pg("sql-static", {"rds.force_ssl": static}, family="sqlserver-se-15.0"),
            _pg("pg-dynamic", {"rds.force_ssl": dynamic}),
            _pg(
                "unread",
                {},
                unresolved={"engine_defaults": "access denied: rds:DescribeEngineDefaultParameters"},
            ),
            _pg(
                "aurora-tls",
                {"require_secure_transport": DbParameter("require_secure_transport", "ON", "user")},
                cluster=True,
                family="aurora-mysql8.0",
            ),
            db("mssql", "sqlserver-se", "sql-static", "pending-reboot"),
            db("pg-busy", "postgres", "pg-dynamic", "pending-reboot"),
            db("pg-unread", "postgres", "unread"),
            db("ora", "oracle-ee", "default.oracle-ee-19"),
            db("member-1", "aurora-mysql", "default.aurora-mysql8.0", cluster_id="cover"),
            DbCluster(
                arn=f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:cover",
                native_id="cover",
                account=ACCOUNT,
                region=REGION,
                engine="aurora-mysql",
                parameter_group="aurora-tls",
                member_parameter_status={"member-1": "in-sync"},
            ),
        ]
    )
    found = {f.resource_id.rsplit(":", 1)[-1]: f for f in evaluate(inventory, [CHECK], strict=True)}
    assert found["mssql"].status is Status.FAIL
    assert "pending-reboot" in found["mssql"].message
    assert found["pg-busy"].status is Status.PASS  # a dynamic parameter applied at once is in effect
    assert found["pg-unread"].status is Status.UNKNOWN
    assert found["ora"].status is Status.UNKNOWN
    assert "option group" in found["ora"].message
    assert found["member-1"].status is Status.NOT_APPLICABLE
    assert found["cover"].status is Status.PASS
