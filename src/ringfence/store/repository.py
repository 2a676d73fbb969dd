"""The queries of the scan store; each function runs inside the caller's connection/transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from itertools import islice

from sqlalchemy import Connection, RowMapping, ScalarSelect, Table, func, select

from ringfence.model.base import Resource
from ringfence.model.findings import CoverageGap, Finding, Severity, Status
from ringfence.model.inventory import Inventory
from ringfence.model.scan import ScanInfo, ScanResult
from ringfence.store import rows
from ringfence.store.schema import STATE_COMPLETE, coverage_gaps, findings, resources, scans
from ringfence.store.summary import ScanSummary

BATCH_SIZE = 5000  # rows per executemany: bounded memory for scans of 100,000 resources
_NEWEST_FIRST = (scans.c.started_at.desc(), scans.c.saved_at.desc(), scans.c.id.desc())


# --- writing ----------------------------------------------------------------------------------


def insert_scan(conn: Connection, result: ScanResult, *, batch_size: int = BATCH_SIZE) -> None:
    """Insert one scan and everything in it (the caller owns the transaction)."""
    scan_id = result.info.id
    saved_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    conn.execute(scans.insert(), [rows.scan_row(result.info, saved_at)])
    insert_rows(conn, coverage_gaps, rows.gap_rows(scan_id, result.info.coverage_gaps), batch_size)
    insert_rows(conn, findings, rows.finding_rows(scan_id, result.findings), batch_size)
    insert_rows(conn, resources, rows.resource_rows(scan_id, result.inventory), batch_size)


def insert_rows(conn: Connection, table: Table, new_rows: Iterator[rows.Row], batch_size: int) -> None:
    while batch := list(islice(new_rows, batch_size)):
        conn.execute(table.insert(), batch)


# --- finding scans ----------------------------------------------------------------------------


def exists(conn: Connection, scan_id: str) -> bool:
    return conn.execute(select(scans.c.id).where(scans.c.id == scan_id)).first() is not None


def ids_with_prefix(conn: Connection, prefix: str, limit: int) -> list[str]:
    """Up to `limit` scan ids starting with `prefix` (compared exactly, as bound parameters)."""
    starts = func.substr(scans.c.id, 1, len(prefix)) == prefix
    query = select(scans.c.id).where(starts).order_by(scans.c.id).limit(limit)
    return list(conn.execute(query).scalars())


def newest_ids(conn: Connection, limit: int | None) -> list[str]:
    query = select(scans.c.id).where(scans.c.state == STATE_COMPLETE).order_by(*_NEWEST_FIRST)
    return list(conn.execute(query if limit is None else query.limit(limit)).scalars())


# --- reading ----------------------------------------------------------------------------------


def load_scan(conn: Connection, scan_id: str) -> ScanResult | None:
    row = conn.execute(select(scans).where(scans.c.id == scan_id)).mappings().first()
    if row is None:
        return None
    info = rows.scan_info(row, load_gaps(conn, scan_id))
    return ScanResult(
        info=info,
        findings=tuple(load_findings(conn, scan_id)),
        inventory=Inventory(load_resources(conn, scan_id)),
    )


def load_gaps(conn: Connection, scan_id: str) -> list[CoverageGap]:
    query = select(coverage_gaps).where(coverage_gaps.c.scan_id == scan_id).order_by(coverage_gaps.c.seq)
    return [rows.coverage_gap(row) for row in conn.execute(query).mappings()]


def load_findings(conn: Connection, scan_id: str) -> Iterator[Finding]:
    query = select(findings).where(findings.c.scan_id == scan_id).order_by(findings.c.seq)
    for row in conn.execute(query.execution_options(yield_per=BATCH_SIZE)).mappings():
        yield rows.finding(row)


def load_resources(conn: Connection, scan_id: str) -> Iterator[Resource]:
    query = select(resources).where(resources.c.scan_id == scan_id).order_by(resources.c.seq)
    for row in conn.execute(query.execution_options(yield_per=BATCH_SIZE)).mappings():
        yield rows.resource(row)


def summaries(conn: Connection, limit: int | None) -> list[ScanSummary]:
    """The newest `limit` scans (all when None), newest first, with their counts."""
    complete = scans.c.state == STATE_COMPLETE  # a running (or interrupted) scan is not history yet
    query = select(scans).where(complete).order_by(*_NEWEST_FIRST)
    scan_rows = list(conn.execute(query if limit is None else query.limit(limit)).mappings())
    if not scan_rows:
        return []
    wanted = None
    if limit is not None:
        wanted = select(scans.c.id).where(complete).order_by(*_NEWEST_FIRST).limit(limit).scalar_subquery()
    gaps = _gap_counts(conn, wanted)
    counts = _finding_counts(conn, wanted)
    return [_summary(row, gaps.get(row["id"], 0), counts.get(row["id"], [])) for row in scan_rows]


_Count = tuple[str, str, int]  # status, severity, count


def _gap_counts(conn: Connection, wanted: ScalarSelect[str] | None) -> dict[str, int]:
    query = select(coverage_gaps.c.scan_id, func.count()).group_by(coverage_gaps.c.scan_id)
    if wanted is not None:
        query = query.where(coverage_gaps.c.scan_id.in_(wanted))
    return {scan_id: count for scan_id, count in conn.execute(query)}


def _finding_counts(conn: Connection, wanted: ScalarSelect[str] | None) -> dict[str, list[_Count]]:
    columns = (findings.c.scan_id, findings.c.status, findings.c.severity)
    query = select(*columns, func.count()).group_by(*columns)
    if wanted is not None:
        query = query.where(findings.c.scan_id.in_(wanted))
    out: dict[str, list[_Count]] = {}
    for scan_id, status, severity, count in conn.execute(query):
        out.setdefault(scan_id, []).append((status, severity, count))
    return out


def _summary(row: RowMapping, gap_count: int, counts: Iterable[_Count]) -> ScanSummary:
    by_status = dict.fromkeys(Status, 0)
    failing = dict.fromkeys(Severity, 0)
    for status, severity, count in counts:
        if status in by_status:
            by_status[Status(status)] += count
        if status == Status.FAIL and severity in failing:
            failing[Severity(severity)] += count
    info: ScanInfo = rows.scan_info(row, ())
    return ScanSummary(
        id=info.id,
        started=info.started,
        finished=info.finished,
        source=info.source,
        accounts=info.accounts,
        regions=info.regions,
        resource_count=info.resource_count,
        gap_count=gap_count,
        findings_by_status=by_status,
        failing_by_severity=failing,
    )
