"""The demo estate: the case studies built in miniature on a local AWS, with their planted flaws.

`build_demo_estate(endpoint_url)` makes real boto3 calls over HTTP to the emulator at `endpoint_url`
(a few hundred calls, a few seconds) and returns what a scan of it must find.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ringfence.demo import health, insurtech, landing_zone, saas
from ringfence.demo.kit import SYDNEY, DemoAws, PlantedFlaw

__all__ = ["DemoEstate", "PlantedFlaw", "build_demo_estate"]


@dataclass(frozen=True, slots=True)
class DemoEstate:
    account_id: str
    home_region: str
    regions: tuple[str, ...]  # the home region first
    flaws: tuple[PlantedFlaw, ...]
    # Scan parameters that state the estate's intent (controls.yaml params by control id), e.g. the
    # health insurer's approved egress prefixes for the data tier.
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    api_calls: int = 0
    build_seconds: float = 0.0


def build_demo_estate(endpoint_url: str) -> DemoEstate:
    """Build every case study on the (empty) local AWS at `endpoint_url`."""
    started = time.perf_counter()
    aws = DemoAws(endpoint_url, home_region=SYDNEY)
    flow_log_bucket = landing_zone.build(aws)
    approved_egress = health.build(aws)
    insurtech.build(aws, flow_log_bucket)
    saas.build(aws)
    params: dict[str, Mapping[str, Any]] = {
        "NET-07": {"approved_egress": list(approved_egress)},
        "GOV-02": {"allowed_regions": [SYDNEY]},
    }
    return DemoEstate(
        account_id=aws.account_id,
        home_region=SYDNEY,
        regions=(SYDNEY, *sorted(aws.regions - {SYDNEY})),
        flaws=tuple(aws.flaws),
        params=params,
        api_calls=aws.calls,
        build_seconds=round(time.perf_counter() - started, 2),
    )
