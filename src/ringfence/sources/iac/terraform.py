"""Terraform plans (`terraform show -json PLAN`) -> model resources.

Every managed resource the plan leaves in place (`resource_changes` whose actions are not just
"delete"; for a state file, `values`) is read from its planned `after` values. A value in
`after_unknown` is known only after apply: where the configuration sets it, the field is not
knowable and named in `unresolved`; where the configuration leaves it unset, the provider or AWS
default applies (each mapper says which). Cross references are followed through the known id of
the target when there is one, else through the configuration's `references` (which is how a rule
on a group created in the same plan finds its group), module calls and count/for_each indexes
included. A plan has no line numbers: a resource is located by its address alone.

Mappers live in tf_*.py, one module per area, registered by decorator like the CloudFormation ones.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ringfence.model.base import Resource, SourceLocation
from ringfence.model.compute import MetadataOptions
from ringfence.sources.iac.values import APPLY, Unknown, as_map

TfMapFn = Callable[["TfResource", "Plan"], Iterable[Resource]]
TfJoinFn = Callable[["TfResource", "Plan"], None]
TfFinishFn = Callable[["Plan"], Iterable[Resource]]
_MAPPERS: dict[str, TfMapFn] = {}
_JOINERS: dict[str, list[TfJoinFn]] = defaultdict(list)
_FINISHERS: list[TfFinishFn] = []
_LOADED = False
_REFERENCE = re.compile(
    r"^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*)([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)(\[[^\]]*\])?"
)
_INDEX = re.compile(r"\[[^\]]*\]$")


def tf_maps(*types: str) -> Callable[[TfMapFn], TfMapFn]:
    def register(fn: TfMapFn) -> TfMapFn:
        for t in types:
            _MAPPERS[t] = fn
        return fn

    return register


def tf_joins(*types: str) -> Callable[[TfJoinFn], TfJoinFn]:
    def register(fn: TfJoinFn) -> TfJoinFn:
        for t in types:
            _JOINERS[t].append(fn)
        return fn

    return register


def tf_finisher(fn: TfFinishFn) -> TfFinishFn:
    _FINISHERS.append(fn)
    return fn


def load_mappers() -> None:
    global _LOADED
    if not _LOADED:
        package = importlib.import_module("ringfence.sources.iac")
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("tf_"):
                importlib.import_module(f"ringfence.sources.iac.{info.name}")
        _LOADED = True


@dataclass
class TfResource:
    address: str
    type: str
    module: str  # "module.app" ("" at the root), instance keys included
    index: Any  # count or for_each key, None without
    after: Mapping[str, Any]
    after_unknown: Any  # True, or a tree of the same shape as `after`
    config: Mapping[str, Any]  # the configuration's expressions for this resource block
    action: str  # create | update | no-op | replace | read

    @property
    def base_address(self) -> str:
        return _INDEX.sub("", self.address) if self.index is not None else self.address

    def get(self, *path: str | int) -> Any:
        """The planned value at `path`, or an Unknown when it is known only after apply."""
        value: Any = self.after
        unknown: Any = self.after_unknown
        for step in path:
            if unknown is True:
                break
            value = _step(value, step)
            unknown = _step(unknown, step)
        if unknown is True:
            dotted = ".".join(str(p) for p in path)
            return Unknown(f"{self.address}.{dotted} is known only after apply", APPLY, dotted)
        return value

    def configured(self, *path: str | int) -> bool:
        """Whether the configuration sets `path` (blocks: their first instance)."""
        node: Any = self.config
        for step in path:
            if isinstance(node, list):
                node = node[0] if node else None
            if isinstance(step, int):
                continue
            if not isinstance(node, Mapping) or step not in node:
                return False
            node = node[step]
        return True

    def references(self, *path: str) -> list[str]:
        """Addresses (of resources, with the module prefix, without attribute) that the
        configuration's expression at `path` refers to; "data." sources and variables left out."""
        node: Any = self.config
        for step in path:
            if isinstance(node, list):
                node = node[0] if node else None
            node = node.get(step) if isinstance(node, Mapping) else None
        refs = node.get("references", []) if isinstance(node, Mapping) else []
        out: list[str] = []
        for ref in refs if isinstance(refs, list) else ():
            match = _REFERENCE.match(str(ref))
            if not match or match.group(2) in (
                "var",
                "local",
                "data",
                "each",
                "count",
                "path",
                "self",
                "module",
            ):
                continue
            modules, rtype, name, index = match.groups()
            address = f"{self.module + '.' if self.module else ''}{modules}{rtype}.{name}{index or ''}"
            attribute = str(ref)[match.end() :].lstrip(".")
            out.append(f"{address}#{attribute}" if attribute else address)
        return out


def _step(node: Any, step: str | int) -> Any:
    if isinstance(step, int):
        return node[step] if isinstance(node, list) and 0 <= step < len(node) else None
    return node.get(step) if isinstance(node, Mapping) else None


