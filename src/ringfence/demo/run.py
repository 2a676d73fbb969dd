"""`ringfence demo`: build the demo estate on a local emulator and scan it like a real account."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ringfence.config import Settings
from ringfence.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, LocalAws
from ringfence.model.findings import Severity
from ringfence.model.scan import ScanResult
from ringfence.scanner import ScanOptions, scan
from ringfence.sources.aws.runner import ProgressHook
from ringfence.sources.aws.session import AwsOptions


def run_demo(
    *,
    settings: Settings | None = None,
    controls: Iterable[str] | None = None,
    skip_controls: Iterable[str] = (),
    min_severity: Severity | None = None,
    on_plan: Callable[[int], None] | None = None,
    on_progress: ProgressHook | None = None,
) -> ScanResult:
    from ringfence.demo.estate import build_demo_estate

    config = settings or Settings()
    with LocalAws() as aws:
        estate = build_demo_estate(aws.endpoint_url)
        options = ScanOptions(
            aws=AwsOptions(
                endpoint_url=aws.endpoint_url,
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
        )
        return scan(options, on_plan=on_plan, on_progress=on_progress)


def _merged(
    base: Mapping[str, Mapping[str, Any]], override: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The estate's own intent (approved egress, allowed regions), overridden by the user's config."""
    out = {cid: dict(values) for cid, values in base.items()}
    for cid, values in override.items():
        out.setdefault(cid, {}).update(values)
    return out
