"""The resolver: CloudFormation intrinsic functions and conditions, evaluated where the value is
knowable from the files, and an `Unknown` with the reason where it is not. Never a guess: a
function the resolver does not implement is an Unknown with cause UNSUPPORTED (a gap to close),
not a default.

Functions: Ref (parameters, pseudo parameters, resources), Fn::GetAtt, Fn::Sub, Fn::Join,
Fn::Select, Fn::Split, Fn::FindInMap (with DefaultValue), Fn::If, Fn::Equals/And/Or/Not and
Condition, Fn::Base64, Fn::Cidr, Fn::GetAZs, Fn::ImportValue, Fn::Length, Fn::ToJsonString,
Fn::Transform. Values that only exist once deployed (resource ids, the stack name) come back as
ResourceRef or Symbolic, so a field that only needs to know what is referenced still gets it.
"""

from __future__ import annotations

import base64
import ipaddress
import itertools
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from ringfence.sources.iac.values import (
    CIRCULAR,
    DEPLOY,
    IMPORT,
    INVALID,
    NO_VALUE,
    SSM,
    TRANSFORM,
    UNSUPPORTED,
    ResourceRef,
    Symbolic,
    Unknown,
    first_unknown,
    is_plain,
    scalar_text,
)

_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_DYNAMIC = "{{resolve:"
MAX_CIDR_COUNT = 256


class Scope(Protocol):
    """What the resolver needs of a template (template.Stack implements it)."""

    @property
    def prefix(self) -> str: ...

    @property
    def params(self) -> Mapping[str, Any]: ...

    @property
    def resources(self) -> Mapping[str, Any]: ...

    @property
    def mappings(self) -> Mapping[str, Any]: ...

    def pseudo(self, name: str) -> Any: ...

    def condition(self, name: str) -> bool | Unknown: ...

    def attribute(self, logical_id: str, attribute: str) -> Any: ...


PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::NoValue",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)


def resolve(scope: Scope, value: Any) -> Any:
    """`value` with every intrinsic function evaluated (deeply); AWS::NoValue items removed."""
    if isinstance(value, dict):
        if len(value) == 1:
            key = next(iter(value))
            if key == "Ref":
                return ref(scope, value[key])
            if key.startswith("Fn::"):
                function = FUNCTIONS.get(key)
                if function is None:
                    return Unknown(f"{key} is not supported by ringfence's resolver", UNSUPPORTED, key)
                return function(scope, value[key])
        out: dict[str, Any] = {}
        for k, v in value.items():
            resolved = resolve(scope, v)
            if resolved is not NO_VALUE:
                out[k] = resolved
        return out
    if isinstance(value, list):
        return [r for r in (resolve(scope, v) for v in value) if r is not NO_VALUE]
    if isinstance(value, str) and _DYNAMIC in value:
        return _dynamic(value)
    return value


def _dynamic(text: str) -> Symbolic:
    return Symbolic(
        text,
        (Unknown(f"dynamic reference {text} is resolved at deploy time", SSM, text),),
    )


def ref(scope: Scope, name: Any) -> Any:
    if not isinstance(name, str):
        return Unknown(f"Ref of {name!r}, which is not a name", INVALID, "Ref")
    if name in PSEUDO_PARAMETERS:
        return scope.pseudo(name)
    if name in scope.params:
        return scope.params[name]
    if name in scope.resources:
        target = scope.resources[name]
        if isinstance(target, dict) and target.get("Type") == "AWS::KMS::Alias":
            alias = resolve(scope, (target.get("Properties") or {}).get("AliasName"))
            if isinstance(alias, str | Symbolic):
                return alias  # Ref of an alias is its name, which keys name keys by
        return ResourceRef(scope.prefix + name)
    return Unknown(f"Ref {name} names no parameter or resource of the template", INVALID, name)


def _get_att(scope: Scope, arg: Any) -> Any:
    if isinstance(arg, str):
        logical, _, attribute = arg.partition(".")
    elif isinstance(arg, list) and len(arg) == 2:
        logical, attribute = arg[0], resolve(scope, arg[1])
    else:
        return Unknown(f"Fn::GetAtt of {arg!r} is malformed", INVALID, "Fn::GetAtt")
    if not isinstance(logical, str) or not isinstance(attribute, str) or not attribute:
        return Unknown(f"Fn::GetAtt of {arg!r} is not knowable", INVALID, "Fn::GetAtt")
    if logical not in scope.resources:
        return Unknown(
            f"Fn::GetAtt {logical}.{attribute} names no resource", INVALID, f"{logical}.{attribute}"
        )
    return scope.attribute(logical, attribute)