@dataclass
class Plan:
    """One plan being mapped: its resources, indexes for references, and what joiners filed."""

    file: str
    account: str = ""
    region: str = ""
    imds_defaults: MetadataOptions | None = None
    resources: list[TfResource] = field(default_factory=list)
    by_address: dict[str, TfResource] = field(default_factory=dict)
    by_base: dict[str, list[TfResource]] = field(default_factory=lambda: defaultdict(list))
    by_value: dict[str, list[TfResource]] = field(default_factory=lambda: defaultdict(list))
    filed: dict[tuple[str, str], list[Any]] = field(default_factory=lambda: defaultdict(list))
    taken: set[tuple[str, str]] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def add(self, resource: TfResource) -> None:
        self.resources.append(resource)
        self.by_address[resource.address] = resource
        self.by_base[resource.base_address].append(resource)
        for key in ("id", "arn", "name", "bucket", "key_id", "cluster_identifier", "identifier"):
            value = resource.after.get(key) if isinstance(resource.after, Mapping) else None
            if isinstance(value, str) and value:
                self.by_value[value].append(resource)

    def file_for(self, kind: str, target: str, item: Any) -> None:
        self.filed[(kind, target)].append(item)

    def take(self, kind: str, target: str) -> list[Any]:
        self.taken.add((kind, target))
        return self.filed.get((kind, target), [])

    def orphans(self, kind: str) -> Iterator[tuple[str, list[Any]]]:
        for (k, target), items in self.filed.items():
            if k == kind and (k, target) not in self.taken:
                yield target, items

    def targets(
        self, source: TfResource, path: tuple[str, ...], types: tuple[str, ...]
    ) -> list[tuple[TfResource, str]]:
        """The resources of `types` that the value at `path` names, each with the attribute referred to
        ("" when the reference names the resource itself or its id is the value)."""
        value = source.get(*path)
        found: list[tuple[TfResource, str]] = []
        literals = value if isinstance(value, list) else [value]
        for literal in literals:
            if isinstance(literal, str):
                found += [(r, "") for r in self.by_value.get(literal, ()) if r.type in types]
        if found or (isinstance(value, str | list) and not isinstance(value, Unknown) and value):
            return _unique(found)
        for ref in source.references(*path):
            address, _, attribute = ref.partition("#")
            candidates = (
                [self.by_address[address]] if address in self.by_address else self.by_base.get(address, [])
            )
            candidates = [c for c in candidates if c.type in types]
            if len(candidates) > 1 and source.index is not None:
                same = [c for c in candidates if c.index == source.index]
                candidates = same or candidates
            found += [(c, attribute) for c in candidates]
        return _unique(found)

    def target(
        self, source: TfResource, path: tuple[str, ...], types: tuple[str, ...]
    ) -> tuple[TfResource, str] | None:
        found = self.targets(source, path, types)
        return found[0] if len(found) == 1 else None


def _unique(found: list[tuple[TfResource, str]]) -> list[tuple[TfResource, str]]:
    seen: set[str] = set()
    out = []
    for resource, attribute in found:
        if resource.address not in seen:
            seen.add(resource.address)
            out.append((resource, attribute))
    return out


# --- reading a plan -------------------------------------------------------------------------------


def read_plan(data: Mapping[str, Any], file: str, *, account: str = "", region: str = "") -> Plan:
    plan = Plan(file=file, account=account, region=region or _provider_region(data))
    configs = _configurations(data.get("configuration"))
    changes = data.get("resource_changes")
    if isinstance(changes, list):
        for change in changes:
            resource = _from_change(change, configs)
            if resource is not None:
                plan.add(resource)
    else:
        root = (data.get("values") or data.get("planned_values") or {}).get("root_module")
        for item in _module_resources(root):
            resource = _from_values(item, configs)
            if resource is not None:
                plan.add(resource)
    return plan


def map_plan(plan: Plan) -> list[Resource]:
    load_mappers()
    for resource in plan.resources:
        for join in _JOINERS.get(resource.type, ()):
            join(resource, plan)
    out: list[Resource] = []
    for resource in plan.resources:
        mapper = _MAPPERS.get(resource.type)
        if mapper is not None:
            out.extend(mapper(resource, plan))
    for finish in _FINISHERS:
        out.extend(finish(plan))
    return out


def _from_change(change: Any, configs: Mapping[str, Mapping[str, Any]]) -> TfResource | None:
    if not isinstance(change, dict) or change.get("mode", "managed") != "managed":
        return None
    detail = as_map(change.get("change"))
    actions = detail.get("actions") or []
    if (
        not isinstance(actions, list)
        or actions in (["delete"], ["forget"])
        or not isinstance(detail.get("after"), dict)
    ):
        return None
    action = (
        "replace" if "delete" in actions and "create" in actions else str(actions[0]) if actions else "no-op"
    )
    return _resource(change, detail.get("after"), detail.get("after_unknown") or {}, configs, action)


def _from_values(item: Any, configs: Mapping[str, Mapping[str, Any]]) -> TfResource | None:
    if not isinstance(item, dict) or item.get("mode", "managed") != "managed":
        return None
    return _resource(item, item.get("values") or {}, {}, configs, "no-op")


