"""Statuses, severities, findings and coverage gaps."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from ringfence.model.base import SourceLocation


class Status(StrEnum):
    PASS = "PASS"  # noqa: S105
    FAIL = "FAIL"
    UNKNOWN = "UNKNOWN"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    SUPPRESSED = "SUPPRESSED"


class Severity(StrEnum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r}; expected one of {names}") from None


_SEVERITY_ORDER = list(Severity)


def fingerprint(control_id: str, account: str, region: str, resource_id: str) -> str:
    """A stable id of (control, account, region, resource): the same from scan to scan."""
    raw = "\x1f".join((control_id, account, region, resource_id)).encode()
    return hashlib.sha256(raw).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Remediation:
    cli: str | None = None
    cloudformation: str | None = None
    terraform: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    control_id: str
    status: Status
    severity: Severity
    resource_id: str
    resource_type: str
    account: str
    region: str
    message: str
    title: str = ""
    remediation: str = ""
    location: SourceLocation | None = None
    fingerprint: str = ""

    @staticmethod
    def make(
        *,
        control_id: str,
        status: Status,
        severity: Severity,
        resource_id: str,
        resource_type: str,
        account: str,
        region: str,
        message: str,
        title: str = "",
        remediation: str = "",
        location: SourceLocation | None = None,
    ) -> Finding:
        return Finding(
            control_id=control_id,
            status=status,
            severity=severity,
            resource_id=resource_id,
            resource_type=resource_type,
            account=account,
            region=region,
            message=message,
            title=title,
            remediation=remediation,
            location=location,
            # An IaC resource id (a logical id, a Terraform address) is unique only within its file.
            fingerprint=fingerprint(
                control_id, account, region, resource_id if location is None else f"{location.file}#{resource_id}"
            ),
        )


@dataclass(frozen=True, slots=True)
class CoverageGap:
    """Something the scan could not read: the scan is incomplete where these exist."""

    account: str
    region: str
    service: str
    operation: str
    error_code: str
    message: str

    def describe(self) -> str:
        where = "/".join(p for p in (self.account, self.region) if p)
        return f"{where} {self.service}:{self.operation}: {self.error_code} ({self.message})"
