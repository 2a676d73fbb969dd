"""Terminal output: the `table` report and the short summary the CLI prints after every scan.

Every piece of text from the estate (ids, names, tags, messages) goes into a `rich.text.Text`,
which rich never parses for markup, after control characters are made visible: a tag value
cannot style the output ("[bold]") or drive the terminal (an ANSI escape sequence).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ringfence.model.findings import Finding, Severity, Status
from ringfence.model.scan import ScanResult
from ringfence.report.summary import (
    SEVERITIES_DESC,
    STATUS_LABELS,
    STATUS_ORDER,
    Counts,
    control_rows,
    count,
    human_time,
    ordered_gaps,
    ranked,
    resource_name,
    top_failing,
)

SEVERITY_STYLES = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
STATUS_STYLES = {
    Status.FAIL: "bold red",
    Status.UNKNOWN: "magenta",
    Status.SUPPRESSED: "dim",
    Status.PASS: "green",
    Status.NOT_APPLICABLE: "dim",
}
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: str, style: str = "") -> Text:
    """Untrusted text as a rich Text: no markup, control characters shown as \\xNN."""
    return Text(_CONTROL_CHARS.sub(lambda m: f"\\x{ord(m.group()):02x}", text), style=style)


def render_table(result: ScanResult, *, width: int = 132) -> str:
    """The whole report as plain text tables (no colour codes): for a file or a pipe."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, soft_wrap=False)
    console.print(_headline(result))
    console.print(severity_table(count(result.findings)))
    findings = ranked(result.findings)
    for status, title in ((Status.FAIL, "Failing findings"), (Status.UNKNOWN, "Could not decide (UNKNOWN)")):
        selected = [f for f in findings if f.status is status]
        if selected:
            console.print(findings_table(result, selected, title=f"{title}: {len(selected)}"))
    if not any(f.status is Status.FAIL for f in findings):
        console.print(Text("No failing findings."))
    if result.info.coverage_gaps:
        console.print(gaps_table(result))
    return buffer.getvalue()


def print_summary(result: ScanResult, console: Console, *, top: int = 5, max_gaps: int = 5) -> None:
    """A short summary: counts by severity and status, the controls to fix first, coverage gaps."""
    console.print(_headline(result))
    console.print(severity_table(count(result.findings)))
    worst = top_failing(control_rows(result.findings), top)
    if worst:
        table = Table(title="Top failing controls", title_justify="left", show_edge=False)
        table.add_column("control", no_wrap=True)
        table.add_column("severity", no_wrap=True)
        table.add_column("failing", justify="right")
        table.add_column("title", overflow="fold")
        for row in worst:
            severity = row.worst_failing or row.severity
            table.add_row(
                safe(row.control_id),
                safe(severity.value, SEVERITY_STYLES[severity]),
                str(row.counts.failing),
                safe(row.title),
            )
        console.print(table)
    gaps = ordered_gaps(result.info.coverage_gaps)
    if gaps:
        console.print(Text(f"Scan incomplete: {_plural(len(gaps), 'coverage gap')}", style="bold yellow"))
        for gap in gaps[:max_gaps]:
            console.print(safe(f"  - {gap.describe()}"))
        if len(gaps) > max_gaps:
            console.print(Text(f"  ... and {len(gaps) - max_gaps} more (see the full report)"))


def _headline(result: ScanResult) -> Text:
    info = result.info
    state = (
        Text("complete", style="green")
        if info.complete
        else Text.assemble(
            ("INCOMPLETE", "bold yellow"), f" ({_plural(len(info.coverage_gaps), 'coverage gap')})"
        )
    )
    return Text.assemble(
        ("ringfence scan ", "bold"),
        safe(f"{info.id[:12]} ({info.source}) {human_time(info.started)} .. {human_time(info.finished)}"),
        "\n",
        f"{_plural(len(info.accounts), 'account')}, {_plural(len(info.regions), 'region')}, "
        f"{_plural(info.resource_count, 'resource')}; ",
        state,
    )


def severity_table(counts: Counts) -> Table:
    """Rows per severity, columns per status, and a total row."""
    table = Table(title="Findings by severity and status", title_justify="left", show_edge=False)
    table.add_column("severity", no_wrap=True)
    for status in STATUS_ORDER:
        table.add_column(STATUS_LABELS[status], justify="right")
    for severity in SEVERITIES_DESC:
        row = counts.matrix[severity]
        table.add_row(
            Text(severity.value, style=SEVERITY_STYLES[severity]), *(_n(row[s], s) for s in STATUS_ORDER)
        )
    table.add_section()
    table.add_row("all", *(_n(counts.by_status[s], s) for s in STATUS_ORDER))
    return table


def _n(n: int, status: Status) -> Text:
    return Text(str(n), style=STATUS_STYLES[status] if n else "dim")


def findings_table(result: ScanResult, findings: Iterable[Finding], *, title: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=True, show_edge=False)
    table.add_column("severity", no_wrap=True)
    table.add_column("control", no_wrap=True)
    table.add_column("resource", overflow="fold", ratio=2)
    table.add_column("account / region", overflow="fold")
    table.add_column("message", overflow="fold", ratio=3)
    for f in findings:
        resource = safe(f.resource_id)
        name = resource_name(result, f)
        if name:
            resource = Text.assemble(safe(name, "bold"), "\n", resource)
        where = "/".join(p for p in (f.account, f.region) if p)
        table.add_row(
            safe(f.severity.value, SEVERITY_STYLES[f.severity]),
            safe(f.control_id),
            resource,
            safe(where),
            safe(f.message),
        )
    return table


def gaps_table(result: ScanResult) -> Table:
    table = Table(title="Coverage gaps (not read, so not checked)", title_justify="left", show_edge=False)
    for column in ("account", "region", "service", "operation", "error"):
        table.add_column(column, overflow="fold")
    for gap in ordered_gaps(result.info.coverage_gaps):
        table.add_row(
            safe(gap.account),
            safe(gap.region or "global"),
            safe(gap.service),
            safe(gap.operation),
            safe(f"{gap.error_code}: {gap.message}"),
        )
    return table


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