def _resource(
    item: Mapping[str, Any], after: Any, unknown: Any, configs: Mapping[str, Any], action: str
) -> TfResource | None:
    address, rtype = item.get("address"), item.get("type")
    if not isinstance(address, str) or not isinstance(rtype, str):
        return None
    module = str(item.get("module_address") or "")
    if not module and address.startswith("module."):
        module = address[: address.rfind(f".{rtype}.")] if f".{rtype}." in address else ""
    config_key = _strip_indexes(module) + ("." if module else "") + f"{rtype}.{item.get('name')}"
    return TfResource(
        address=address,
        type=rtype,
        module=module,
        index=item.get("index"),
        after=after if isinstance(after, dict) else {},
        after_unknown=unknown,
        config=configs.get(config_key, {}),
        action=action,
    )


def _module_resources(module: Any) -> Iterator[Any]:
    if not isinstance(module, dict):
        return
    yield from module.get("resources") or []
    for child in module.get("child_modules") or []:
        yield from _module_resources(child)


def _configurations(configuration: Any) -> dict[str, Mapping[str, Any]]:
    """Expressions of every resource block, by module path (no instance keys) + "type.name"."""
    out: dict[str, Mapping[str, Any]] = {}

    def walk(module: Any, prefix: str) -> None:
        if not isinstance(module, dict):
            return
        for resource in module.get("resources") or []:
            if isinstance(resource, dict) and resource.get("mode", "managed") == "managed":
                out[f"{prefix}{resource.get('type')}.{resource.get('name')}"] = (
                    resource.get("expressions") or {}
                )
        for name, call in (module.get("module_calls") or {}).items():
            if isinstance(call, dict):
                walk(call.get("module"), f"{prefix}module.{name}.")

    if isinstance(configuration, dict):
        walk(configuration.get("root_module"), "")
    return out


def _strip_indexes(module: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", module)


def _provider_region(data: Mapping[str, Any]) -> str:
    providers = (data.get("configuration") or {}).get("provider_config") or {}
    aws = providers.get("aws") if isinstance(providers, dict) else None
    region = ((aws or {}).get("expressions") or {}).get("region") if isinstance(aws, dict) else None
    value = region.get("constant_value") if isinstance(region, dict) else None
    return value if isinstance(value, str) else ""


# --- what mappers share -----------------------------------------------------------------------------


class TfFields:
    """Typed reads off a planned resource, noting in `unresolved` why a field is not known."""

    def __init__(self, resource: TfResource, plan: Plan) -> None:
        self.resource = resource
        self.plan = plan
        self.unresolved: dict[str, str] = {}

    def value(self, path: tuple[str | int, ...], field_name: str, unset: Any = None) -> Any:
        """The planned value; `unset` when the configuration leaves it unset (null, or computed by
        the provider); None, noted, when it is configured but known only after apply."""
        value = self.resource.get(*path)
        if isinstance(value, Unknown):
            if self.resource.configured(*path):
                self.unresolved.setdefault(field_name, value.reason)
                return None
            return unset
        return unset if value is None or value == "" else value

    def boolean(self, path: tuple[str | int, ...], field_name: str, unset: bool | None = None) -> bool | None:
        value = self.value(path, field_name, unset)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return value if isinstance(value, bool) else None

    def text(self, path: tuple[str | int, ...], field_name: str, unset: str | None = None) -> str | None:
        value = self.value(path, field_name, unset)
        return str(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else value

    def base(self, **extra: Any) -> dict[str, Any]:
        r = self.resource
        tags = as_map(r.after.get("tags"))
        return {
            "arn": r.address,
            "native_id": r.address,
            "account": self.plan.account,
            "region": self.plan.region,
            "tags": {str(k): str(v) for k, v in tags.items() if isinstance(v, str)},
            "location": SourceLocation(file=self.plan.file),
            "unresolved": self.unresolved,
            "source_type": r.type,
            **extra,
        }


def first_block(value: Any) -> Mapping[str, Any]:
    """A nested block's first instance (Terraform plans show blocks as lists)."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return value if isinstance(value, dict) else {}


def address_or(value: Any, plan: Plan, types: tuple[str, ...]) -> str | None:
    """A literal id as the address of the plan's resource it names, else as it is."""
    if not isinstance(value, str) or not value:
        return None
    found = [r for r in plan.by_value.get(value, ()) if r.type in types]
    return found[0].address if len(found) == 1 else value


def kms_key_ref(f: TfFields, r: TfResource, plan: Plan, path: tuple[str | int, ...]) -> str | None:
    """A KMS key reference: the plan's key resource it names, or the literal id/ARN/alias."""
    value = r.get(*path)
    if isinstance(value, Unknown):
        found = plan.target(
            r,
            tuple(str(p) for p in path if isinstance(p, str)),
            ("aws_kms_key", "aws_kms_external_key", "aws_kms_replica_key", "aws_kms_alias"),
        )
        if found is not None:
            resource = found[0]
            if resource.type == "aws_kms_alias":
                return str(resource.after.get("name") or resource.address)
            return resource.address
        return value.text if r.configured(*path) else None
    return address_or(value, plan, ("aws_kms_key", "aws_kms_external_key", "aws_kms_replica_key"))
