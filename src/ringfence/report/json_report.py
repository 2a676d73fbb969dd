"""The JSON report: the machine contract (schema in data/report.schema.json, docs/report-json.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ringfence.model.findings import CoverageGap, Finding, Remediation
from ringfence.model.scan import ScanResult
from ringfence.report.summary import (
    ControlRow,
    Counts,
    account_rows,
    control_rows,
    count,
    ordered,
    ordered_gaps,
    resource_name,
)

if TYPE_CHECKING:
    from ringfence.checks.registry import CheckMeta

SCHEMA_VERSION = 1


def render_json(result: ScanResult, checks: Mapping[str, CheckMeta] | None = None) -> str:
    return json.dumps(report_document(result, checks), indent=2, ensure_ascii=False) + "\n"


def report_document(result: ScanResult, checks: Mapping[str, CheckMeta] | None = None) -> dict[str, Any]:
    """The report as plain JSON data, in the documented field order."""
    info = result.info
    findings = ordered(result.findings)
    return {
        "schema_version": SCHEMA_VERSION,
        "scan": {
            "id": info.id,
            "started": info.started,
            "finished": info.finished,
            "source": info.source,
            "accounts": list(info.accounts),
            "regions": list(info.regions),
            "resource_count": info.resource_count,
            "complete": info.complete,
            "coverage_gaps": [gap_document(g) for g in ordered_gaps(info.coverage_gaps)],
        },
        "summary": {
            **counts_document(count(findings)),
            "by_account": [
                {"account": row.account, "resource_count": row.resources, **counts_document(row.counts)}
                for row in account_rows(result)
            ],
        },
        "controls": [control_document(row) for row in control_rows(findings, checks)],
        "findings": [finding_document(f, resource_name(result, f)) for f in findings],
    }


def counts_document(counts: Counts) -> dict[str, Any]:
    return {
        "total": counts.total,
        "by_status": {s.value: n for s, n in counts.by_status.items()},
        "failing_by_severity": {s.value: n for s, n in counts.failing_by_severity.items()},
        "unknown_by_severity": {s.value: n for s, n in counts.unknown_by_severity.items()},
    }


def gap_document(gap: CoverageGap) -> dict[str, str]:
    return {
        "account": gap.account,
        "region": gap.region,
        "service": gap.service,
        "operation": gap.operation,
        "error_code": gap.error_code,
        "message": gap.message,
    }


def finding_document(f: Finding, name: str | None) -> dict[str, Any]:
    location = f.location
    return {
        "control_id": f.control_id,
        "title": f.title,
        "status": f.status.value,
        "severity": f.severity.value,
        "resource_id": f.resource_id,
        "resource_type": f.resource_type,
        "resource_name": name,
        "account": f.account,
        "region": f.region,
        "message": f.message,
        "remediation": f.remediation,
        "fingerprint": f.fingerprint,
        "location": (
            None
            if location is None
            else {"file": location.file, "line": location.line, "path": location.path}
        ),
    }


def control_document(row: ControlRow) -> dict[str, Any]:
    meta = row.meta
    return {
        "control_id": row.control_id,
        "title": row.title,
        "severity": row.severity.value,
        **counts_document(row.counts),
        "rationale": meta.rationale if meta else None,
        "remediation": remediation_document(meta.remediation) if meta else None,
        "frameworks": (
            {
                "cis": list(meta.frameworks.cis),
                "fsbp": list(meta.frameworks.fsbp),
                "nist_800_53": list(meta.frameworks.nist_800_53),
            }
            if meta
            else None
        ),
    }


def remediation_document(r: Remediation) -> dict[str, str | None]:
    return {"text": r.text, "cli": r.cli, "cloudformation": r.cloudformation, "terraform": r.terraform}
