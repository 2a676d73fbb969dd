"""Helpers for the IaC tests: scan a template written inline, look findings up by resource id."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from ringfence.model import Finding, ScanResult, Status
from ringfence.sources.iac.scan import IacOptions, IacScan, scan_iac

FIXTURES = Path(__file__).parent / "fixtures"


def write(tmp_path: Path, text: str, name: str = "template.yaml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def scan_text(
    tmp_path: Path, text: str, name: str = "template.yaml", controls: list[str] | None = None, **options: Any
) -> IacScan:
    path = write(tmp_path, text, name)
    return scan_iac([str(path)], IacOptions(**options), controls=controls)


def finding(result: ScanResult, control_id: str, resource_id: str) -> Finding:
    matches = [f for f in result.findings if f.control_id == control_id and f.resource_id == resource_id]
    assert len(matches) == 1, f"expected one {control_id} finding on {resource_id}, got {matches}"
    return matches[0]


def status(result: ScanResult, control_id: str, resource_id: str) -> Status:
    return finding(result, control_id, resource_id).status


def ids(result: ScanResult, control_id: str) -> set[str]:
    return {f.resource_id for f in result.findings if f.control_id == control_id}
