"""The tables of the scan store (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Every row of a scan carries its `scan_id`; child rows keep their order in the scan with `seq`.
Findings are columns (so diffs, lifecycles and dashboards can filter in SQL) and are keyed across
scans by their stable `fingerprint`; resources are one JSON document each.

Bump SCHEMA_VERSION whenever these tables change and add the upgrade to migrate.MIGRATIONS.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeEngine

SCHEMA_VERSION = 2  # 2: scan_accounts (resumable scans)
SCHEMA_VERSION_KEY = "schema_version"

# Scan states: a finished scan is "complete"; a resumable (--org) scan is "running" while its
# accounts are stored one by one, and only a complete scan is listed in the history.
STATE_COMPLETE = "complete"
STATE_RUNNING = "running"

metadata = MetaData()


def _json(*, none_as_null: bool = False) -> TypeEngine[Any]:
    """JSON everywhere, JSONB on PostgreSQL (indexable and queryable)."""
    return JSON(none_as_null=none_as_null).with_variant(JSONB(none_as_null=none_as_null), "postgresql")


def _scan_id() -> Column[str]:
    return Column("scan_id", String(64), ForeignKey("scans.id", ondelete="CASCADE"), primary_key=True)


meta = Table(
    "ringfence_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(255), nullable=False),
)

scans = Table(
    "scans",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("started", String(64), nullable=False),  # ISO-8601 text exactly as the scan gave it
    Column("finished", String(64), nullable=False),
    Column("started_at", DateTime(), nullable=False),  # the same instants, naive UTC, for SQL
    Column("finished_at", DateTime(), nullable=False),
    Column("saved_at", DateTime(), nullable=False),
    Column("source", String(32), nullable=False),
    Column("state", String(16), nullable=False, server_default=STATE_COMPLETE),
    Column("accounts", _json(), nullable=False),  # list of account ids
    Column("regions", _json(), nullable=False),  # list of region names
    Column("resource_count", Integer, nullable=False),
    Index("ix_scans_started_at", "started_at"),
)

coverage_gaps = Table(
    "coverage_gaps",
    metadata,
    _scan_id(),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("account", String(), nullable=False),
    Column("region", String(), nullable=False),
    Column("service", String(), nullable=False),
    Column("operation", String(), nullable=False),
    Column("error_code", String(), nullable=False),
    Column("message", Text, nullable=False),
)

resources = Table(
    "resources",
    metadata,
    _scan_id(),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("arn", Text, nullable=False),
    Column("kind", String(64), nullable=False),
    Column("account", String(), nullable=False),
    Column("region", String(), nullable=False),
    Column("data", _json(), nullable=False),  # ringfence.model.to_jsonable(resource)
    Index("ux_resources_scan_arn", "scan_id", "arn", unique=True),
)

findings = Table(
    "findings",
    metadata,
    _scan_id(),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("fingerprint", String(64), nullable=False),
    Column("control_id", String(), nullable=False),
    Column("status", String(16), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("resource_id", Text, nullable=False),
    Column("resource_type", String(), nullable=False),
    Column("account", String(), nullable=False),
    Column("region", String(), nullable=False),
    Column("message", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("remediation", Text, nullable=False),
    Column("location", _json(none_as_null=True), nullable=True),  # SourceLocation of IaC findings
    # A finding's history across scans (lifecycles, diffs).
    Index("ix_findings_fingerprint", "fingerprint", "scan_id"),
    # Covers the per-scan counts of `ringfence history` without reading the rows.
    Index("ix_findings_scan_status", "scan_id", "status", "severity"),
)

# The accounts a running scan has finished: their resources and gaps are already in the tables
# above; `regions` and `incomplete` are what resuming needs besides them.
scan_accounts = Table(
    "scan_accounts",
    metadata,
    _scan_id(),
    Column("account", String(64), primary_key=True),
    Column("regions", _json(), nullable=False),  # regions scanned in the account
    Column("incomplete", _json(), nullable=False),  # [[region, KIND], ...] whose listing failed
    Column("finished_at", DateTime(), nullable=False),
)