def _pieces(value: Any) -> tuple[str, list[Unknown], list[str]] | None:
    """A value as text inside a string (Sub, Join), with what is not literal in it."""
    text = scalar_text(value)
    if text is not None:
        return text, [], []
    if isinstance(value, ResourceRef):
        return value.text, [], [value.logical_id]
    if isinstance(value, Symbolic):
        return value.text, list(value.unknowns), list(value.refs)
    if isinstance(value, Unknown):
        return value.text, [value], []
    return None


def _concat(parts: list[tuple[str, list[Unknown], list[str]]]) -> Any:
    text = "".join(p[0] for p in parts)
    unknowns = [u for p in parts for u in p[1]]
    refs = [r for p in parts for r in p[2]]
    if _DYNAMIC in text:
        unknowns.append(Unknown(f"dynamic reference in {text} is resolved at deploy time", SSM, text))
    if unknowns or refs:
        return Symbolic(text, tuple(unknowns), tuple(dict.fromkeys(refs)))
    return text


def _sub(scope: Scope, arg: Any) -> Any:
    variables: Mapping[str, Any] = {}
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
        template, variables = arg[0], arg[1]
    else:
        template = arg
    if not isinstance(template, str):
        return Unknown(f"Fn::Sub of {template!r}, which is not a string", INVALID, "Fn::Sub")
    parts: list[tuple[str, list[Unknown], list[str]]] = []
    at = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append((template[at : match.start()], [], []))
        at = match.end()
        name = match.group(1).strip()
        if name.startswith("!"):
            parts.append((f"${{{name[1:]}}}", [], []))
            continue
        if name in variables:
            value = resolve(scope, variables[name])
        elif "." in name and "::" not in name:
            value = _get_att(scope, name)
        else:
            value = ref(scope, name)
        piece = _pieces(value)
        if piece is None:
            return Unknown(f"Fn::Sub ${{{name}}} is not a string", INVALID, name)
        parts.append(piece)
    parts.append((template[at:], [], []))
    return _concat(parts)


def _join(scope: Scope, arg: Any) -> Any:
    if not (isinstance(arg, list) and len(arg) == 2):
        return Unknown(f"Fn::Join of {arg!r} is malformed", INVALID, "Fn::Join")
    delimiter, items = resolve(scope, arg[0]), resolve(scope, arg[1])
    if isinstance(items, Unknown):
        return items
    if not isinstance(delimiter, str) or not isinstance(items, list):
        return Unknown("Fn::Join needs a delimiter and a list", INVALID, "Fn::Join")
    parts: list[tuple[str, list[Unknown], list[str]]] = []
    for i, item in enumerate(items):
        if i:
            parts.append((delimiter, [], []))
        piece = _pieces(item)
        if piece is None:
            return Unknown(f"Fn::Join item {item!r} is not a string", INVALID, "Fn::Join")
        parts.append(piece)
    return _concat(parts)


def _select(scope: Scope, arg: Any) -> Any:
    if not (isinstance(arg, list) and len(arg) == 2):
        return Unknown(f"Fn::Select of {arg!r} is malformed", INVALID, "Fn::Select")
    index, items = resolve(scope, arg[0]), resolve(scope, arg[1])
    if isinstance(index, Unknown):
        return index
    if isinstance(items, Unknown):
        return items
    position = index if isinstance(index, int) and not isinstance(index, bool) else None
    if isinstance(index, str) and index.strip().isdigit():
        position = int(index)
    if position is None or not isinstance(items, list):
        return Unknown(f"Fn::Select [{index!r}, ...] is not knowable", INVALID, "Fn::Select")
    if not 0 <= position < len(items):
        return Unknown(
            f"Fn::Select index {position} is outside a list of {len(items)}", INVALID, "Fn::Select"
        )
    return items[position]


def _split(scope: Scope, arg: Any) -> Any:
    if not (isinstance(arg, list) and len(arg) == 2):
        return Unknown(f"Fn::Split of {arg!r} is malformed", INVALID, "Fn::Split")
    delimiter, source = resolve(scope, arg[0]), resolve(scope, arg[1])
    if isinstance(source, Unknown):
        return source
    if isinstance(source, Symbolic):
        return Unknown(f"Fn::Split of {source.text}: {source.reason}", _cause(source), source.text)
    if not isinstance(delimiter, str) or not isinstance(source, str) or not delimiter:
        return Unknown("Fn::Split needs a delimiter and a string", INVALID, "Fn::Split")
    return source.split(delimiter)


