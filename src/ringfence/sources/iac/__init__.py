"""Infrastructure as code -> the same inventory model as a live scan.

CloudFormation templates (JSON and YAML, short-form tags, nested stacks), CDK cloud assemblies
(`cdk.out`) and Terraform plans (`terraform show -json`) become model resources, so the checks that
judge the live estate judge the templates too. Nothing here imports the AWS SDK.

    from ringfence.sources.iac import IacOptions, scan_iac
    outcome = scan_iac(["templates/"], IacOptions(parameters={"Env": "prod"}))
    outcome.result.findings, outcome.errors, outcome.skipped
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["FileIssue", "IacOptions", "IacScan", "load_iac", "scan_iac"]

if TYPE_CHECKING:
    from ringfence.sources.iac.scan import FileIssue, IacOptions, IacScan, load_iac, scan_iac


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ringfence.sources.iac import scan

        return getattr(scan, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
