"""ScanSummary: one line of `ringfence history`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ringfence.model.findings import Severity, Status


@dataclass(frozen=True)
class ScanSummary:
    """A stored scan without its findings and inventory: what it covered and how it came out."""

    id: str
    started: str
    finished: str
    source: str
    accounts: tuple[str, ...]
    regions: tuple[str, ...]
    resource_count: int
    gap_count: int
    findings_by_status: Mapping[Status, int]  # every Status, 0 where none
    failing_by_severity: Mapping[Severity, int]  # FAIL findings per Severity, every Severity

    @property
    def complete(self) -> bool:
        return self.gap_count == 0

    @property
    def finding_count(self) -> int:
        return sum(self.findings_by_status.values())

    @property
    def failing(self) -> int:
        return self.findings_by_status.get(Status.FAIL, 0)
