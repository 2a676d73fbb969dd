"""ringfence: prove an AWS estate is as secure as its architects claim.

The public Python API::

    import ringfence
    result = ringfence.scan(ringfence.ScanOptions(regions=["eu-west-1"]))
    for finding in result.findings:
        ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "AwsOptions",
    "CoverageGap",
    "Finding",
    "ScanInfo",
    "ScanOptions",
    "ScanResult",
    "Severity",
    "Status",
    "__version__",
    "scan",
]

if TYPE_CHECKING:
    from ringfence.model import CoverageGap, Finding, ScanInfo, ScanResult, Severity, Status
    from ringfence.scanner import ScanOptions, scan
    from ringfence.sources.aws.session import AwsOptions

_LAZY = {
    "CoverageGap": "ringfence.model",
    "Finding": "ringfence.model",
    "ScanInfo": "ringfence.model",
    "ScanResult": "ringfence.model",
    "Severity": "ringfence.model",
    "Status": "ringfence.model",
    "ScanOptions": "ringfence.scanner",
    "scan": "ringfence.scanner",
    "AwsOptions": "ringfence.sources.aws.session",
}


def __getattr__(name: str) -> Any:
    # Lazy, so that `ringfence iac` and the model never import boto3.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ringfence' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
