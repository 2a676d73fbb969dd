"""Test helpers: a handle on the local AWS and finding look-ups (fixtures are in conftest.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import boto3

from ringfence.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, LocalAws
from ringfence.model import Finding, ScanResult, Status
from ringfence.scanner import ScanOptions, scan
from ringfence.sources.aws.session import AwsOptions

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account


class Aws:
    """A test's handle on the moto server: boto3 clients and a scan of what was built."""

    def __init__(self, server: LocalAws) -> None:
        self.endpoint_url = server.endpoint_url
        self.session = boto3.Session(
            aws_access_key_id=DEMO_ACCESS_KEY, aws_secret_access_key=DEMO_SECRET_KEY, region_name=REGION
        )

    def client(self, service: str, region: str = REGION) -> Any:
        return self.session.client(service, region_name=region, endpoint_url=self.endpoint_url)

    def options(self, **kw: Any) -> AwsOptions:
        return AwsOptions(
            endpoint_url=self.endpoint_url,
            home_region=REGION,
            access_key_id=DEMO_ACCESS_KEY,
            secret_access_key=DEMO_SECRET_KEY,
            **kw,
        )

    def scan(self, regions: Sequence[str] = (REGION,), controls: Sequence[str] | None = None) -> ScanResult:
        return scan(ScanOptions(aws=self.options(), regions=list(regions), controls=controls))


def findings_for(result: ScanResult, control_id: str) -> list[Finding]:
    return [f for f in result.findings if f.control_id == control_id]


def status_of(result: ScanResult, control_id: str, resource_id_part: str) -> Status:
    """The status of the one finding of `control_id` whose resource_id contains the given text."""
    matches = [f for f in findings_for(result, control_id) if resource_id_part in f.resource_id]
    assert len(matches) == 1, f"expected one {control_id} finding on {resource_id_part}, got {matches}"
    return matches[0].status
