"""A live scan end to end: discover, collect, check. Nothing here stores or prints.

One account (the credentials' own) or, with `org`, every chosen account of the organisation: each
member account through the named role (the management account with its own credentials), all
enabled regions of each. Accounts that cannot be assumed into, regions that time out and services
that deny access are coverage gaps; the rest completes. A `Checkpoint` is handed each finished
account (a resumable scan stores it), and `resume` gives back the accounts a previous run finished.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from ringfence.checks.engine import evaluate, select_checks
from ringfence.checks.suppressions import Suppression, apply_suppressions
from ringfence.checks.tiers import EnvironmentConvention, TierConvention
from ringfence.model.base import Resource
from ringfence.model.findings import CoverageGap, Finding, Severity
from ringfence.model.inventory import Inventory
from ringfence.model.organization import Organization
from ringfence.model.scan import ScanInfo, ScanResult
from ringfence.sources.aws.assume import RoleSpec, account_factory
from ringfence.sources.aws.discovery import RegionPlan, home_region_for, plan_regions, whoami
from ringfence.sources.aws.errors import ScanAborted, error_code, error_message
from ringfence.sources.aws.organizations import describe_organization, plan_organization
from ringfence.sources.aws.progress import ScanProgress
from ringfence.sources.aws.registry import Collector, all_collectors
from ringfence.sources.aws.runner import Collected, ProgressHook, Setup, Target, collect
from ringfence.sources.aws.session import AwsOptions, CallLog, ClientFactory, ClientPool, make_session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OrgOptions:
    """`--org`: which accounts of the organisation, and the role to assume in each."""

    role: RoleSpec = field(default_factory=RoleSpec)
    accounts: Sequence[str] | None = None  # only these (default: every ACTIVE account)
    exclude_accounts: Sequence[str] = ()
    ous: Sequence[str] = ()  # only accounts under these OUs/roots (ou-..., r-...)


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
    org: OrgOptions | None = None
    skip_services: Sequence[str] = ()  # boto3 service names or collector names not to collect
    detect_drift: bool = False  # allow the long-running, non-read cloudformation:DetectStackDrift


class Checkpoint(Protocol):
    """Where a resumable scan keeps what is finished (ringfence.store.ScanStore implements it)."""

    def begin_scan(self, scan_id: str, started: str, source: str) -> None: ...

    def account_done(self, scan_id: str, account: str, collected: Collected) -> None: ...


@dataclass(frozen=True)
class Resume:
    """A scan being continued: its id and start, and what its finished accounts gave."""

    scan_id: str
    started: str
    done: Mapping[str, Collected]


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


def choose_collectors(skip_services: Iterable[str]) -> tuple[list[Collector], list[Collector]]:
    """(collectors to run, collectors skipped); a name matches a service or a collector."""
    every = list(all_collectors().values())
    wanted = {s.strip() for s in skip_services if s.strip()}
    known = {c.service for c in every} | {c.name for c in every}
    unknown = sorted(wanted - known)
    if unknown:
        raise ValueError(
            f"unknown service(s) to skip: {', '.join(unknown)}; known services: "
            + ", ".join(sorted({c.service for c in every}))
        )
    skipped = [c for c in every if c.service in wanted or c.name in wanted]
    return [c for c in every if c not in skipped], skipped


def scan(
    options: ScanOptions | None = None,
    *,
    call_log: CallLog | None = None,
    on_progress: ProgressHook | None = None,
    on_plan: Callable[[int], None] | None = None,
    progress: ScanProgress | None = None,
    checkpoint: Checkpoint | None = None,
    resume: Resume | None = None,
) -> ScanResult:
    """Scan the credentials' account, or with `options.org` the organisation. Raises ScanAborted
    when nothing can be read."""
    opts = options or ScanOptions()
    checks = select_checks("live", only=opts.controls, skip=opts.skip_controls)
    collectors, skipped = choose_collectors(opts.skip_services)
    call_log = call_log or (progress.call_log if progress else CallLog())
    progress = progress or ScanProgress(call_log=call_log)
    scan_id = resume.scan_id if resume else uuid.uuid4().hex
    started = resume.started if resume else now_iso()
    session = make_session(opts.aws)
    home = home_region_for(None, opts.aws.home_region or session.region_name)
    pool = ClientPool(session, opts.aws)
    factory = ClientFactory(session, opts.aws, call_log, pool=pool)
    identity = whoami(factory, home)
    factory.account = identity.account
    plan = plan_regions(factory, home, opts.regions)
    partition = identity.partition
    gaps: list[CoverageGap] = []
    extra: list[Resource] = []
    if skipped:
        progress.note(
            "skipped by request (--skip-services): "
            + ", ".join(sorted(c.name for c in skipped))
            + "; what they collect is not in this scan"
        )

    targets: list[Target | Setup] = []
    accounts: list[str]
    if opts.org is not None:
        org_plan = plan_organization(
            factory,
            home,
            partition=partition,
            include=opts.org.accounts,
            exclude=opts.org.exclude_accounts,
            ous=opts.org.ous,
        )
        extra.append(org_plan.organization)
        gaps.extend(org_plan.gaps)
        for account, why in org_plan.skipped:
            progress.note(f"account {account} not scanned: {why}")
        accounts = [a.id for a in org_plan.accounts]
    else:
        accounts = [identity.account]
        organization, org_gap = _organization_of(factory, home, identity.account, partition)
        extra.extend([organization] if organization else [])
        gaps.extend([org_gap] if org_gap else [])
    done = dict(resume.done) if resume else {}
    for account in accounts:
        if account in done:
            continue
        if account == identity.account:
            targets.append(_target(factory, identity.account, plan, home, partition, opts, progress))
            gaps.extend(_region_gaps(identity.account, plan))
        else:
            targets.append(_setup(factory, account, opts, home, partition, progress))
    progress.plan_accounts(len(accounts))
    for account in done:
        progress.account_done(account, len(done[account].resources), len(done[account].gaps))
    if checkpoint is not None and resume is None:
        checkpoint.begin_scan(scan_id, started, opts.source)

    regional = sum(1 for c in collectors if c.scope == "regional")

    def planned(target: Target, jobs: int) -> None:
        progress.account_planned(target.account, tuple(target.regions), regional, jobs)
        if on_plan:
            on_plan(progress.jobs_total)

    def job_done(account: str, region: str, name: str) -> None:
        progress.job_done(account, region)
        if on_progress:
            on_progress(account, region, name)

    def account_done(account: str, got: Collected) -> None:
        progress.account_done(account, len(got.resources), len(got.gaps))
        if checkpoint is not None:
            checkpoint.account_done(scan_id, account, got)

    collected = collect(
        targets,
        collectors,
        max_workers=opts.aws.max_workers,
        per_account=opts.aws.max_per_account,
        on_done=job_done,
        on_account_done=account_done,
        on_account_planned=planned,
    )
    for got in done.values():
        collected.extend(got)
    incomplete = set(collected.incomplete)
    for col in skipped:  # skipped on purpose: absence of their resources proves nothing
        incomplete.update((account, "", kind.KIND) for account in accounts for kind in col.produces)
    inventory = Inventory([*extra, *collected.resources], incomplete=incomplete)
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
    regions = sorted({r for rs in collected.regions.values() for r in rs} or set(plan.scan))
    info = ScanInfo(
        id=scan_id,
        started=started,
        finished=now_iso(),
        source=opts.source,
        accounts=tuple(accounts),
        regions=tuple(regions),
        coverage_gaps=tuple(sorted(gaps, key=lambda g: (g.account, g.region, g.service, g.operation))),
        resource_count=len(inventory),
    )
    return ScanResult(info=info, findings=tuple(findings), inventory=inventory)


def _region_gaps(account: str, plan: RegionPlan) -> list[CoverageGap]:
    return [
        CoverageGap(account, region, "ec2", "DescribeRegions", "OptInRequired", "region is not enabled")
        for region in plan.not_enabled
    ]


def _target(
    factory: ClientFactory,
    account: str,
    plan: RegionPlan,
    home: str,
    partition: str,
    opts: ScanOptions,
    progress: ScanProgress,
) -> Target:
    if plan.skipped:
        progress.note(
            f"account {account}: {len(plan.skipped)} opt-in region(s) not enabled, not scanned: "
            + ", ".join(plan.skipped)
        )
    return Target(
        account=account,
        factory=factory,
        regions=plan.scan,
        home_region=home,
        partition=partition,
        detect_drift=opts.detect_drift,
    )


def _setup(
    base: ClientFactory, account: str, opts: ScanOptions, home: str, partition: str, progress: ScanProgress
) -> Setup:
    assert opts.org is not None
    spec = opts.org.role

    def prepare() -> tuple[Target | None, list[CoverageGap]]:
        factory = account_factory(base, account, spec, partition, home)
        role = spec.arn(account, partition)
        try:
            factory.frozen_credentials()  # AssumeRole now: a refusal is this account's gap, not a crash
        except (ClientError, BotoCoreError) as exc:
            code = error_code(exc)
            progress.note(f"account {account}: cannot assume {role} ({code}); not scanned")
            message = f"cannot assume {role}: {error_message(exc)}"[:300]
            return None, [CoverageGap(account, "", "sts", "AssumeRole", code, message)]
        try:
            plan = plan_regions(factory, home, opts.regions)
        except ScanAborted as exc:
            cause = exc.__cause__
            code = error_code(cause) if cause is not None else "ScanAborted"
            return None, [CoverageGap(account, "", "ec2", "DescribeRegions", code, str(exc)[:300])]
        return _target(factory, account, plan, home, partition, opts, progress), _region_gaps(account, plan)

    return Setup(account=account, prepare=prepare)


def _organization_of(
    factory: ClientFactory, home: str, account: str, partition: str
) -> tuple[Organization | None, CoverageGap | None]:
    """The organisation a single account belongs to (its management account; the account list and
    delegated administrators are read only by an --org scan)."""
    try:
        org = describe_organization(factory, home)
    except (ClientError, BotoCoreError) as exc:
        gap = CoverageGap(
            account, "", "organizations", "DescribeOrganization", error_code(exc), error_message(exc)
        )
        return None, gap
    if org is None:
        return None, None
    management = str(org.get("MasterAccountId") or "")
    not_read = "not read: a single-account scan (use --org from the management account)"
    return (
        Organization(
            arn=str(
                org.get("Arn") or f"arn:{partition}:organizations::{management}:organization/{org.get('Id')}"
            ),
            native_id=str(org.get("Id") or ""),
            account=management or account,
            region="",
            management_account_id=management,
            feature_set=str(org.get("FeatureSet") or ""),
            unresolved={"accounts": not_read, "delegated_administrators": not_read},
        ),
        None,
    )
