"""Suppressions: a FAIL muted on purpose, with a reason, an owner and an expiry date.

A suppressed finding is still reported (as SUPPRESSED); an expired suppression mutes nothing and
the finding says so, so a forgotten exception resurfaces instead of hiding a failure for ever.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ringfence.model.findings import Finding, Status


@dataclass(frozen=True, slots=True)
class Suppression:
    control: str  # a control id, or "*" for any
    resource: str  # a glob over the finding's resource_id
    reason: str
    owner: str
    expires: dt.date
    account: str | None = None
    region: str | None = None

    def matches(self, finding: Finding) -> bool:
        if self.control != "*" and self.control.upper() != finding.control_id:
            return False
        if self.account is not None and self.account != finding.account:
            return False
        if self.region is not None and self.region != finding.region:
            return False
        return fnmatch.fnmatchcase(finding.resource_id, self.resource)


def apply_suppressions(
    findings: Iterable[Finding], suppressions: Sequence[Suppression], today: dt.date | None = None
) -> list[Finding]:
    day = today or dt.datetime.now(dt.UTC).date()
    out: list[Finding] = []
    for finding in findings:
        rule = (
            next((s for s in suppressions if s.matches(finding)), None)
            if finding.status is Status.FAIL
            else None
        )
        if rule is None:
            out.append(finding)
        elif rule.expires < day:
            note = (
                f"{finding.message} [suppression expired {rule.expires.isoformat()}: "
                f"{rule.reason} (owner {rule.owner})]"
            )
            out.append(dataclasses.replace(finding, message=note))
        else:
            note = (
                f"suppressed until {rule.expires.isoformat()} by {rule.owner}: {rule.reason} "
                f"| {finding.message}"
            )
            out.append(dataclasses.replace(finding, status=Status.SUPPRESSED, message=note))
    return out
