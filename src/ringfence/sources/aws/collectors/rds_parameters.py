"""RDS parameter groups (DB and DB cluster) with the TLS parameters they set and their engine defaults.

Only the parameters in TLS_PARAMETERS are kept. A group's own values are read with the Source filter
(user: set by the customer; system: set by RDS), one short listing each instead of every parameter
of the engine; what a group leaves unset takes the family's default, read once per family
(DescribeEngineDefaultParameters / DescribeEngineDefaultClusterParameters). A failed read leaves
`parameters` or `engine_defaults` unresolved on the group.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ringfence.model.database import DbClusterParameterGroup, DbParameter, DbParameterGroup
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.registry import collector

TLS_PARAMETERS = frozenset(
    {"rds.force_ssl", "require_secure_transport", "ssl", "ssl_min_protocol_version", "tls_version"}
)
SOURCES = ("user", "system")
PAGE = 100  # the largest MaxRecords these listings accept


@collector(
    "rds.db_parameter_groups",
    service="rds",
    iam_actions=(
        "rds:DescribeDBParameterGroups",
        "rds:DescribeDBParameters",
        "rds:DescribeEngineDefaultParameters",
    ),
    produces=(DbParameterGroup,),
)
def collect_db_parameter_groups(ctx: CollectContext) -> Iterator[DbParameterGroup]:
    defaults: dict[str, tuple[dict[str, DbParameter], str | None]] = {}
    for group in ctx.iter_pages("describe_db_parameter_groups", "DBParameterGroups"):
        name = str(group["DBParameterGroupName"])
        family = group.get("DBParameterGroupFamily")
        params, gone, error = _group_parameters(
            ctx, "describe_db_parameters", "DBParameterGroupNotFound", DBParameterGroupName=name
        )
        if gone:
            continue
        if family and family not in defaults:
            defaults[family] = _engine_defaults(ctx, "describe_engine_default_parameters", family)
        found, default_error = defaults.get(family or "", ({}, None))
        yield DbParameterGroup(
            arn=str(group.get("DBParameterGroupArn") or ctx.arn("rds", f"pg:{name}")),
            native_id=name,
            account=ctx.account,
            region=ctx.region,
            family=family,
            parameters=params,
            engine_defaults=found,
            unresolved=_unresolved(error, default_error),
        )


@collector(
    "rds.db_cluster_parameter_groups",
    service="rds",
    iam_actions=(
        "rds:DescribeDBClusterParameterGroups",
        "rds:DescribeDBClusterParameters",
        "rds:DescribeEngineDefaultClusterParameters",
    ),
    produces=(DbClusterParameterGroup,),
)
def collect_db_cluster_parameter_groups(ctx: CollectContext) -> Iterator[DbClusterParameterGroup]:
    defaults: dict[str, tuple[dict[str, DbParameter], str | None]] = {}
    for group in ctx.iter_pages("describe_db_cluster_parameter_groups", "DBClusterParameterGroups"):
        name = str(group["DBClusterParameterGroupName"])
        family = group.get("DBParameterGroupFamily")
        params, gone, error = _group_parameters(
            ctx,
            "describe_db_cluster_parameters",
            "DBParameterGroupNotFound",
            DBClusterParameterGroupName=name,
        )
        if gone:
            continue
        if family and family not in defaults:
            defaults[family] = _engine_defaults(ctx, "describe_engine_default_cluster_parameters", family)
        found, default_error = defaults.get(family or "", ({}, None))
        yield DbClusterParameterGroup(
            arn=str(group.get("DBClusterParameterGroupArn") or ctx.arn("rds", f"cluster-pg:{name}")),
            native_id=name,
            account=ctx.account,
            region=ctx.region,
            family=family,
            parameters=params,
            engine_defaults=found,
            unresolved=_unresolved(error, default_error),
        )


def _unresolved(error: str | None, default_error: str | None) -> dict[str, str]:
    unresolved: dict[str, str] = {}
    if error:
        unresolved["parameters"] = error
    if default_error:
        unresolved["engine_defaults"] = default_error
    return unresolved


def _group_parameters(
    ctx: CollectContext, operation: str, not_found: str, **kwargs: Any
) -> tuple[dict[str, DbParameter], bool, str | None]:
    """(TLS parameters the group sets, group gone, error); user values win over system ones."""
    found: dict[str, DbParameter] = {}
    for source in reversed(SOURCES):  # system first, so user values overwrite them
        marker: str | None = None
        while True:
            page = {"Marker": marker} if marker else {}
            reply = ctx.call(operation, absent=(not_found,), Source=source, MaxRecords=PAGE, **kwargs, **page)
            if reply.absent:
                return {}, True, None
            if reply.error:
                return {}, False, reply.error
            found.update(_kept(reply.data.get("Parameters", []), source))
            marker = reply.data.get("Marker")
            if not marker:
                break
    return found, False, None


def _engine_defaults(
    ctx: CollectContext, operation: str, family: str
) -> tuple[dict[str, DbParameter], str | None]:
    found: dict[str, DbParameter] = {}
    marker: str | None = None
    while True:
        page = {"Marker": marker} if marker else {}
        reply = ctx.call(operation, DBParameterGroupFamily=family, MaxRecords=PAGE, **page)
        if reply.error:
            return {}, reply.error
        defaults = reply.data.get("EngineDefaults") or {}
        found.update(_kept(defaults.get("Parameters", []), "engine-default"))
        marker = defaults.get("Marker")
        if not marker:
            return found, None


def _kept(items: Iterable[Mapping[str, Any]], source: str) -> dict[str, DbParameter]:
    return {
        str(p["ParameterName"]): DbParameter(
            name=str(p["ParameterName"]),
            value=None if p.get("ParameterValue") is None else str(p["ParameterValue"]),
            source=p.get("Source") or source,
            apply_type=p.get("ApplyType"),
            apply_method=p.get("ApplyMethod"),
        )
        for p in items
        if p.get("ParameterName") in TLS_PARAMETERS
    }
