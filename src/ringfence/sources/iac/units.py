"""One input -> its deployment units: a template with its nested stacks, each stack of a CDK
assembly, a Terraform plan. Also what about the input could not be judged (errors), why it was
not IaC at all (skipped), and how it was read (notes).

Which inputs are judged on their own is decided later, over all of them (scan.py): a template
another one nests is judged as part of that one. So each unit says which nested templates it
took in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ringfence.model.base import Resource
from ringfence.model.compute import MetadataOptions
from ringfence.model.findings import Finding
from ringfence.sources.iac import cdk, cloudformation
from ringfence.sources.iac.discover import Input
from ringfence.sources.iac.loader import (
    DEFAULT_MAX_BYTES,
    MAX_YAML_BYTES,
    Document,
    LoadError,
    NotData,
    parse,
    read_text,
)
from ringfence.sources.iac.nested import DocumentCache, make_loader, template_problem
from ringfence.sources.iac.template import DeployContext, Stack

KNOWN_TRANSFORMS = ("AWS::Serverless-2016-10-31", "AWS::LanguageExtensions")
_LOOKS_LIKE_IAC = re.compile(
    r"AWSTemplateFormatVersion|^Resources\s*:|\"Resources\"\s*:|\"format_version\"", re.M
)


@dataclass(frozen=True)
class IacOptions:
    parameters: Mapping[str, Any] = field(default_factory=dict)  # CloudFormation parameter values
    region: str | None = None
    account: str | None = None
    max_file_bytes: int = DEFAULT_MAX_BYTES
    account_imds_defaults: MetadataOptions | None = None


@dataclass(frozen=True, slots=True)
class FileIssue:
    file: str
    reason: str
    code: str = ""


@dataclass(frozen=True)
class Unit:
    name: str  # the file (template, plan) or assembly stack it came from
    kind: str  # cloudformation | cdk | terraform
    resources: tuple[Resource, ...]
    real: str = ""  # the top template's real path
    nested: frozenset[str] = frozenset()  # real paths of the nested templates it took in
    errors: tuple[FileIssue, ...] = ()  # parts of it that could not be judged
    notes: tuple[FileIssue, ...] = ()
    findings: tuple[Finding, ...] = ()  # once judged
    resource_count: int = 0


@dataclass
class InputResult:
    units: list[Unit] = field(default_factory=list)
    errors: list[FileIssue] = field(default_factory=list)
    skipped: list[FileIssue] = field(default_factory=list)


class Reader:
    """Reads and parses a file, with the size limits (YAML's lower: it costs more to parse)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    def __call__(self, real_path: str) -> Document:
        fmt = _format(real_path)
        text = read_text(real_path, self.max_bytes if fmt == "json" else min(self.max_bytes, MAX_YAML_BYTES))
        if fmt == "sniff":
            fmt = "json" if text.lstrip()[:1] in ("{", "[") else "yaml"
            try:
                return parse(text, fmt)
            except LoadError:
                if fmt == "yaml":
                    raise
                return parse(text, "yaml")  # JSON-looking YAML flow text
        return parse(text, fmt)


def _format(path: str) -> str:
    lower = path.lower()
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    return "sniff"


def read_input(item: Input, opts: IacOptions, cache: DocumentCache) -> InputResult:
    result = InputResult()
    if item.kind == "assembly":
        _assembly(item, opts, cache, result)
        return result
    document = _read(item, cache, result)
    if document is None:
        return result
    data = document.data
    if is_plan(data):
        result.units.append(_plan(item, data, opts))
    elif cdk.is_manifest(data):
        reason = "a CDK manifest: give its directory (cdk.out) to scan the assembly"
        result.skipped.append(FileIssue(item.shown, reason, "CdkManifest"))
    elif isinstance(data, dict) and ("Resources" in data or "AWSTemplateFormatVersion" in data):
        problem = template_problem(data)
        if problem:
            result.errors.append(FileIssue(item.shown, problem, "NotPlainCloudFormation"))
        else:
            result.units.append(_template(item, document, opts, cache))
    else:
        reason = "not a CloudFormation template, CDK assembly or Terraform plan"
        result.skipped.append(FileIssue(item.shown, reason, "NotIac"))
    return result


def _read(item: Input, cache: DocumentCache, result: InputResult) -> Document | None:
    try:
        return cache.get(item.real)
    except NotData as exc:
        result.skipped.append(FileIssue(item.shown, str(exc), "NotIac"))
    except LoadError as exc:
        if item.explicit or _looks_like_iac(item.real):
            result.errors.append(FileIssue(item.shown, str(exc), error_code(str(exc))))
        else:
            reason = f"unreadable and not recognisably a template or plan: {exc}"
            result.skipped.append(FileIssue(item.shown, reason, "NotIac"))
    return None


def error_code(reason: str) -> str:
    if "limit" in reason:
        return "TooLarge"
    if "bomb" in reason or "aliases" in reason or "nested more than" in reason or "refused" in reason:
        return "Refused"
    if reason.startswith(("invalid", "not UTF-8")) or "is not allowed" in reason:
        return "ParseError"
    return "Unreadable"


def _looks_like_iac(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(64 * 1024).decode("utf-8", "replace")
    except OSError:
        return False
    return bool(_LOOKS_LIKE_IAC.search(head))


def _context(opts: IacOptions, region: str | None = None, account: str | None = None) -> DeployContext:
    return DeployContext(
        region=opts.region or region, account=opts.account or account, parameters=opts.parameters
    )


def _template(item: Input, document: Document, opts: IacOptions, cache: DocumentCache) -> Unit:
    context = _context(opts)
    taken: set[str] = set()
    stack = Stack(
        document, file=item.shown, real_path=item.real, context=context, children=make_loader(cache, taken)
    )
    return _map(stack, item.shown, "cloudformation", context, opts, taken)


def _map(
    stack: Stack, name: str, kind: str, context: DeployContext, opts: IacOptions, taken: set[str]
) -> Unit:
    model = cloudformation.ModelContext(
        account=context.account or "", region=context.region or "", imds_defaults=opts.account_imds_defaults
    )
    mapped = cloudformation.map_stack(stack, model)
    errors = tuple(
        FileIssue(file, problem, "NestedStack" if problem.startswith("nested stack") else "Unjudged")
        for file, problem in mapped.problems
    )
    macros = [t for t in stack.transforms if t not in KNOWN_TRANSFORMS]
    notes: tuple[FileIssue, ...] = ()
    if macros:
        reason = f"the macro(s) {', '.join(macros)} rewrite the template at deploy time: judged as written"
        notes = (FileIssue(name, reason, "Macro"),)
    resources = tuple(mapped.resources)
    return Unit(
        name,
        kind,
        resources,
        real=stack.real_path,
        nested=frozenset(taken),
        errors=errors,
        notes=notes,
        resource_count=len(resources),
    )


def _assembly(item: Input, opts: IacOptions, cache: DocumentCache, result: InputResult) -> None:
    stacks, problems = cdk.read_assembly(item.shown, item.real, cache.get)
    result.errors += [FileIssue(item.shown, p, "CdkAssembly") for p in problems]
    for spec in stacks:
        try:
            document = cache.get(spec.real_path)
        except LoadError as exc:
            result.errors.append(FileIssue(spec.template, str(exc), error_code(str(exc))))
            continue
        problem = template_problem(document.data)
        if problem:
            result.errors.append(FileIssue(spec.template, problem, "NotPlainCloudFormation"))
            continue
        context = _context(opts, spec.region, spec.account)
        taken: set[str] = set()
        stack = Stack(
            document,
            file=spec.template,
            real_path=spec.real_path,
            context=context,
            children=make_loader(cache, taken),
        )
        stack.cdk_paths = spec.construct_paths
        unit = _map(stack, spec.template, "cdk", context, opts, taken)
        result.units.append(unit)


def is_plan(data: Any) -> bool:
    """`terraform show -json` of a plan (or of a state): its format_version and planned values."""
    return (
        isinstance(data, dict)
        and "format_version" in data
        and any(k in data for k in ("planned_values", "resource_changes", "values", "terraform_version"))
    )


def _plan(item: Input, data: Mapping[str, Any], opts: IacOptions) -> Unit:
    from ringfence.sources.iac import terraform  # only when there is a plan to read

    plan = terraform.read_plan(data, item.shown, account=opts.account or "", region=opts.region or "")
    plan.imds_defaults = opts.account_imds_defaults
    resources = tuple(terraform.map_plan(plan))
    errors = tuple(FileIssue(item.shown, p, "Unjudged") for p in plan.problems)
    return Unit(
        item.shown, "terraform", resources, real=item.real, errors=errors, resource_count=len(resources)
    )
