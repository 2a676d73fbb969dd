"""`ringfence demo`: build the demo organisation on a local emulator and scan it like a real one
(`--org` from the management account, the RingfenceReadOnly role in every member account)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ringfence.config import Settings
from ringfence.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, LocalAws
from ringfence.model.findings import Severity
from ringfence.model.scan import ScanResult
from ringfence.scanner import OrgOptions, ScanOptions, scan
from ringfence.sources.aws.assume import RoleSpec
from ringfence.sources.aws.progress import ScanProgress
from ringfence.sources.aws.runner import ProgressHook
from ringfence.sources.aws.session import AwsOptions, CallLog


def demo_options(
    endpoint_url: str,
    estate: Any,
    *,
    settings: Settings | None = None,
    controls: Iterable[str] | None = None,
    skip_controls: Iterable[str] = (),
    min_severity: Severity | None = None,
    skip_services: Sequence[str] = (),
) -> ScanOptions:
    """The --org scan of a built DemoOrganization (tests and benchmarks use the same options)."""
    config = settings or Settings()
    return ScanOptions(
        aws=AwsOptions(
            endpoint_url=endpoint_url,
            home_region=estate.home_region,
            access_key_id=DEMO_ACCESS_KEY,
            secret_access_key=DEMO_SECRET_KEY,
        ),
        regions=list(estate.regions),
        controls=controls,
        skip_controls=skip_controls,
        params=_merged(estate.params, config.params),
        tiers=config.tiers,
        environments=config.environments,
        suppressions=config.suppressions,
        min_severity=min_severity,
        source="demo",
        org=OrgOptions(role=RoleSpec(name=estate.role_name)),
        skip_services=skip_services,
    )


def run_demo(
    *,
    settings: Settings | None = None,
    controls: Iterable[str] | None = None,
    skip_controls: Iterable[str] = (),
    min_severity: Severity | None = None,
    skip_services: Sequence[str] = (),
    on_plan: Callable[[int], None] | None = None,
    on_progress: ProgressHook | None = None,
    progress: ScanProgress | None = None,
    call_log: CallLog | None = None,
) -> ScanResult:
    from ringfence.demo.organization import build_demo_organization

    with LocalAws() as aws:
        estate = build_demo_organization(aws.endpoint_url)
        options = demo_options(
            aws.endpoint_url,
            estate,
            settings=settings,
            controls=controls,
            skip_controls=skip_controls,
            min_severity=min_severity,
            skip_services=skip_services,
        )
        return scan(options, on_plan=on_plan, on_progress=on_progress, progress=progress, call_log=call_log)


def _merged(
    base: Mapping[str, Mapping[str, Any]], override: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The estate's own intent (approved egress, allowed regions), overridden by the user's config."""
    out = {cid: dict(values) for cid, values in base.items()}
    for cid, values in override.items():
        out.setdefault(cid, {}).update(values)
    return out
