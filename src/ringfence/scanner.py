"""A live scan end to end: discover, collect, check. Nothing here stores or prints."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ringfence.checks.engine import evaluate, select_checks
from ringfence.checks.suppressions import Suppression, apply_suppressions
from ringfence.checks.tiers import EnvironmentConvention, TierConvention
from ringfence.model.findings import CoverageGap, Finding, Severity
from ringfence.model.inventory import Inventory
from ringfence.model.scan import ScanInfo, ScanResult
from ringfence.sources.aws.discovery import home_region_for, plan_regions, whoami
from ringfence.sources.aws.registry import all_collectors
from ringfence.sources.aws.runner import ProgressHook, Target, collect
from ringfence.sources.aws.session import AwsOptions, CallLog, ClientFactory, make_session


@dataclass(frozen=True)
class ScanOptions:
    aws: AwsOptions = field(default_factory=AwsOptions)
    regions: Sequence[str] | None = None
    controls: Iterable[str] | None = None
    skip_controls: Iterable[str] = ()
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    tiers: TierConvention = field(default_factory=TierConvention)
    environments: EnvironmentConvention = field(default_factory=EnvironmentConvention)
    suppressions: Sequence[Suppression] = ()
    min_severity: Severity | None = None
    source: str = "live"


def finalize_findings(
    findings: Iterable[Finding], *, suppressions: Sequence[Suppression], min_severity: Severity | None
) -> list[Finding]:
    """Apply suppressions, then drop findings below the wanted severity."""
    kept = apply_suppressions(findings, suppressions)
    if min_severity is not None:
        kept = [f for f in kept if f.severity >= min_severity]
    return kept


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def scan(
    options: ScanOptions | None = None,
    *,
    call_log: CallLog | None = None,
    on_progress: ProgressHook | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> ScanResult:
    """Scan the account the credentials belong to. Raises ScanAborted when nothing can be read."""
    opts = options or ScanOptions()
    checks = select_checks("live", only=opts.controls, skip=opts.skip_controls)
    started = now_iso()
    session = make_session(opts.aws)
    home = home_region_for(None, opts.aws.home_region or session.region_name)
    factory = ClientFactory(session, opts.aws, call_log)
    identity = whoami(factory, home)
    plan = plan_regions(factory, home, opts.regions)
    gaps: list[CoverageGap] = [
        CoverageGap(
            identity.account, region, "ec2", "DescribeRegions", "OptInRequired", "region is not enabled"
        )
        for region in plan.not_enabled
    ]
    collectors = list(all_collectors().values())
    target = Target(
        account=identity.account,
        factory=factory,
        regions=plan.scan,
        home_region=home,
        partition=identity.partition,
    )
    if on_plan:
        regional = sum(1 for c in collectors if c.scope == "regional")
        on_plan(regional * len(plan.scan) + (len(collectors) - regional))
    collected = collect([target], collectors, max_workers=opts.aws.max_workers, on_done=on_progress)
    inventory = Inventory(collected.resources, incomplete=collected.incomplete)
    gaps.extend(collected.gaps)
    findings = finalize_findings(
        evaluate(
            inventory,
            checks,
            mode="live",
            params=opts.params,
            tiers=opts.tiers,
            environments=opts.environments,
        ),
        suppressions=opts.suppressions,
        min_severity=opts.min_severity,
    )
    info = ScanInfo(
        id=uuid.uuid4().hex,
        started=started,
        finished=now_iso(),
        source=opts.source,
        accounts=(identity.account,),
        regions=tuple(plan.scan),
        coverage_gaps=tuple(sorted(gaps, key=lambda g: (g.account, g.region, g.service, g.operation))),
        resource_count=len(inventory),
    )
    return ScanResult(info=info, findings=tuple(findings), inventory=inventory)
