"""Resumable scans: a "running" scan row, each finished account's resources and gaps stored as it
completes, and the final result written over them. Functions run inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from ringfence.model.base import Resource
from ringfence.model.findings import CoverageGap
from ringfence.model.scan import ScanResult
from ringfence.store import rows
from ringfence.store.errors import StoreError
from ringfence.store.repository import BATCH_SIZE, insert_rows, load_gaps, load_resources
from ringfence.store.schema import (
    STATE_COMPLETE,
    STATE_RUNNING,
    coverage_gaps,
    findings,
    resources,
    scan_accounts,
    scans,
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def begin(conn: Connection, scan_id: str, started: str, source: str) -> None:
    at = rows.utc_instant(started, "start")
    conn.execute(
        scans.insert(),
        [
            {
                "id": scan_id,
                "started": started,
                "finished": started,
                "started_at": at,
                "finished_at": at,
                "saved_at": _now(),
                "source": source,
                "state": STATE_RUNNING,
                "accounts": [],
                "regions": [],
                "resource_count": 0,
            }
        ],
    )


def state_of(conn: Connection, scan_id: str) -> str | None:
    return conn.execute(select(scans.c.state).where(scans.c.id == scan_id)).scalar()


def started_of(conn: Connection, scan_id: str) -> str:
    return str(conn.execute(select(scans.c.started).where(scans.c.id == scan_id)).scalar())


def _next_seq(conn: Connection, table: Any, scan_id: str) -> int:
    found = conn.execute(select(func.max(table.c.seq)).where(table.c.scan_id == scan_id)).scalar()
    return 0 if found is None else int(found) + 1


def add_account(
    conn: Connection,
    scan_id: str,
    account: str,
    regions: Iterable[str],
    found: Iterable[Resource],
    gaps: Iterable[CoverageGap],
    incomplete: Iterable[tuple[str, str, str]],
) -> None:
    """Store one finished account of a running scan (again: what an earlier run stored is replaced)."""
    if state_of(conn, scan_id) != STATE_RUNNING:
        raise StoreError(f"scan {scan_id} is not a running scan")
    _forget_account(conn, scan_id, account)
    seq = _next_seq(conn, coverage_gaps, scan_id)
    gap_rows = ({**row, "seq": row["seq"] + seq} for row in rows.gap_rows(scan_id, gaps))
    insert_rows(conn, coverage_gaps, gap_rows, BATCH_SIZE)
    seq = _next_seq(conn, resources, scan_id)
    resource_rows = ({**row, "seq": row["seq"] + seq} for row in rows.resource_rows(scan_id, found))
    insert_rows(conn, resources, resource_rows, BATCH_SIZE)
    conn.execute(
        scan_accounts.insert(),
        [
            {
                "scan_id": scan_id,
                "account": account,
                "regions": list(regions),
                "incomplete": sorted([region, kind] for acct, region, kind in incomplete if acct == account),
                "finished_at": _now(),
            }
        ],
    )


def _forget_account(conn: Connection, scan_id: str, account: str) -> None:
    conn.execute(
        delete(scan_accounts).where(scan_accounts.c.scan_id == scan_id, scan_accounts.c.account == account)
    )
    conn.execute(delete(resources).where(resources.c.scan_id == scan_id, resources.c.account == account))
    conn.execute(
        delete(coverage_gaps).where(coverage_gaps.c.scan_id == scan_id, coverage_gaps.c.account == account)
    )


def finished_accounts(
    conn: Connection, scan_id: str
) -> dict[str, tuple[tuple[str, ...], list[Resource], list[CoverageGap], set[tuple[str, str, str]]]]:
    """account -> (regions, resources, gaps, incomplete) of each account the running scan finished."""
    out: dict[str, tuple[tuple[str, ...], list[Resource], list[CoverageGap], set[tuple[str, str, str]]]] = {}
    for row in conn.execute(select(scan_accounts).where(scan_accounts.c.scan_id == scan_id)).mappings():
        account = str(row["account"])
        incomplete = {(account, str(region), str(kind)) for region, kind in row["incomplete"]}
        out[account] = (tuple(row["regions"]), [], [], incomplete)
    for resource in load_resources(conn, scan_id):
        if resource.account in out:
            out[resource.account][1].append(resource)
    for gap in load_gaps(conn, scan_id):
        if gap.account in out:
            out[gap.account][2].append(gap)
    return out


def running_ids(conn: Connection) -> list[str]:
    query = select(scans.c.id).where(scans.c.state == STATE_RUNNING).order_by(scans.c.started_at.desc())
    return list(conn.execute(query).scalars())


def finish(conn: Connection, result: ScanResult) -> None:
    """Write the whole result over the running scan's rows and mark it complete."""
    scan_id = result.info.id
    for table in (scan_accounts, resources, coverage_gaps, findings):
        conn.execute(delete(table).where(table.c.scan_id == scan_id))
    row = rows.scan_row(result.info, _now())
    del row["id"]
    row["state"] = STATE_COMPLETE
    conn.execute(update(scans).where(scans.c.id == scan_id).values(**row))
    insert_rows(conn, coverage_gaps, rows.gap_rows(scan_id, result.info.coverage_gaps), BATCH_SIZE)
    insert_rows(conn, findings, rows.finding_rows(scan_id, result.findings), BATCH_SIZE)
    insert_rows(conn, resources, rows.resource_rows(scan_id, result.inventory), BATCH_SIZE)