def _find_in_map(scope: Scope, arg: Any) -> Any:
    if not (isinstance(arg, list) and len(arg) in (3, 4)):
        return Unknown(f"Fn::FindInMap of {arg!r} is malformed", INVALID, "Fn::FindInMap")
    name, top, second = (resolve(scope, a) for a in arg[:3])
    default = NO_VALUE
    if len(arg) == 4 and isinstance(arg[3], dict) and "DefaultValue" in arg[3]:
        default = resolve(scope, arg[3]["DefaultValue"])
    for part in (name, top, second):
        if isinstance(part, Unknown | Symbolic) and part is not top:
            return part if isinstance(part, Unknown) else Unknown(part.reason, _cause(part), part.text)
    mapping = scope.mappings.get(name) if isinstance(name, str) else None
    if not isinstance(mapping, dict):
        if default is not NO_VALUE:
            return default
        return Unknown(f"Fn::FindInMap: no mapping {name!r}", INVALID, f"FindInMap {name}")
    second_key = scalar_text(second)
    top_key = scalar_text(top)
    if top_key is not None:
        entry = mapping.get(top_key)
        if isinstance(entry, dict) and second_key in entry:
            return resolve(scope, entry[second_key])
        if default is not NO_VALUE:
            return default
        return Unknown(
            f"Fn::FindInMap: {name} has no [{top_key}][{second_key}]", INVALID, f"FindInMap {name}"
        )
    # The top-level key is not knowable (typically AWS::Region): known anyway if every entry agrees.
    values = [e.get(second_key) if isinstance(e, dict) else None for e in mapping.values()]
    if values and all(v is not None and v == values[0] for v in values):
        return resolve(scope, values[0])
    reason = top.reason if isinstance(top, Unknown | Symbolic) else "not knowable"
    if isinstance(top, Symbolic) and values and all(isinstance(v, str) and v != "*" for v in values):
        # One of the map's strings, none of them "*": its shape is known, like the key's.
        return Symbolic(f"${{FindInMap {name}}}", top.unknowns, top.refs)
    return Unknown(
        f"Fn::FindInMap {name}: its key is not knowable ({reason})",
        _cause(top),
        f"FindInMap {name}",
    )


def _cause(value: Any) -> str:
    if isinstance(value, Unknown):
        return value.cause
    if isinstance(value, Symbolic) and value.unknowns:
        return value.unknowns[0].cause
    return DEPLOY


def _if(scope: Scope, arg: Any) -> Any:
    if not (isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str)):
        return Unknown(f"Fn::If of {arg!r} is malformed", INVALID, "Fn::If")
    decided = scope.condition(arg[0])
    if decided is True:
        return resolve(scope, arg[1])
    if decided is False:
        return resolve(scope, arg[2])
    when_true, when_false = resolve(scope, arg[1]), resolve(scope, arg[2])
    if when_true == when_false:
        return when_true
    return Unknown(f"it depends on condition {arg[0]}: {decided.reason}", decided.cause, f"If {arg[0]}")


def _base64(scope: Scope, arg: Any) -> Any:
    value = resolve(scope, arg)
    if isinstance(value, str):
        return base64.b64encode(value.encode()).decode()
    if isinstance(value, Symbolic):
        return Symbolic(f"base64({value.text})", value.unknowns, value.refs)
    return value


def _cidr(scope: Scope, arg: Any) -> Any:
    if not (isinstance(arg, list) and len(arg) == 3):
        return Unknown(f"Fn::Cidr of {arg!r} is malformed", INVALID, "Fn::Cidr")
    block, count, bits = (resolve(scope, a) for a in arg)
    for part in (block, count, bits):
        if isinstance(part, Unknown):
            return part
        if isinstance(part, Symbolic):
            return Unknown(f"Fn::Cidr of {part.text}: {part.reason}", _cause(part), part.text)
    try:
        network = ipaddress.ip_network(str(block), strict=False)
        how_many, host_bits = int(str(count)), int(str(bits))
        new_prefix = network.max_prefixlen - host_bits
        if not 0 < how_many <= MAX_CIDR_COUNT or new_prefix < network.prefixlen:
            raise ValueError("out of range")
        return [str(n) for n in itertools.islice(network.subnets(new_prefix=new_prefix), how_many)]
    except ValueError as exc:
        return Unknown(f"Fn::Cidr [{block}, {count}, {bits}] is invalid: {exc}", INVALID, "Fn::Cidr")


def _get_azs(scope: Scope, arg: Any) -> Any:
    return Unknown(
        "the availability zones (Fn::GetAZs) are those of the account and region at deploy time",
        DEPLOY,
        "Fn::GetAZs",
    )


