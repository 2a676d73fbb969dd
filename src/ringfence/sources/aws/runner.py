"""Fan collectors out over accounts and regions in a bounded thread pool."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

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


@dataclass
class Collected:
    resources: list[Resource] = field(default_factory=list)
    gaps: list[CoverageGap] = field(default_factory=list)
    incomplete: set[tuple[str, str, str]] = field(default_factory=set)  # (account, region, KIND)


ProgressHook = Callable[[str, str, str], None]  # (account, region, collector name) when one finishes


def collect(
    targets: Iterable[Target],
    collectors: Iterable[Collector],
    *,
    max_workers: int = 16,
    on_done: ProgressHook | None = None,
) -> Collected:
    jobs: list[tuple[Collector, CollectContext]] = []
    chosen = list(collectors)
    for target in targets:
        for col in chosen:
            regions = [target.home_region] if col.scope == "global" else list(target.regions)
            for region in regions:
                ctx = CollectContext(
                    factory=target.factory,
                    account=target.account,
                    region=region if col.scope == "regional" else "",
                    service=col.service,
                    partition=target.partition,
                )
                jobs.append((col, ctx))
    result = Collected()
    pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="collect")
    try:
        futures: dict[Future[tuple[list[Resource], bool]], tuple[Collector, CollectContext]] = {
            pool.submit(_run_one, col, ctx): (col, ctx) for col, ctx in jobs
        }
        for future in as_completed(futures):
            col, ctx = futures[future]
            resources, complete = future.result()
            result.resources.extend(resources)
            result.gaps.extend(ctx.gaps)
            if not complete:
                result.incomplete.update((ctx.account, ctx.region, kind.KIND) for kind in col.produces)
            if on_done:
                on_done(ctx.account, ctx.region, col.name)
    finally:
        # On Ctrl-C, drop the queued work instead of finishing it.
        pool.shutdown(wait=True, cancel_futures=True)
    return result


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
