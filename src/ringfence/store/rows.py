"""Model objects to table rows and back. No SQL here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import RowMapping

from ringfence.model.base import Resource, SourceLocation, resource_from_jsonable, to_jsonable
from ringfence.model.findings import CoverageGap, Finding, Severity, Status
from ringfence.model.scan import ScanInfo
from ringfence.store.errors import StoreError
from ringfence.store.schema import STATE_COMPLETE

Row = dict[str, Any]


def utc_instant(text: str, what: str) -> dt.datetime:
    """An ISO-8601 time as naive UTC (naive input is taken to be UTC already)."""
    try:
        value = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise StoreError(f"cannot store the scan: its {what} time {text!r} is not ISO-8601") from None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def scan_row(info: ScanInfo, saved_at: dt.datetime) -> Row:
    return {
        "id": info.id,
        "started": info.started,
        "finished": info.finished,
        "started_at": utc_instant(info.started, "start"),
        "finished_at": utc_instant(info.finished, "finish"),
        "saved_at": saved_at,
        "source": info.source,
        "state": STATE_COMPLETE,
        "accounts": list(info.accounts),
        "regions": list(info.regions),
        "resource_count": info.resource_count,
    }


def gap_rows(scan_id: str, gaps: Iterable[CoverageGap]) -> Iterator[Row]:
    for seq, gap in enumerate(gaps):
        yield {
            "scan_id": scan_id,
            "seq": seq,
            "account": gap.account,
            "region": gap.region,
            "service": gap.service,
            "operation": gap.operation,
            "error_code": gap.error_code,
            "message": gap.message,
        }


def resource_rows(scan_id: str, resources: Iterable[Resource]) -> Iterator[Row]:
    for seq, resource in enumerate(resources):
        yield {
            "scan_id": scan_id,
            "seq": seq,
            "arn": resource.arn,
            "kind": resource.KIND,
            "account": resource.account,
            "region": resource.region,
            "data": to_jsonable(resource),
        }


def finding_rows(scan_id: str, findings: Iterable[Finding]) -> Iterator[Row]:
    for seq, finding in enumerate(findings):
        yield {
            "scan_id": scan_id,
            "seq": seq,
            "fingerprint": finding.fingerprint,
            "control_id": finding.control_id,
            "status": finding.status.value,
            "severity": finding.severity.value,
            "resource_id": finding.resource_id,
            "resource_type": finding.resource_type,
            "account": finding.account,
            "region": finding.region,
            "message": finding.message,
            "title": finding.title,
            "remediation": finding.remediation,
            "location": to_jsonable(finding.location) if finding.location else None,
        }


def scan_info(row: RowMapping, gaps: Iterable[CoverageGap]) -> ScanInfo:
    return ScanInfo(
        id=row["id"],
        started=row["started"],
        finished=row["finished"],
        source=row["source"],
        accounts=tuple(row["accounts"]),
        regions=tuple(row["regions"]),
        coverage_gaps=tuple(gaps),
        resource_count=row["resource_count"],
    )


def coverage_gap(row: RowMapping) -> CoverageGap:
    return CoverageGap(
        account=row["account"],
        region=row["region"],
        service=row["service"],
        operation=row["operation"],
        error_code=row["error_code"],
        message=row["message"],
    )


def finding(row: RowMapping) -> Finding:
    try:
        status, severity = Status(row["status"]), Severity(row["severity"])
    except ValueError as error:
        raise StoreError(
            f"scan {row['scan_id']} holds a finding this ringfence cannot read ({error})"
        ) from None
    location = row["location"]
    return Finding(
        control_id=row["control_id"],
        status=status,
        severity=severity,
        resource_id=row["resource_id"],
        resource_type=row["resource_type"],
        account=row["account"],
        region=row["region"],
        message=row["message"],
        title=row["title"],
        remediation=row["remediation"],
        location=SourceLocation(**location) if location else None,
        fingerprint=row["fingerprint"],
    )


def resource(row: RowMapping) -> Resource:
    try:
        return resource_from_jsonable(row["data"])
    except (ValueError, TypeError, KeyError) as error:
        raise StoreError(
            f"scan {row['scan_id']} holds a resource this ringfence cannot read ({row['arn']}: {error})"
        ) from None
