"""CDK cloud assemblies (`cdk.out`): the stacks that manifest.json lists, with their environment and
construct paths.

Each `aws:cloudformation:stack` artifact names its template file and its environment
(aws://ACCOUNT/REGION, "unknown-account"/"unknown-region" when environment-agnostic), which fills
AWS::AccountId and AWS::Region. Nested assemblies (`cdk:cloud-assembly`, one per Stage) are read
the same way. Construct paths come from each resource's `aws:cdk:path` metadata in the template,
else from the manifest's `aws:cdk:logicalId` metadata entries. Nested stacks are found through
their `aws:asset:path` metadata (nested.py). Asset directories are never read.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ringfence.sources.iac.loader import Document, LoadError
from ringfence.sources.iac.values import as_map

MANIFEST = "manifest.json"
MAX_ASSEMBLY_DEPTH = 8


@dataclass(frozen=True)
class CdkStack:
    name: str
    template: str  # as shown (under the path the user gave)
    real_path: str
    account: str | None = None
    region: str | None = None
    construct_paths: dict[str, str] = field(default_factory=dict)  # logical id -> construct path


def is_manifest(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("artifacts"), dict) and "version" in data


def read_assembly(
    shown_dir: str, real_dir: str, read: Callable[[str], Document], depth: int = 0
) -> tuple[list[CdkStack], list[str]]:
    """The stacks of the assembly in `real_dir`, and the problems met (a missing manifest...)."""
    manifest_path = os.path.join(real_dir, MANIFEST)
    try:
        manifest = read(manifest_path).data
    except LoadError as exc:
        return [], [f"{os.path.join(shown_dir, MANIFEST)}: {exc}"]
    if not is_manifest(manifest):
        return [], [f"{os.path.join(shown_dir, MANIFEST)}: not a CDK cloud assembly manifest"]
    stacks: list[CdkStack] = []
    problems: list[str] = []
    for name, artifact in manifest["artifacts"].items():
        if not isinstance(artifact, dict):
            continue
        kind = artifact.get("type")
        properties = as_map(artifact.get("properties"))
        if kind == "aws:cloudformation:stack" and isinstance(properties.get("templateFile"), str):
            account, region = _environment(artifact.get("environment"))
            stacks.append(
                CdkStack(
                    name=str(artifact.get("displayName") or name),
                    template=os.path.join(shown_dir, properties["templateFile"]),
                    real_path=os.path.realpath(os.path.join(real_dir, properties["templateFile"])),
                    account=account,
                    region=region,
                    construct_paths=_construct_paths(artifact.get("metadata")),
                )
            )
        elif kind == "cdk:cloud-assembly" and isinstance(properties.get("directoryName"), str):
            if depth >= MAX_ASSEMBLY_DEPTH:
                problems.append(f"{shown_dir}: assemblies nested more than {MAX_ASSEMBLY_DEPTH} deep")
                continue
            sub = properties["directoryName"]
            inner, inner_problems = read_assembly(
                os.path.join(shown_dir, sub), os.path.join(real_dir, sub), read, depth + 1
            )
            stacks += inner
            problems += inner_problems
    return stacks, problems


def _environment(value: Any) -> tuple[str | None, str | None]:
    if not isinstance(value, str) or not value.startswith("aws://"):
        return None, None
    account, _, region = value[len("aws://") :].partition("/")
    return (
        account if account and not account.startswith("unknown-") else None,
        region if region and not region.startswith("unknown-") else None,
    )


def _construct_paths(metadata: Any) -> dict[str, str]:
    paths: dict[str, str] = {}
    if not isinstance(metadata, dict):
        return paths
    for path, entries in metadata.items():
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict) and entry.get("type") == "aws:cdk:logicalId":
                data = entry.get("data")
                if isinstance(data, str):
                    paths[data] = str(path).lstrip("/")
    return paths
