"""Fan collectors out over accounts and regions, bounded globally and per account.

API rate limits are per account and region, so no account gets more than `per_account` collector
jobs at once, and the whole scan no more than `max_workers`. Accounts are worked through in order
(a few at a time), so each one finishes early and is handed to `on_account_done` (a resumable scan
stores it there) instead of every account finishing at the very end. An account's set-up (assuming
its role, listing its regions) is a job too: an account that cannot be set up is recorded as gaps
and the others go on.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from ringfence.model.base import Resource
from ringfence.model.findings import CoverageGap
from ringfence.sources.aws.context import CollectContext, CollectionStopped
from ringfence.sources.aws.registry import Collector
from ringfence.sources.aws.session import ClientFactory

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Target:
    """One account to collect, with the client factory for its credentials."""

    account: str
    factory: ClientFactory
    regions: Sequence[str]
    home_region: str
    partition: str = "aws"
    detect_drift: bool = False


@dataclass(frozen=True, slots=True)
class Setup:
    """An account whose Target is made by a job (assume its role, list its regions)."""

    account: str
    prepare: Callable[[], tuple[Target | None, list[CoverageGap]]]


@dataclass
class Collected:
    resources: list[Resource] = field(default_factory=list)
    gaps: list[CoverageGap] = field(default_factory=list)
    incomplete: set[tuple[str, str, str]] = field(default_factory=set)  # (account, region, KIND)
    regions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # account -> regions scanned

    def extend(self, other: Collected) -> None:
        self.resources.extend(other.resources)
        self.gaps.extend(other.gaps)
        self.incomplete.update(other.incomplete)
        self.regions.update(other.regions)


ProgressHook = Callable[[str, str, str], None]  # (account, region, collector name) when one finishes
AccountHook = Callable[[str, Collected], None]  # (account, what it gave) when an account is done
PlanHook = Callable[[Target, int], None]  # (the account, its collector jobs) when it is set up


@dataclass
class _Account:
    account: str
    setup: Setup | None
    target: Target | None = None
    jobs: deque[tuple[Collector, CollectContext]] = field(default_factory=deque)
    running: int = 0
    started: bool = False
    out: Collected = field(default_factory=Collected)

    @property
    def finished(self) -> bool:
        return self.started and self.running == 0 and not self.jobs


_MALLOC_TUNED = False
M_TRIM_THRESHOLD, M_ARENA_MAX = -1, -8  # glibc mallopt parameters


def limit_malloc_arenas() -> None:
    """glibc gives each thread that allocates its own malloc arena, which a scan's dozens of
    threads (each parsing AWS responses) leave mostly empty but resident: two arenas and an
    eager trim keep the peak ~10% lower. Once per process; not where the user chose otherwise
    (MALLOC_ARENA_MAX set) or the C library is not glibc."""
    global _MALLOC_TUNED
    if _MALLOC_TUNED or os.environ.get("MALLOC_ARENA_MAX") or not sys.platform.startswith("linux"):
        return
    _MALLOC_TUNED = True
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_ARENA_MAX, 2)
        libc.mallopt(M_TRIM_THRESHOLD, 128 * 1024)
    except (OSError, AttributeError):  # musl, or no libc.so.6: nothing to tune
        return


def plan_jobs(target: Target, collectors: Sequence[Collector]) -> list[tuple[Collector, CollectContext]]:
    """One job per collector and region (global collectors once, in the home region); global ones
    first: they are the longest (IAM, S3) and should not be the tail of an account."""
    jobs: list[tuple[Collector, CollectContext]] = []
    for col in sorted(collectors, key=lambda c: c.scope != "global"):
        regions = [target.home_region] if col.scope == "global" else list(target.regions)
        for region in regions:
            ctx = CollectContext(
                factory=target.factory,
                account=target.account,
                region=region if col.scope == "regional" else "",
                service=col.service,
                partition=target.partition,
                detect_drift=target.detect_drift,
            )
            jobs.append((col, ctx))
    return jobs


def collect(
    targets: Iterable[Target | Setup],
    collectors: Iterable[Collector],
    *,
    max_workers: int = 16,
    per_account: int = 8,
    on_done: ProgressHook | None = None,
    on_account_done: AccountHook | None = None,
    on_account_planned: PlanHook | None = None,
) -> Collected:
    limit_malloc_arenas()
    chosen = list(collectors)
    accounts: list[_Account] = []
    for item in targets:
        if isinstance(item, Setup):
            accounts.append(_Account(account=item.account, setup=item))
        else:
            state = _Account(account=item.account, setup=None, target=item)
            state.jobs.extend(plan_jobs(item, chosen))
            state.out.regions[item.account] = tuple(item.regions)
            if on_account_planned:
                on_account_planned(item, len(state.jobs))
            accounts.append(state)
    result = Collected()
    per_account = max(1, per_account)
    pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="collect")
    inflight: dict[Future[Any], tuple[_Account, tuple[Collector, CollectContext] | None]] = {}
    active: deque[_Account] = deque(accounts)
    try:
        while True:
            _fill(pool, active, inflight, max_workers, per_account)
            for state in [s for s in active if s.finished]:
                active.remove(state)
                if state.target is not None:
                    state.target.factory.close()
                result.extend(state.out)
                if on_account_done:
                    on_account_done(state.account, state.out)
                state.out = Collected()
            if not inflight:
                if not active:
                    break
                continue
            done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
            for future in done:
                state, job = inflight.pop(future)
                state.running -= 1
                if job is None:
                    _set_up(state, future, chosen, on_account_planned)
                else:
                    col, ctx = job
                    resources, complete = future.result()
                    state.out.resources.extend(resources)
                    state.out.gaps.extend(ctx.gaps)
                    if not complete:
                        state.out.incomplete.update((ctx.account, ctx.region, k.KIND) for k in col.produces)
                    if on_done:
                        on_done(ctx.account, ctx.region, col.name)
    finally:
        # On Ctrl-C, drop the queued work instead of finishing it.
        pool.shutdown(wait=True, cancel_futures=True)
    return result


def _fill(
    pool: ThreadPoolExecutor,
    active: deque[_Account],
    inflight: dict[Future[Any], tuple[_Account, tuple[Collector, CollectContext] | None]],
    max_workers: int,
    per_account: int,
) -> None:
    for state in active:
        if len(inflight) >= max_workers:
            return
        if state.setup is not None and not state.started:
            state.started = True
            state.running += 1
            inflight[pool.submit(state.setup.prepare)] = (state, None)
            continue
        state.started = True
        while state.jobs and state.running < per_account and len(inflight) < max_workers:
            job = state.jobs.popleft()
            state.running += 1
            inflight[pool.submit(_run_one, *job)] = (state, job)


def _set_up(
    state: _Account,
    future: Future[Any],
    collectors: Sequence[Collector],
    on_account_planned: PlanHook | None,
) -> None:
    try:
        target, gaps = future.result()
    except Exception as exc:  # a bug in set-up must not stop the other accounts
        log.warning("setting up account %s failed: %s", state.account, exc, exc_info=True)
        target, gaps = (
            None,
            [CoverageGap(state.account, "", "sts", "AccountSetup", type(exc).__name__, str(exc)[:300])],
        )
    state.out.gaps.extend(gaps)
    if target is None:
        return
    state.target = target
    state.out.regions[target.account] = tuple(target.regions)
    state.jobs.extend(plan_jobs(target, collectors))
    if on_account_planned:
        on_account_planned(target, len(state.jobs))


def _run_one(col: Collector, ctx: CollectContext) -> tuple[list[Resource], bool]:
    """The collector's resources, and whether its listing ran to the end."""
    out: list[Resource] = []
    try:
        for resource in col.run(ctx):
            out.append(resource)
    except CollectionStopped:
        return out, False  # the gap is already recorded
    except Exception as exc:
        log.warning("collector %s failed in %s/%s: %s", col.name, ctx.account, ctx.region, exc, exc_info=True)
        ctx.gaps.append(
            CoverageGap(
                account=ctx.account,
                region=ctx.region,
                service=col.service,
                operation=col.name,
                error_code=type(exc).__name__,
                message=f"collector failed: {exc}"[:300],
            )
        )
        return out, False
    return out, True
