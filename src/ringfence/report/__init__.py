"""Reports: a ScanResult presented as a terminal table, JSON, CSV or a self-contained HTML file.

Reports never compute findings or decide anything; they order, count and format what the checks
decided. `checks` (CheckMeta by control id), when given, adds each control's rationale,
remediation snippets and framework references to the JSON and HTML reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ringfence.model.scan import ScanResult

if TYPE_CHECKING:
    from ringfence.checks.registry import CheckMeta
    from ringfence.report.terminal import print_summary


def __getattr__(name: str) -> Any:
    # Lazy, so that rich is imported only where a terminal summary is printed (not by `ringfence iac`).
    if name == "print_summary":
        from ringfence.report.terminal import print_summary

        return print_summary
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["FORMATS", "print_summary", "render", "write_report"]

FORMATS: tuple[str, ...] = ("table", "json", "csv", "html", "sarif", "junit")


def render(result: ScanResult, fmt: str, *, checks: Mapping[str, CheckMeta] | None = None) -> str:
    """The report of `result` in `fmt` (one of FORMATS) as text."""
    if fmt == "table":
        from ringfence.report.terminal import render_table

        return render_table(result)
    if fmt == "json":
        from ringfence.report.json_report import render_json

        return render_json(result, checks)
    if fmt == "csv":
        from ringfence.report.csv_report import render_csv

        return render_csv(result)
    if fmt == "html":
        from ringfence.report.html_report import render_html

        return render_html(result, checks)
    if fmt == "sarif":
        from ringfence.report.sarif import render_sarif

        return render_sarif(result, checks)
    if fmt == "junit":
        from ringfence.report.junit import render_junit

        return render_junit(result)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")


def write_report(
    result: ScanResult,
    fmt: str,
    path: str | Path,
    *,
    checks: Mapping[str, CheckMeta] | None = None,
) -> Path:
    """Render and write the report to `path` (UTF-8, exactly as rendered); returns the path."""
    text = render(result, fmt, checks=checks)
    target = Path(path)
    with target.open("w", encoding="utf-8", newline="") as out:
        out.write(text)
    return target
