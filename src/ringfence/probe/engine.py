"""A probe end to end: plan each endpoint's jobs, run them all, assemble results, judge them.

`assemble` is pure: job outcomes in, one frozen EndpointResult out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from ringfence.model.findings import Finding, Severity, Status
from ringfence.probe.certs import describe_chain
from ringfence.probe.chain import fetch_chain, verify_chain
from ringfence.probe.ciphers import candidate_pairs, pair_order
from ringfence.probe.enumerate import pair_job, preflight_job
from ringfence.probe.findings import endpoint_findings
from ringfence.probe.mtls import MtlsContexts, run_case
from ringfence.probe.policies import Policy, diff, policy_suites
from ringfence.probe.results import (
    ChainOutcome,
    EndpointResult,
    JobKind,
    MtlsCaseName,
    MtlsCaseOutcome,
    MtlsResult,
    MtlsVerdict,
    Outcome,
    Pair,
    PairOutcome,
    PairStatus,
    PreflightOutcome,
    SkippedJob,
    Verification,
    VerifyOutcome,
    job_label,
)
from ringfence.probe.runner import AnyJob, EndpointJobs, Job, Limits, run_all
from ringfence.probe.targets import Endpoint


@dataclass(frozen=True)
class ProbeOptions:
    policy: Policy | None = None
    limits: Limits = field(default_factory=Limits)
    mtls: MtlsContexts | None = None
    trust_bundle: str | None = None


@dataclass(frozen=True)
class ProbeReport:
    endpoints: tuple[EndpointResult, ...]
    findings: tuple[Finding, ...]
    policy: Policy | None
    mtls_requested: bool
    started: datetime
    finished: datetime

    def failing(self, threshold: Severity, *, include_unknown: bool = False) -> list[Finding]:
        statuses = {Status.FAIL, Status.UNKNOWN} if include_unknown else {Status.FAIL}
        return [f for f in self.findings if f.status in statuses and f.severity >= threshold]

    @property
    def complete(self) -> bool:
        return all(e.probed for e in self.endpoints) and not any(
            f.status is Status.UNKNOWN for f in self.findings
        )

    def exit_code(self, threshold: Severity, *, include_unknown: bool = False) -> int:
        """0 clean, 1 failing at or above the threshold, 3 incomplete with nothing failing."""
        if self.failing(threshold, include_unknown=include_unknown):
            return 1
        return 0 if self.complete else 3


def plan(endpoint: Endpoint, options: ProbeOptions) -> EndpointJobs:
    """The jobs for one endpoint: the preflight; once it passes, the chain, its verification, the
    mTLS cases and one job per (protocol, suite) pair."""
    pairs = candidate_pairs(policy_suites())

    def followers() -> list[AnyJob]:
        # The handshakes through `ssl` are the slowest jobs (root loading, full handshakes): first,
        # so they overlap with the single-suite probes instead of trailing after them.
        jobs: list[AnyJob] = [
            Job(JobKind.VERIFY, partial(verify_chain, endpoint, trust_bundle=options.trust_bundle)),
            Job(JobKind.CHAIN, partial(fetch_chain, endpoint)),
        ]
        if options.mtls is not None:
            jobs += [Job(case, partial(run_case, endpoint, case, options.mtls)) for case in MtlsCaseName]
        jobs += [pair_job(endpoint, protocol, suite) for protocol, suite in pairs]
        return jobs

    return EndpointJobs(preflight=preflight_job(endpoint), followers=followers)


def assemble(
    endpoint: Endpoint, outcomes: Sequence[Outcome], *, policy: Policy | None, mtls_requested: bool
) -> EndpointResult:
    if endpoint.address is None:
        return EndpointResult(endpoint, probed=False, errors=(endpoint.error,))
    first = next((o for o in outcomes if isinstance(o, PreflightOutcome)), None)
    if first is None or not first.ok:
        skipped = next((o for o in outcomes if isinstance(o, SkippedJob)), None)
        reason = first.detail if first else skipped.reason if skipped else "the endpoint was not probed"
        return EndpointResult(endpoint, probed=False, errors=(reason,))
    accepted: list[Pair] = []
    refused: list[Pair] = []
    untested: list[tuple[Pair, str]] = []
    chain = ChainOutcome((), "", "the chain was not read")
    verification = VerifyOutcome(Verification.NOT_DONE, "the chain was not verified")
    cases: dict[MtlsCaseName, MtlsCaseOutcome] = {}
    errors: list[str] = []
    for outcome in outcomes:
        if isinstance(outcome, PairOutcome):
            pair = Pair(outcome.protocol, outcome.suite)
            if outcome.status is PairStatus.ACCEPTED:
                accepted.append(pair)
            elif outcome.status is PairStatus.REFUSED:
                refused.append(pair)
            else:
                untested.append((pair, outcome.detail))
        elif isinstance(outcome, ChainOutcome):
            chain = outcome
        elif isinstance(outcome, VerifyOutcome):
            verification = outcome
        elif isinstance(outcome, MtlsCaseOutcome):
            cases[outcome.case] = outcome
        elif isinstance(outcome, SkippedJob):
            key = outcome.key
            if isinstance(key, Pair):
                untested.append((key, outcome.reason))
            elif isinstance(key, MtlsCaseName):
                cases[key] = MtlsCaseOutcome(key, MtlsVerdict.ERROR, outcome.reason)
            elif key is JobKind.CHAIN:
                chain = ChainOutcome((), "", outcome.reason)
            elif key is JobKind.VERIFY:
                verification = VerifyOutcome(Verification.NOT_DONE, outcome.reason)
            else:
                errors.append(f"{job_label(key)}: {outcome.reason}")
    certificates, parse_error = describe_chain(chain.certificates)
    chain_error = chain.error or parse_error
    errors += _untested_summary(untested)
    if not accepted and not untested:
        errors.append("the endpoint accepted no protocol and cipher suite pair: nothing to judge")
    if chain_error:
        errors.append(chain_error)
    if verification.verification is Verification.NOT_DONE and verification.detail:
        errors.append(verification.detail)
    mtls = None
    if mtls_requested:
        mtls = MtlsResult(
            *(
                cases.get(c, MtlsCaseOutcome(c, MtlsVerdict.ERROR, "the case did not run"))
                for c in (MtlsCaseName.NO_CERT, MtlsCaseName.UNTRUSTED_CERT, MtlsCaseName.TRUSTED_CERT)
            )
        )
        errors += [f"mTLS {c.case.value}: {c.detail}" for c in mtls.cases() if c.verdict is MtlsVerdict.ERROR]
    order = _pair_key
    return EndpointResult(
        endpoint=endpoint,
        probed=True,
        accepted=tuple(sorted(accepted, key=order)),
        refused=tuple(sorted(refused, key=order)),
        untested=tuple(sorted(untested, key=lambda item: order(item[0]))),
        chain=certificates,
        chain_source=chain.source,
        chain_error=chain_error,
        verification=verification,
        mtls=mtls,
        policy_diff=diff(policy, accepted, refused) if policy else None,
        errors=tuple(errors),
    )


def _pair_key(pair: Pair) -> tuple[int, str]:
    return pair_order(pair.protocol, pair.suite)


def _untested_summary(untested: Sequence[tuple[Pair, str]], examples: int = 4) -> list[str]:
    """Untested pairs grouped by reason: one line per reason, a few examples each."""
    by_reason: dict[str, list[Pair]] = {}
    for pair, reason in untested:
        by_reason.setdefault(reason, []).append(pair)
    lines = []
    for reason, pairs in by_reason.items():
        shown = ", ".join(p.label for p in sorted(pairs, key=_pair_key)[:examples])
        more = f" and {len(pairs) - examples} more" if len(pairs) > examples else ""
        noun = "pair" if len(pairs) == 1 else "pairs"
        lines.append(f"{len(pairs)} {noun} untested ({reason}): {shown}{more}")
    return lines


def probe(
    endpoints: Sequence[Endpoint], options: ProbeOptions, *, now: datetime | None = None
) -> ProbeReport:
    started = datetime.now(UTC)
    states = [plan(e, options) if e.address else None for e in endpoints]
    run_all([s for s in states if s is not None], options.limits)
    mtls_requested = options.mtls is not None
    results = tuple(
        assemble(e, s.outcomes if s else (), policy=options.policy, mtls_requested=mtls_requested)
        for e, s in zip(endpoints, states, strict=True)
    )
    moment = now or datetime.now(UTC)
    findings = tuple(
        f
        for r in results
        for f in endpoint_findings(r, policy=options.policy, mtls_requested=mtls_requested, now=moment)
    )
    return ProbeReport(results, findings, options.policy, mtls_requested, started, datetime.now(UTC))
