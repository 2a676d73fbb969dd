"""The CSV report: one row per finding, safe to open in a spreadsheet.

Resource names, tags and messages come from the scanned estate, so anyone who can tag a resource
controls cell text. A cell a spreadsheet would read as a formula gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io

from ringfence.model.findings import Finding
from ringfence.model.scan import ScanResult
from ringfence.report.summary import ordered, resource_name

COLUMNS: tuple[str, ...] = (
    "control_id",
    "title",
    "status",
    "severity",
    "resource_id",
    "resource_type",
    "resource_name",
    "account",
    "region",
    "message",
    "remediation",
    "fingerprint",
    "location_file",
    "location_line",
    "location_path",
)

# OWASP's list, plus the full-width forms some spreadsheet locales also evaluate.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def guard_cell(value: str) -> str:
    """The cell text, with a leading apostrophe if a spreadsheet would evaluate it."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def render_csv(result: ScanResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for finding in ordered(result.findings):
        writer.writerow([guard_cell(cell) for cell in _row(finding, resource_name(result, finding))])
    return buffer.getvalue()


def _row(f: Finding, name: str | None) -> list[str]:
    location = f.location
    return [
        f.control_id,
        f.title,
        f.status.value,
        f.severity.value,
        f.resource_id,
        f.resource_type,
        name or "",
        f.account,
        f.region,
        f.message,
        f.remediation,
        f.fingerprint,
        location.file if location else "",
        str(location.line) if location and location.line is not None else "",
        (location.path or "") if location else "",
    ]
