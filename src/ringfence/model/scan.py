"""A scan: what was read, when, from where, and what the checks made of it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ringfence.model.findings import CoverageGap, Finding, Severity, Status
from ringfence.model.inventory import Inventory


@dataclass(frozen=True, slots=True)
class ScanInfo:
    id: str
    started: str  # ISO-8601 UTC
    finished: str
    source: str  # "live" | "iac" | "demo"
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    coverage_gaps: tuple[CoverageGap, ...] = ()
    resource_count: int = 0

    @property
    def complete(self) -> bool:
        return not self.coverage_gaps


@dataclass(frozen=True)
class ScanResult:
    info: ScanInfo
    findings: tuple[Finding, ...]
    inventory: Inventory = field(default_factory=Inventory, compare=False)

    def failing(self, threshold: Severity, *, include_unknown: bool = False) -> list[Finding]:
        statuses = {Status.FAIL, Status.UNKNOWN} if include_unknown else {Status.FAIL}
        return [f for f in self.findings if f.status in statuses and f.severity >= threshold]

    def exit_code(self, threshold: Severity, *, include_unknown: bool = False) -> int:
        """0 clean, 1 failing at or above the threshold, 3 incomplete with nothing failing."""
        if self.failing(threshold, include_unknown=include_unknown):
            return 1
        return 0 if self.info.complete else 3
