"""CloudFormation resources -> model resources: the mapping framework.

A deployment unit is a stack with its nested stacks. Mapping runs in two passes over every
resource whose Condition is not known to be false. First the joiners: resources that only add to
another one (security group rules, listener rules, bucket policies, DB subnet groups, KMS aliases,
gateway attachments) file what they add under their target's logical id. Then the mappers build
each frozen model resource with everything filed for it. What was filed for a target the files do
not declare is left to finishers (a standalone rule on a group made elsewhere is still judged, on
the rule's own resource).

One mapper module per area (cfn_ec2, cfn_network, cfn_storage, cfn_elb, cfn_data), each function
registered by decorator; this module only finds and runs them.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ringfence.model.base import Resource, SourceLocation
from ringfence.model.compute import MetadataOptions
from ringfence.sources.iac import values as v
from ringfence.sources.iac.template import NESTED_STACK, Stack
from ringfence.sources.iac.values import NO_VALUE, PARAMETER, ResourceRef, Symbolic, Unknown

MapFn = Callable[["Declared", "Unit"], Iterable[Resource]]
JoinFn = Callable[["Declared", "Unit"], None]
FinishFn = Callable[["Unit"], Iterable[Resource]]
_MAPPERS: dict[str, MapFn] = {}
_JOINERS: dict[str, list[JoinFn]] = defaultdict(list)
_FINISHERS: list[FinishFn] = []
_LOADED = False


def maps(*types: str) -> Callable[[MapFn], MapFn]:
    def register(fn: MapFn) -> MapFn:
        for t in types:
            if t in _MAPPERS:
                raise ValueError(f"two mappers for {t}")
            _MAPPERS[t] = fn
        return fn

    return register


def joins(*types: str) -> Callable[[JoinFn], JoinFn]:
    def register(fn: JoinFn) -> JoinFn:
        for t in types:
            _JOINERS[t].append(fn)
        return fn

    return register


def finisher(fn: FinishFn) -> FinishFn:
    _FINISHERS.append(fn)
    return fn


def load_mappers() -> None:
    global _LOADED
    if _LOADED:
        return
    package = importlib.import_module("ringfence.sources.iac")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("cfn_"):
            importlib.import_module(f"ringfence.sources.iac.{info.name}")
    _LOADED = True


@dataclass(frozen=True)
class ModelContext:
    """What every model resource of the unit carries: the account and region the user named (or the
    CDK environment's), "" when not known, and the account IMDS defaults if the user stated them."""

    account: str = ""
    region: str = ""
    imds_defaults: MetadataOptions | None = None


class Declared:
    """One resource of a template, its properties resolved on demand (each once)."""

    __slots__ = ("_cache", "logical_id", "props", "raw", "stack", "type")

    def __init__(self, stack: Stack, logical_id: str, raw: Mapping[str, Any]) -> None:
        self.stack = stack
        self.logical_id = logical_id
        self.raw = raw
        self.type = str(raw.get("Type"))
        props = raw.get("Properties")
        self.props: Mapping[str, Any] = props if isinstance(props, dict) else {}
        self._cache: dict[str, Any] = {}

    @property
    def qid(self) -> str:
        return self.stack.prefix + self.logical_id

    def get(self, name: str) -> Any:
        """The property's resolved value; None when absent (or AWS::NoValue)."""
        if name not in self._cache:
            raw = self.props.get(name)
            resolved = None if raw is None else self.stack.resolve(raw)
            self._cache[name] = None if resolved is NO_VALUE else resolved
        return self._cache[name]

    def has(self, name: str) -> bool:
        return self.get(name) is not None

    def location(self) -> SourceLocation:
        metadata = self.raw.get("Metadata")
        cdk_path = metadata.get("aws:cdk:path") if isinstance(metadata, dict) else None
        if not isinstance(cdk_path, str):
            cdk_path = self.stack.cdk_paths.get(self.logical_id)
        path = cdk_path or self.stack.nested_path
        return SourceLocation(file=self.stack.file, line=self.stack.line_of(self.logical_id), path=path)


@dataclass
class Unit:
    """One deployment (a stack and its nested stacks) being mapped."""

    context: ModelContext
    declared: dict[str, Declared] = field(default_factory=dict)  # by qualified logical id
    by_type: dict[str, list[Declared]] = field(default_factory=lambda: defaultdict(list))
    filed: dict[tuple[str, str], list[Any]] = field(default_factory=lambda: defaultdict(list))
    taken: set[tuple[str, str]] = field(default_factory=set)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (file, what could not be judged)
    resources: list[Resource] = field(default_factory=list)

    def file(self, kind: str, target: str, item: Any) -> None:
        """File `item` (of `kind`, e.g. "sg-rule") for the resource `target` (a qualified id)."""
        self.filed[(kind, target)].append(item)

    def take(self, kind: str, target: str) -> list[Any]:
        """What was filed for `target`; marks it taken so that finishers see only the orphans."""
        self.taken.add((kind, target))
        return self.filed.get((kind, target), [])

    def orphans(self, kind: str) -> Iterator[tuple[str, list[Any]]]:
        for (k, target), items in self.filed.items():
            if k == kind and (k, target) not in self.taken:
                yield target, items

    def find(self, value: Any, types: tuple[str, ...], name_prop: str | None = None) -> Declared | None:
        """The declared resource `value` names: by reference, or by a literal name it declares."""
        if isinstance(value, ResourceRef):
            found = self.declared.get(value.logical_id)
            return found if found is not None and found.type in types else None
        # By name: a literal, or the same deploy-time expression (the same placeholders in the same
        # text resolve to the same name), compared as RDS and S3 compare names: case-insensitively.
        text = v.display(value)
        if text is None or name_prop is None or isinstance(value, Unknown):
            return None
        for t in types:
            for d in self.by_type.get(t, ()):
                name = d.get(name_prop)
                shown = None if isinstance(name, Unknown) else v.display(name)
                if shown is not None and shown.lower() == text.lower():
                    return d
        return None


class Fields:
    """Reads typed fields off resolved values, noting in `unresolved` why a field is not known."""

    def __init__(self, declared: Declared, unit: Unit) -> None:
        self.declared = declared
        self.unit = unit
        self.unresolved: dict[str, str] = {}

    def note(self, field_name: str, prop: str, value: Any) -> None:
        if field_name not in self.unresolved:
            self.unresolved[field_name] = f"{prop}: {v.describe(value) or f'{value!r} is not valid here'}"

    def boolean(self, value: Any, field_name: str, prop: str, default: bool | None = None) -> bool | None:
        if value is None:
            return default
        result = v.to_bool(value)
        if result is None:
            self.note(field_name, prop, value)
        return result

    def integer(self, value: Any, field_name: str, prop: str) -> int | None:
        if value is None:
            return None
        result = v.to_int(value)
        if result is None:
            self.note(field_name, prop, value)
        return result

    def text(self, value: Any, field_name: str, prop: str, default: str | None = None) -> str | None:
        """A literal string; a deploy-time or unknown value is noted and gives None."""
        if value is None:
            return default
        result = v.scalar_text(value)
        if result is None:
            self.note(field_name, prop, value)
        return result

    def base(self, **extra: Any) -> dict[str, Any]:
        d = self.declared
        ctx = self.unit.context
        return {
            "arn": d.qid,
            "native_id": d.qid,
            "account": ctx.account,
            "region": ctx.region,
            "tags": tags(d.get("Tags")),
            "location": d.location(),
            "unresolved": self.unresolved,
            "source_type": d.type,
            **extra,
        }


def ident(value: Any) -> str | None:
    """An id-like reference: a resource's qualified logical id, a literal, or the placeholder text of a
    deploy-time value (which names it without pretending to be a literal)."""
    if isinstance(value, ResourceRef):
        return value.logical_id
    return v.display(value)


def idents(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(i for i in (ident(x) for x in value) if i)
    single = ident(value)
    return (single,) if single else ()


def tags(value: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and "Key" in item:
                key, text = v.display(item.get("Key")), v.display(item.get("Value"))
                if key is not None and text is not None:
                    out[key] = text
    elif isinstance(value, dict):
        for key, item in value.items():
            text = v.display(item)
            if text is not None:
                out[str(key)] = text
    return out


_POLICY_SENSITIVE = ("Effect", "Principal", "NotPrincipal", "Condition")


def policy_text(value: Any) -> tuple[str | None, str | None]:
    """(the policy document as JSON text, or why it is not knowable). Resource ids and deploy-time
    strings stay as placeholders (they are never "*"); an unknown value where it decides who is
    let in (Effect, Principal, Condition) makes the whole policy not knowable."""
    if value is None:
        return None, None
    if isinstance(value, str):
        return value, None
    if isinstance(value, Unknown | Symbolic):
        return None, v.describe(value)
    statements = value.get("Statement") if isinstance(value, dict) else None
    items = statements if isinstance(statements, list) else [statements]
    for item in items:
        if isinstance(item, Unknown):
            return None, f"a statement is not knowable: {item.reason}"
        if isinstance(item, dict):
            for key in _POLICY_SENSITIVE:
                doubt = _undecided(item.get(key))
                if doubt is not None:
                    return None, f"{key} of a statement is not knowable: {doubt.reason}"
    return json.dumps(value, default=lambda x: getattr(x, "text", "?")), None


def _undecided(value: Any) -> Unknown | None:
    """An Unknown that could stand for anything ("*" included): a Symbolic only counts when a
    parameter or an import is inside it, not a resource id or the account id."""
    found = v.first_unknown(value)
    if found is None:
        return None
    if isinstance(value, Symbolic) or _only_symbolic(value):
        return found if found.cause in (PARAMETER, v.IMPORT, v.SSM, v.INVALID, v.UNSUPPORTED) else None
    return found


def _only_symbolic(value: Any) -> bool:
    if isinstance(value, Unknown):
        return False
    if isinstance(value, dict):
        return all(_only_symbolic(x) for x in value.values())
    if isinstance(value, list):
        return all(_only_symbolic(x) for x in value)
    return True


# --- running a unit ---------------------------------------------------------------------------------


def map_stack(stack: Stack, context: ModelContext) -> Unit:
    """Every model resource of `stack` and its nested stacks; `unit.problems` lists what could not be
    judged (a nested stack that cannot be read, an unknowable Fn::ForEach)."""
    load_mappers()
    unit = Unit(context=context)
    _declare(stack, unit)
    for declared in list(unit.declared.values()):
        for join in _JOINERS.get(declared.type, ()):
            join(declared, unit)
    for declared in unit.declared.values():
        mapper = _MAPPERS.get(declared.type)
        if mapper is not None:
            unit.resources.extend(mapper(declared, unit))
    for finish in _FINISHERS:
        unit.resources.extend(finish(unit))
    return unit


def _declare(stack: Stack, unit: Unit) -> None:
    unit.problems.extend((stack.file, p) for p in stack.problems)
    for logical_id, raw in stack.resources.items():
        if not isinstance(raw, dict):
            continue
        condition = raw.get("Condition")
        if isinstance(condition, str) and stack.condition(condition) is False:
            continue
        declared = Declared(stack, logical_id, raw)
        unit.declared[declared.qid] = declared
        unit.by_type[declared.type].append(declared)
        if declared.type == NESTED_STACK:
            child = stack.child(logical_id)
            if isinstance(child, Unknown):
                unit.problems.append((stack.file, f"nested stack {declared.qid}: {child.reason}"))
            else:
                _declare(child, unit)
