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
from collections.abc import Callable, Mapping
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
    # IaC only: the type as declared (a CloudFormation or Terraform type, e.g. aws_s3_bucket), which
    # findings report instead of RESOURCE_TYPE; None for live resources.
    source_type: str | None = None

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
# Encoders and decoders are compiled once per class from its type hints: a stored scan can hold
# 100,000 resources, so the per-value work is a dict lookup and a call, not reflection.

_PRIMITIVES = (str, int, float, bool, type(None))
_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls))
        _FIELDS[cls] = names
    return names


def to_jsonable(value: Any) -> Any:
    """Plain JSON data for a resource (with its kind) or any value inside one."""
    tp = type(value)
    if tp in _PRIMITIVES:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _encoder(tp)(value)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted((to_jsonable(v) for v in value), key=repr)
    return value


Encoder = Callable[[Any], Any]
_ENCODERS: dict[type, Encoder] = {}


def _encoder(cls: type) -> Encoder:
    found = _ENCODERS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        plan = [(name, _value_encoder(hints[name])) for name in _field_names(cls)]
        kind = cls.KIND if issubclass(cls, Resource) else None

        def encode(value: Any) -> dict[str, Any]:
            out: dict[str, Any] = {"kind": kind} if kind is not None else {}
            for name, enc in plan:
                out[name] = enc(getattr(value, name))
            return out

        found = encode
        _ENCODERS[cls] = found
    return found


def _value_encoder(tp: Any) -> Encoder:
    """A fast encoder for values declared as `tp`; anything unusual goes through to_jsonable."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp in _PRIMITIVES:
        return _identity
    if origin in (types.UnionType, typing.Union):
        options = [a for a in args if a is not type(None)]
        if all(a in _PRIMITIVES for a in options):
            return _identity
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis and args[0] in _PRIMITIVES:
        return list
    if origin is not None and _is_mapping(origin) and len(args) == 2 and args[1] in _PRIMITIVES:
        return lambda v: {str(k): x for k, x in v.items()}
    return to_jsonable


def resource_from_jsonable(data: Mapping[str, Any]) -> Resource:
    kind = data.get("kind")
    cls = _KINDS.get(str(kind))
    if cls is None:
        raise ValueError(f"unknown resource kind {kind!r}")
    return typing.cast(Resource, _decoder(cls)(data))


Decoder = Callable[[Any], Any]
_DECODERS: dict[Any, Decoder] = {}


def _identity(value: Any) -> Any:
    return value


def _decoder(tp: Any) -> Decoder:
    found = _DECODERS.get(tp)
    if found is None:
        found = _compile(tp)
        _DECODERS[tp] = found
    return found


def _compile(tp: Any) -> Decoder:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp in _PRIMITIVES or tp is Any:
        return _identity
    if origin in (types.UnionType, typing.Union):
        options = [a for a in args if a is not type(None)]
        if len(options) == 1:
            inner = _decoder(options[0])
            if inner is _identity:
                return _identity
            return lambda v: None if v is None else inner(v)
        return lambda v: None if v is None else _decode_union(options, v)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _compile_dataclass(tp)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            if item is _identity:
                return lambda v: tuple(v)
            return lambda v: tuple(item(x) for x in v)
        items = [_decoder(a) for a in args]
        return lambda v: tuple(d(x) for d, x in zip(items, v, strict=False))
    if origin is frozenset:
        item = _decoder(args[0])
        return lambda v: frozenset(item(x) for x in v)
    if origin is not None and _is_mapping(origin):
        value_decoder = _decoder(args[1]) if len(args) == 2 else _identity
        if value_decoder is _identity:
            return lambda v: dict(v)
        return lambda v: {k: value_decoder(x) for k, x in v.items()}
    return _identity


def _compile_dataclass(cls: type) -> Decoder:
    hints = typing.get_type_hints(cls)
    plan = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(cls) if f.init]

    def decode(value: Mapping[str, Any]) -> Any:
        kwargs = {name: dec(value[name]) for name, dec in plan if name in value}
        return cls(**kwargs)

    return decode


def _decode_union(options: list[Any], value: Any) -> Any:
    for candidate in options:
        if _accepts(candidate, value):
            return _decoder(candidate)(value)
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
    if _is_mapping(origin):
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
