"""The HTML report's view model: everything the template shows, already counted and laid out.

The template only loops and prints; chart geometry is computed here so it can be tested and so
the template holds no arithmetic. Nothing here escapes text: the template's autoescape does that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ringfence.model.findings import CoverageGap, Finding, Severity, Status
from ringfence.model.scan import ScanInfo, ScanResult
from ringfence.report.summary import (
    ATTENTION,
    SEVERITIES_DESC,
    STATUS_LABELS,
    STATUS_ORDER,
    AccountRow,
    ControlRow,
    Counts,
    account_rows,
    control_key,
    control_rows,
    count,
    human_time,
    ordered_gaps,
    ranked,
    resource_name,
)

if TYPE_CHECKING:
    from ringfence.checks.registry import CheckMeta


@dataclass(frozen=True, slots=True)
class Segment:
    """One status's share of a stacked bar, in the bar's own units."""

    status: Status
    label: str
    n: int
    x: float
    width: float


@dataclass(frozen=True, slots=True)
class Bar:
    severity: Severity
    total: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Arc:
    """A donut slice as stroke-dasharray/offset on a circle of circumference 100."""

    status: Status
    label: str
    n: int
    dash: str
    offset: float


@dataclass(frozen=True, slots=True)
class FindingView:
    finding: Finding
    name: str | None
    where: str
    location: str | None


@dataclass(frozen=True, slots=True)
class Issue:
    """A control with findings that need attention, and what to do about it."""

    control: ControlRow
    findings: tuple[FindingView, ...]
    remediation_texts: tuple[str, ...]  # the findings' own remediation text when no metadata was given


@dataclass(frozen=True, slots=True)
class ReportView:
    info: ScanInfo
    started: str
    finished: str
    gaps: tuple[CoverageGap, ...]
    counts: Counts
    controls: tuple[ControlRow, ...]
    control_bars: Mapping[str, tuple[Segment, ...]]
    controls_failing: int
    issues: tuple[Issue, ...]
    findings: tuple[FindingView, ...]
    accounts: tuple[AccountRow, ...]
    account_bars: Mapping[str, tuple[Segment, ...]]
    bars: tuple[Bar, ...]
    arcs: tuple[Arc, ...]


CHART_WIDTH = 400.0  # the severity chart's bars, in SVG user units (the SVG stretches to fit)


def build_view(result: ScanResult, checks: Mapping[str, CheckMeta] | None) -> ReportView:
    info = result.info
    findings = tuple(_finding_view(result, f) for f in ranked(result.findings))
    controls = control_rows(result.findings, checks)
    counts = count(result.findings)
    accounts = account_rows(result)
    return ReportView(
        info=info,
        started=human_time(info.started),
        finished=human_time(info.finished),
        gaps=tuple(ordered_gaps(info.coverage_gaps)),
        counts=counts,
        controls=tuple(controls),
        control_bars={row.control_id: segments(row.counts, 100.0) for row in controls},
        controls_failing=sum(1 for row in controls if row.counts.failing),
        issues=tuple(_issues(controls, findings)),
        findings=findings,
        accounts=tuple(accounts),
        account_bars={row.account: segments(row.counts, 100.0) for row in accounts},
        bars=severity_bars(counts),
        arcs=donut(counts),
    )


def segments(counts: Counts, width: float) -> tuple[Segment, ...]:
    """The statuses of `counts` laid end to end over `width`."""
    return _segments(counts.by_status, width, None)


def _segments(by_status: Mapping[Status, int], width: float, scale: int | None) -> tuple[Segment, ...]:
    total = scale if scale is not None else sum(by_status.values())
    out: list[Segment] = []
    x = 0.0
    for status in STATUS_ORDER:
        n = by_status.get(status, 0)
        if not n or not total:
            continue
        w = round(width * n / total, 2)
        out.append(Segment(status, STATUS_LABELS[status], n, round(x, 2), w))
        x += w
    return tuple(out)


def severity_bars(counts: Counts) -> tuple[Bar, ...]:
    """One stacked bar per severity, all on the scale of the largest, so lengths compare."""
    largest = max((sum(row.values()) for row in counts.matrix.values()), default=0)
    return tuple(
        Bar(
            severity=severity,
            total=sum(counts.matrix[severity].values()),
            segments=_segments(counts.matrix[severity], CHART_WIDTH, largest or 1),
        )
        for severity in SEVERITIES_DESC
    )


def donut(counts: Counts) -> tuple[Arc, ...]:
    """Slices of a circle with circumference 100, clockwise from twelve o'clock."""
    total = counts.total
    arcs: list[Arc] = []
    start = 0.0
    for status, n in counts.by_status.items():
        if not n or not total:
            continue
        length = round(100 * n / total, 3)
        arcs.append(
            Arc(status, STATUS_LABELS[status], n, f"{length} {round(100 - length, 3)}", round(25 - start, 3))
        )
        start += length
    return tuple(arcs)


def _finding_view(result: ScanResult, f: Finding) -> FindingView:
    location = None
    if f.location is not None:
        location = f.location.file + (f":{f.location.line}" if f.location.line is not None else "")
        if f.location.path:
            location += f" ({f.location.path})"
    return FindingView(
        finding=f,
        name=resource_name(result, f),
        where=" / ".join(p for p in (f.account, f.region) if p),
        location=location,
    )


def _issues(controls: Sequence[ControlRow], findings: Sequence[FindingView]) -> list[Issue]:
    """Controls with FAIL, UNKNOWN or SUPPRESSED findings: failing ones first, most severe first."""
    by_control: dict[str, list[FindingView]] = {}
    for view in findings:  # already ranked: failing first, severity desc
        if view.finding.status in ATTENTION:
            by_control.setdefault(view.finding.control_id, []).append(view)
    issues = []
    for row in controls:
        group = by_control.get(row.control_id)
        if not group:
            continue
        texts = (
            ()
            if row.meta
            else tuple(dict.fromkeys(v.finding.remediation for v in group if v.finding.remediation))
        )
        issues.append(Issue(control=row, findings=tuple(group), remediation_texts=texts))
    issues.sort(key=_issue_rank)
    return issues


def _issue_rank(issue: Issue) -> tuple[object, ...]:
    row = issue.control
    worst = max(v.finding.severity for v in issue.findings)
    return (
        row.worst_failing is None,  # controls with a FAIL come before UNKNOWN/SUPPRESSED only
        -(row.worst_failing or worst).rank,
        -row.counts.failing,
        control_key(row.control_id),
    )