def _import_value(scope: Scope, arg: Any) -> Any:
    name = resolve(scope, arg)
    label = scalar_text(name) or (name.text if isinstance(name, Symbolic | Unknown) else repr(name))
    return Unknown(
        f"imported from another stack's export {label} (Fn::ImportValue)", IMPORT, f"Import {label}"
    )


def _length(scope: Scope, arg: Any) -> Any:
    value = resolve(scope, arg)
    if isinstance(value, list):
        return len(value)
    if isinstance(value, Unknown):
        return value
    return Unknown(f"Fn::Length of {value!r}, which is not a list", INVALID, "Fn::Length")


def _to_json_string(scope: Scope, arg: Any) -> Any:
    value = resolve(scope, arg)
    if is_plain(value):
        return json.dumps(value, separators=(",", ":"))
    text = json.dumps(value, separators=(",", ":"), default=lambda v: getattr(v, "text", "?"))
    unknown = first_unknown(value)
    return Symbolic(text, (unknown,) if unknown else ())


def _transform(scope: Scope, arg: Any) -> Any:
    name = arg.get("Name") if isinstance(arg, dict) else None
    return Unknown(
        f"the macro {name or '?'} computes this at deploy time (Fn::Transform)",
        TRANSFORM,
        f"Transform {name}",
    )


# --- conditions ---------------------------------------------------------------------------------


def evaluate_condition(scope: Scope, expression: Any) -> bool | Unknown:
    """A condition expression: True, False, or Unknown with the reason."""
    if isinstance(expression, dict) and len(expression) == 1:
        key, arg = next(iter(expression.items()))
        if key == "Condition" and isinstance(arg, str):
            return scope.condition(arg)
        if key == "Fn::Equals":
            return _equals(scope, arg)
        if key in ("Fn::And", "Fn::Or") and isinstance(arg, list):
            return _and_or(scope, arg, key == "Fn::And")
        if key == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
            inner = evaluate_condition(scope, arg[0])
            return inner if isinstance(inner, Unknown) else not inner
    value = resolve(scope, expression)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, Unknown):
        return value
    return Unknown(f"condition {expression!r} is not a boolean", INVALID, "Condition")


def _equals(scope: Scope, arg: Any) -> bool | Unknown:
    if not (isinstance(arg, list) and len(arg) == 2):
        return Unknown(f"Fn::Equals of {arg!r} is malformed", INVALID, "Fn::Equals")
    left, right = (_comparable(resolve(scope, a)) for a in arg)
    for side in (left, right):
        if isinstance(side, Unknown):
            return side
    return bool(left == right)


def _comparable(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Symbolic):
        unknown = value.unknowns[0] if value.unknowns else None
        reason = unknown.reason if unknown else f"{value.text} exists only once deployed"
        return Unknown(reason, unknown.cause if unknown else DEPLOY, value.text)
    if isinstance(value, ResourceRef):
        return Unknown(f"{value.text} exists only once deployed", DEPLOY, value.text)
    if isinstance(value, list):
        items = [_comparable(v) for v in value]
        return next((i for i in items if isinstance(i, Unknown)), items)
    text = scalar_text(value)
    return text if text is not None else value


def _and_or(scope: Scope, args: list[Any], conjunction: bool) -> bool | Unknown:
    unknown: Unknown | None = None
    for arg in args:
        result = evaluate_condition(scope, arg)
        if isinstance(result, Unknown):
            unknown = unknown or result
        elif result is not conjunction:
            return result  # And with a False, Or with a True: decided whatever the rest is
    return unknown if unknown is not None else conjunction


def circular(what: str) -> Unknown:
    return Unknown(f"{what} refers back to itself", CIRCULAR, what)


FUNCTIONS: dict[str, Callable[[Scope, Any], Any]] = {
    "Fn::Base64": _base64,
    "Fn::Cidr": _cidr,
    "Fn::FindInMap": _find_in_map,
    "Fn::GetAtt": _get_att,
    "Fn::GetAZs": _get_azs,
    "Fn::If": _if,
    "Fn::ImportValue": _import_value,
    "Fn::Join": _join,
    "Fn::Length": _length,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::Sub": _sub,
    "Fn::ToJsonString": _to_json_string,
    "Fn::Transform": _transform,
    # Outside Conditions, Fn::Equals/And/Or/Not evaluate to a boolean value.
    "Fn::Equals": lambda scope, arg: evaluate_condition(scope, {"Fn::Equals": arg}),
    "Fn::And": lambda scope, arg: evaluate_condition(scope, {"Fn::And": arg}),
    "Fn::Or": lambda scope, arg: evaluate_condition(scope, {"Fn::Or": arg}),
    "Fn::Not": lambda scope, arg: evaluate_condition(scope, {"Fn::Not": arg}),
}
