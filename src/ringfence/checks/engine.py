"""Run the registered checks over an inventory and turn their outcomes into findings."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from ringfence.catalogue import load_catalogue
from ringfence.checks.context import CheckContext, Outcome
from ringfence.checks.registry import Check, all_checks
from ringfence.checks.tiers import EnvironmentConvention, TierConvention
from ringfence.model.findings import Finding, Severity, Status
from ringfence.model.inventory import Inventory

log = logging.getLogger(__name__)


def select_checks(
    mode: str,
    *,
    only: Iterable[str] | None = None,
    skip: Iterable[str] = (),
) -> list[Check]:
    checks = all_checks()
    wanted = {c.upper() for c in only} if only else None
    skipped = {c.upper() for c in skip}
    unknown_ids = ((wanted or set()) | skipped) - set(load_catalogue())
    if unknown_ids:
        raise ValueError(f"unknown control id(s): {', '.join(sorted(unknown_ids))}")
    return [
        check
        for cid, check in checks.items()
        if mode in check.meta.modes and (wanted is None or cid in wanted) and cid not in skipped
    ]


def evaluate(
    inventory: Inventory,
    checks: Iterable[Check],
    *,
    mode: str = "live",
    params: Mapping[str, Mapping[str, Any]] | None = None,
    tiers: TierConvention | None = None,
    environments: EnvironmentConvention | None = None,
    strict: bool = False,
) -> list[Finding]:
    """Every check's findings. A check that raises is a bug: `strict` re-raises (tests), otherwise
    the failure becomes UNKNOWN findings naming the check, so one bug never hides the rest."""
    catalogue = load_catalogue()
    findings: list[Finding] = []
    for check in checks:
        merged: dict[str, Any] = {}
        for source in (*check.meta.params_from, check.id):  # the check's own params last: they win
            control = catalogue.get(source)
            merged.update(control.params if control else {})
            if params and source in params:
                merged.update(params[source])
        ctx = CheckContext(
            inventory=inventory,
            params=merged,
            tiers=tiers or TierConvention(),
            environments=environments or EnvironmentConvention(),
            mode=mode,
        )
        try:
            outcomes = list(check.run(ctx))
        except Exception as exc:
            if strict:
                raise
            log.exception("check %s failed", check.id)
            findings.extend(_crashed(check, inventory, exc))
            continue
        findings.extend(_to_finding(check, o) for o in outcomes)
    return findings


def _to_finding(check: Check, outcome: Outcome) -> Finding:
    meta = check.meta
    resource = outcome.resource
    remediation = meta.remediation.text or ""
    if meta.remediation.cli:
        remediation = f"{remediation} CLI: {meta.remediation.cli}".strip()
    return Finding.make(
        control_id=meta.id,
        status=outcome.status,
        severity=outcome.severity or meta.severity,
        resource_id=outcome.resource_id or resource.arn,
        resource_type=_resource_type(outcome),
        account=resource.account,
        region=resource.region,
        message=outcome.message,
        title=meta.title,
        remediation=remediation if outcome.status in (Status.FAIL, Status.SUPPRESSED) else "",
        location=resource.location,
    )


def _resource_type(outcome: Outcome) -> str:
    """The type a finding reports: an IaC resource's declared type (CloudFormation or Terraform)
    when the finding is on that resource itself, else the outcome's override or the model's type."""
    resource = outcome.resource
    if resource.source_type and outcome.resource_id is None:
        return resource.source_type
    return outcome.resource_type or resource.RESOURCE_TYPE


def _crashed(check: Check, inventory: Inventory, exc: Exception) -> list[Finding]:
    accounts = sorted({r.account for r in inventory}) or [""]
    return [
        Finding.make(
            control_id=check.id,
            status=Status.UNKNOWN,
            severity=check.meta.severity if check.meta.severity >= Severity.LOW else Severity.LOW,
            resource_id=account,
            resource_type="AWS::::Account",
            account=account,
            region="",
            message=f"the check could not run: internal error {type(exc).__name__}: {exc}",
            title=check.meta.title,
        )
        for account in accounts
    ]
