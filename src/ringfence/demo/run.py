"""`ringfence demo`: build the demo estate on a local emulator and scan it like a real account."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ringfence.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, LocalAws
from ringfence.model.scan import ScanResult
from ringfence.scanner import ScanOptions, scan
from ringfence.sources.aws.runner import ProgressHook
from ringfence.sources.aws.session import AwsOptions


def run_demo(
    *,
    controls: Iterable[str] | None = None,
    skip_controls: Iterable[str] = (),
    on_plan: Callable[[int], None] | None = None,
    on_progress: ProgressHook | None = None,
) -> ScanResult:
    from ringfence.demo.estate import build_demo_estate

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
            params=estate.params,
            source="demo",
        )
        return scan(options, on_plan=on_plan, on_progress=on_progress)
