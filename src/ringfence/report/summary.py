"""What every format shares: the one finding order, the counts, per-control and per-account rows.

Reports present a scan and never judge it, so everything here is counting and sorting of what the
checks already decided. Keeping it in one place is what makes the JSON, CSV, HTML and terminal
views agree with each other number for number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ringfence.model.findings import CoverageGap, Finding, Severity, Status
from ringfence.model.scan import ScanResult

if TYPE_CHECKING:
    from ringfence.checks.registry import CheckMeta

SEVERITIES_DESC: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda s: s.rank, reverse=True))
# The order a reader wants: what to fix, what could not be decided, what is muted, then evidence.
STATUS_ORDER: tuple[Status, ...] = (
    Status.FAIL,
    Status.UNKNOWN,
    Status.SUPPRESSED,
    Status.PASS,
    Status.NOT_APPLICABLE,
)
STATUS_LABELS: Mapping[Status, str] = {
    Status.FAIL: "fail",
    Status.UNKNOWN: "unknown",
    Status.SUPPRESSED: "suppressed",
    Status.PASS: "pass",
    Status.NOT_APPLICABLE: "n/a",
}
ATTENTION: frozenset[Status] = frozenset({Status.FAIL, Status.UNKNOWN, Status.SUPPRESSED})


def control_key(control_id: str) -> tuple[str, int, str]:
    """ENC-2 before ENC-10 whatever the padding; ids that do not parse still sort stably."""
    family, _, number = control_id.partition("-")
    return (family, int(number) if number.isdigit() else -1, control_id)


def finding_key(f: Finding) -> tuple[object, ...]:
    """Severity (highest first), control id, resource id; the rest only breaks ties for a total order."""
    return (
        -f.severity.rank,
        control_key(f.control_id),
        f.resource_id,
        f.account,
        f.region,
        STATUS_ORDER.index(f.status),
        f.fingerprint,
        f.message,
    )


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """The report order of JSON and CSV: severity desc, control id, resource id."""
    return sorted(findings, key=finding_key)


def ranked(findings: Iterable[Finding]) -> list[Finding]:
    """The reading order of HTML and the terminal: failing first, then the report order."""
    return sorted(findings, key=lambda f: (STATUS_ORDER.index(f.status), *finding_key(f)))


def ordered_gaps(gaps: Iterable[CoverageGap]) -> list[CoverageGap]:
    return sorted(gaps, key=lambda g: (g.account, g.region, g.service, g.operation, g.error_code, g.message))


@dataclass(frozen=True, slots=True)
class Counts:
    """Findings counted by severity and status; every severity and status is present."""

    matrix: Mapping[Severity, Mapping[Status, int]]

    @property
    def by_status(self) -> dict[Status, int]:
        return {s: sum(row[s] for row in self.matrix.values()) for s in STATUS_ORDER}

    def by_severity(self, status: Status) -> dict[Severity, int]:
        return {sev: self.matrix[sev][status] for sev in SEVERITIES_DESC}

    @property
    def failing_by_severity(self) -> dict[Severity, int]:
        return self.by_severity(Status.FAIL)

    @property
    def unknown_by_severity(self) -> dict[Severity, int]:
        return self.by_severity(Status.UNKNOWN)

    @property
    def total(self) -> int:
        return sum(sum(row.values()) for row in self.matrix.values())

    @property
    def failing(self) -> int:
        return self.by_status[Status.FAIL]

    @property
    def pass_rate(self) -> float | None:
        """Share of the applicable findings (all but NOT_APPLICABLE) that pass; None if none applied."""
        by_status = self.by_status
        applicable = self.total - by_status[Status.NOT_APPLICABLE]
        return by_status[Status.PASS] / applicable if applicable else None


def count(findings: Iterable[Finding]) -> Counts:
    cells: Counter[tuple[Severity, Status]] = Counter((f.severity, f.status) for f in findings)
    return Counts(matrix={sev: {st: cells[sev, st] for st in STATUS_ORDER} for sev in SEVERITIES_DESC})


@dataclass(frozen=True, slots=True)
class ControlRow:
    """One control's coverage in this scan, with its metadata when the caller supplied it."""

    control_id: str
    title: str
    severity: Severity  # the check's default, else the highest severity among its findings
    counts: Counts
    worst_failing: Severity | None  # highest severity of a FAIL, for ranking what to fix first
    meta: CheckMeta | None


def control_rows(
    findings: Sequence[Finding], checks: Mapping[str, CheckMeta] | None = None
) -> list[ControlRow]:
    """One row per control that has findings, in control id order."""
    by_control: dict[str, list[Finding]] = {}
    for f in findings:
        by_control.setdefault(f.control_id, []).append(f)
    rows = []
    for control_id in sorted(by_control, key=control_key):
        group = by_control[control_id]
        meta = checks.get(control_id) if checks else None
        title = meta.title if meta else next((f.title for f in ordered(group) if f.title), "")
        fails = [f.severity for f in group if f.status is Status.FAIL]
        rows.append(
            ControlRow(
                control_id=control_id,
                title=title,
                severity=meta.severity if meta else max(f.severity for f in group),
                counts=count(group),
                worst_failing=max(fails) if fails else None,
                meta=meta,
            )
        )
    return rows


def top_failing(rows: Iterable[ControlRow], limit: int) -> list[ControlRow]:
    """Controls to fix first: the most severe failure, then the most failing resources."""
    failing = [r for r in rows if r.worst_failing is not None]
    failing.sort(
        key=lambda r: (-(r.worst_failing or Severity.INFO).rank, -r.counts.failing, control_key(r.control_id))
    )
    return failing[:limit]


@dataclass(frozen=True, slots=True)
class AccountRow:
    account: str  # "" for findings on no account (an endpoint probe, an intent)
    regions: tuple[str, ...]
    resources: int  # resources of the account in the scan's inventory
    counts: Counts


def account_rows(result: ScanResult) -> list[AccountRow]:
    by_account: dict[str, list[Finding]] = {account: [] for account in result.info.accounts}
    for f in result.findings:
        by_account.setdefault(f.account, []).append(f)
    resources: Counter[str] = Counter(r.account for r in result.inventory)
    return [
        AccountRow(
            account=account,
            regions=tuple(sorted({f.region for f in group if f.region})),
            resources=resources[account],
            counts=count(group),
        )
        for account, group in sorted(by_account.items())
    ]


def resource_name(result: ScanResult, finding: Finding) -> str | None:
    """The resource's Name tag from the inventory, if the finding is on a resource that has one."""
    resource = result.inventory.by_arn(finding.resource_id)
    return resource.name if resource is not None else None


def human_time(iso: str) -> str:
    """An ISO-8601 time for people: 2024-05-01T10:22:03+00:00 is 2024-05-01 10:22 UTC.

    Anything that does not parse is shown as given: a report never hides what the scan recorded.
    """
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    offset = moment.utcoffset()
    zone = "UTC" if offset is not None and not offset else moment.strftime("%z") or ""
    return f"{moment:%Y-%m-%d %H:%M} {zone}".strip()
