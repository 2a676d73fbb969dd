"""The resource base class, the kind registry and the JSON codec every resource shares.

Resources are frozen dataclasses: collectors (live AWS, IaC) build them, checks and the network
engine only read them. A value that a source could not learn (access denied, an unresolvable
intrinsic) is left at its default and named in `unresolved` with the reason, so a check can say
UNKNOWN instead of judging a default it never saw.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

_KINDS: dict[str, type[Resource]] = {}

R = TypeVar("R", bound="Resource")


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where an IaC resource was declared (live resources have none)."""

    file: str
    line: int | None = None
    path: str | None = None  # CDK construct path, nested-stack chain


@dataclass(frozen=True, kw_only=True)
class Resource:
    """One AWS resource, identified the same way whatever source produced it.

    `arn` is the stable id findings are reported on (the ARN where AWS has one; for IaC the
    logical id or Terraform address). `native_id` is how other resources refer to this one
    (vol-..., sg-..., a bucket name, a logical id).
    """

    KIND: ClassVar[str] = ""
    RESOURCE_TYPE: ClassVar[str] = ""  # CloudFormation type name, shown in reports

    arn: str
    native_id: str
    account: str
    region: str
    tags: Mapping[str, str] = field(default_factory=dict)
    location: SourceLocation | None = None
    unresolved: Mapping[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str | None:
        return self.tags.get("Name")

    @property
    def display_name(self) -> str:
        name = self.name
        return f"{name} ({self.native_id})" if name and name != self.native_id else self.native_id

    def unknown(self, *attrs: str) -> str | None:
        """The reason the first of `attrs` could not be learned, or None if all are known."""
        for attr in attrs:
            reason = self.unresolved.get(attr)
            if reason is not None:
                return reason
        return None

    def tag(self, *keys: str) -> str | None:
        """The value of the first of `keys` present, matched case-insensitively."""
        lowered = {k.lower(): v for k, v in self.tags.items()}
        for key in keys:
            if key.lower() in lowered:
                return lowered[key.lower()]
        return None


def resource_kind(cls: type[R]) -> type[R]:
    """Register a resource class under its KIND so stored inventories can be read back."""
    if not cls.KIND:
        raise TypeError(f"{cls.__name__} has no KIND")
    if cls.KIND in _KINDS and _KINDS[cls.KIND] is not cls:
        raise TypeError(f"resource kind {cls.KIND!r} registered twice")
    _KINDS[cls.KIND] = cls
    return cls


def kinds() -> Mapping[str, type[Resource]]:
    return types.MappingProxyType(_KINDS)


# --- JSON codec -------------------------------------------------------------------------------


def to_jsonable(value: Any) -> Any:
    """Plain JSON data for a resource (with its kind) or any value inside one."""
    if isinstance(value, Resource):
        out = {"kind": value.KIND}
        out.update({f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)})
        return out
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, tuple | list | frozenset | set):
        items = [to_jsonable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, frozenset | set) else items
    return value


def resource_from_jsonable(data: Mapping[str, Any]) -> Resource:
    kind = data.get("kind")
    cls = _KINDS.get(str(kind))
    if cls is None:
        raise ValueError(f"unknown resource kind {kind!r}")
    return typing.cast(Resource, _decode(cls, {k: v for k, v in data.items() if k != "kind"}))


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _decode(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (types.UnionType, typing.Union):
        non_none = [a for a in args if a is not type(None)]
        for candidate in non_none:
            if _accepts(candidate, value):
                return _decode(candidate, value)
        return value
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        kwargs = {
            f.name: _decode(hints[f.name], value[f.name]) for f in dataclasses.fields(tp) if f.name in value
        }
        return tp(**kwargs)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in value)
        return tuple(_decode(a, v) for a, v in zip(args, value, strict=False))
    if origin is frozenset:
        return frozenset(_decode(args[0], v) for v in value)
    if origin in (Mapping, dict) or (origin is not None and _is_mapping(origin)):
        return {k: _decode(args[1], v) for k, v in value.items()}
    return value


def _is_mapping(origin: Any) -> bool:
    try:
        return issubclass(origin, Mapping)
    except TypeError:
        return False


def _accepts(tp: Any, value: Any) -> bool:
    origin = typing.get_origin(tp) or tp
    if isinstance(origin, type) and dataclasses.is_dataclass(origin):
        return isinstance(value, Mapping)
    if origin in (tuple, frozenset, list):
        return isinstance(value, list | tuple)
    if origin in (Mapping, dict) or _is_mapping(origin):
        return isinstance(value, Mapping)
    if origin is typing.Any:
        return True
    if isinstance(origin, type):
        if origin is float:
            return isinstance(value, int | float) and not isinstance(value, bool)
        if origin is int:
            return isinstance(value, int) and not isinstance(value, bool)
        return isinstance(value, origin)
    return True
