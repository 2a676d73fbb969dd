"""An IaC scan end to end: find the files, read each safely, turn every deployment unit (a template
with its nested stacks, a CDK stack, a Terraform plan) into an inventory, and run the checks whose
controls apply to IaC on each. Nothing here prints.

Per file, three outcomes besides being judged: an *error* (it looks like a template or plan but
cannot be judged: invalid YAML/JSON, too large, a YAML bomb, not plain CloudFormation, a nested
stack that cannot be read) makes the scan incomplete (a coverage gap); *skipped* (readable, but not
CloudFormation, a CDK assembly or a Terraform plan) is listed and changes nothing; a *note* says
how a judged file was read (as another template's nested stack; a macro rewrites it at deploy time).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ringfence.checks.engine import evaluate, select_checks
from ringfence.checks.registry import Check
from ringfence.checks.suppressions import Suppression, apply_suppressions
from ringfence.checks.tiers import EnvironmentConvention, TierConvention
from ringfence.model.findings import CoverageGap
from ringfence.model.inventory import Inventory
from ringfence.model.scan import ScanInfo, ScanResult
from ringfence.sources.iac.discover import Input, discover
from ringfence.sources.iac.nested import DocumentCache
from ringfence.sources.iac.units import FileIssue, IacOptions, InputResult, Reader, Unit, read_input

__all__ = ["FileIssue", "IacLoad", "IacOptions", "IacScan", "Unit", "load_iac", "scan_iac"]

NESTED_NOTE = "judged as a nested stack of the template that deploys it"


@dataclass(frozen=True)
class IacLoad:
    units: tuple[Unit, ...]
    errors: tuple[FileIssue, ...]
    skipped: tuple[FileIssue, ...]
    notes: tuple[FileIssue, ...] = ()
    ignored: Mapping[str, int] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    @property
    def resource_count(self) -> int:
        return sum(u.resource_count for u in self.units)


@dataclass(frozen=True)
class IacScan:
    result: ScanResult
    load: IacLoad


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def load_iac(paths: Sequence[str], options: IacOptions | None = None) -> IacLoad:
    """Every deployment unit under `paths` as model resources, and what could not be judged."""
    opts = options or IacOptions()
    found = discover(list(paths))
    cache = DocumentCache(Reader(opts.max_file_bytes))
    results = [read_input(item, opts, cache) for item in found.inputs]
    return _assemble(results, found.ignored, found.missing)


def _assemble(results: list[InputResult], ignored: Mapping[str, int], missing: Iterable[str]) -> IacLoad:
    """The units to judge, in input order: a template that another one nests is judged there (the
    templates nobody nests are taken first, so a directory's order does not matter; in a cycle the
    first one named wins)."""
    units = [u for r in results for u in r.units]
    referenced = {path for u in units for path in u.nested}
    covered: set[str] = set()
    kept: set[int] = set()
    notes: list[FileIssue] = []
    for i in sorted(range(len(units)), key=lambda i: units[i].real in referenced):
        unit = units[i]
        if unit.kind == "cloudformation" and unit.real in covered:
            notes.append(FileIssue(unit.name, NESTED_NOTE, "Nested"))
            continue
        kept.add(i)
        covered |= unit.nested
    chosen = tuple(units[i] for i in sorted(kept))
    return IacLoad(
        units=chosen,
        errors=tuple(e for r in results for e in r.errors) + tuple(e for u in chosen for e in u.errors),
        skipped=tuple(s for r in results for s in r.skipped),
        notes=tuple(n for u in chosen for n in u.notes) + tuple(notes),
        ignored=dict(ignored),
        missing=tuple(missing),
    )


# --- checks -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    options: IacOptions
    params: Mapping[str, Mapping[str, Any]] | None
    tiers: TierConvention
    environments: EnvironmentConvention


def scan_iac(
    paths: Sequence[str],
    options: IacOptions | None = None,
    *,
    controls: Iterable[str] | None = None,
    skip_controls: Iterable[str] = (),
    params: Mapping[str, Mapping[str, Any]] | None = None,
    tiers: TierConvention | None = None,
    environments: EnvironmentConvention | None = None,
    suppressions: Sequence[Suppression] = (),
) -> IacScan:
    """Load `paths` and judge each unit with the checks that serve IaC (parameters, conventions and
    suppressions as ringfence.toml gives them). Raises ValueError for unknown control ids."""
    opts = options or IacOptions()
    checks = select_checks("iac", only=controls, skip=skip_controls)
    started = now_iso()
    found = discover(list(paths))
    job = _Job(opts, params, tiers or TierConvention(), environments or EnvironmentConvention())
    results = _judge_inputs(job, found.inputs, checks)
    load = _assemble(results, found.ignored, found.missing)
    findings = tuple(apply_suppressions((f for u in load.units for f in u.findings), suppressions))
    gaps = tuple(
        CoverageGap(opts.account or "", opts.region or "", "iac", e.file, e.code or "Unjudged", e.reason)
        for e in load.errors
    )
    info = ScanInfo(
        id=os.urandom(16).hex(),  # like uuid4().hex; uuid would import platform for nothing
        started=started,
        finished=now_iso(),
        source="iac",
        accounts=(opts.account,) if opts.account else (),
        regions=(opts.region,) if opts.region else (),
        coverage_gaps=gaps,
        resource_count=load.resource_count,
    )
    return IacScan(result=ScanResult(info=info, findings=findings), load=load)


def _judge_inputs(job: _Job, inputs: list[Input], checks: list[Check]) -> list[InputResult]:
    """Read and judge `inputs`, one at a time: a unit's resources are let go once it is judged, so
    memory holds one deployment's inventory at a time (and the findings)."""
    cache = DocumentCache(Reader(job.options.max_file_bytes))
    results = []
    for item in inputs:
        result = read_input(item, job.options, cache)
        result.units = [_judge(unit, checks, job) for unit in result.units]
        results.append(result)
    return results


def _judge(unit: Unit, checks: list[Check], job: _Job) -> Unit:
    inventory = Inventory()
    errors = list(unit.errors)
    for resource in unit.resources:
        try:
            inventory.add(resource)
        except ValueError as exc:
            errors.append(FileIssue(unit.name, str(exc), "DuplicateId"))
    # A check reads only the kinds it declares: with none of them here it has nothing to say.
    present = {r.KIND for r in inventory}
    relevant = [c for c in checks if present.intersection(c.meta.resource_types)]
    findings = evaluate(
        inventory, relevant, mode="iac", params=job.params, tiers=job.tiers, environments=job.environments
    )
    return replace(unit, resources=(), findings=tuple(findings), errors=tuple(errors))
