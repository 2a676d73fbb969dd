"""What a template value resolves to when it is not plain data.

- `Unknown`: not knowable from the files (a parameter with no default, an import from another
  stack, an SSM parameter), with the reason and a short cause code the reports count by.
- `ResourceRef`: a reference to a resource of the same deployment (`!Ref Bucket`, `!GetAtt Key.Arn`).
  Its physical id is chosen at deploy time, but which resource it names is known, and that is all a
  cross-reference in the model needs (IaC native ids are logical ids).
- `Symbolic`: a string whose exact text is known only at deploy time but whose shape is known,
  e.g. `arn:${AWS::Partition}:s3:::${Bucket}/*`. It is never mistaken for a literal ("*" included).
- `NO_VALUE`: AWS::NoValue, which removes the property or list item it stands in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# cause codes (stable; the benchmark and reports count UNKNOWNs by them)
PARAMETER = "parameter without a value"
IMPORT = "import from another stack"
SSM = "SSM parameter or dynamic reference"
DEPLOY = "known only at deploy time"
TRANSFORM = "macro or transform"
EXTERNAL = "defined outside the files"
INVALID = "invalid template"
UNSUPPORTED = "not supported by the resolver"
CIRCULAR = "circular reference"
APPLY = "known only after terraform apply"


@dataclass(frozen=True, slots=True)
class Unknown:
    reason: str
    cause: str
    expr: str = ""  # how the value was written, e.g. "!ImportValue shared-sg"

    @property
    def text(self) -> str:
        return f"${{{self.expr or '?'}}}"


@dataclass(frozen=True, slots=True)
class ResourceRef:
    logical_id: str  # qualified: a nested stack's resources are "Parent/Child"
    attribute: str | None = None

    @property
    def text(self) -> str:
        return f"${{{self.logical_id}.{self.attribute}}}" if self.attribute else f"${{{self.logical_id}}}"


@dataclass(frozen=True, slots=True)
class Symbolic:
    text: str
    unknowns: tuple[Unknown, ...] = ()  # what is not known in it (resource ids aside)
    refs: tuple[str, ...] = ()  # resources it names

    @property
    def reason(self) -> str:
        if self.unknowns:
            return self.unknowns[0].reason
        return f"it holds ids of {', '.join(self.refs)} that exist only once deployed"


class _NoValue:
    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE: Any = _NoValue()
MISSING: Any = None  # an absent property reads as None


def describe(value: Any) -> str:
    """Why `value` is not a plain literal, for a reason text; "" for literals."""
    if isinstance(value, Unknown):
        return value.reason
    if isinstance(value, Symbolic):
        return f"{value.text} is known only at deploy time ({value.reason})"
    if isinstance(value, ResourceRef):
        return f"it is {value.text}, an id that exists only once deployed"
    return ""


def cause_of(value: Any) -> str:
    if isinstance(value, Unknown):
        return value.cause
    if isinstance(value, Symbolic):
        return value.unknowns[0].cause if value.unknowns else DEPLOY
    return DEPLOY


def is_plain(value: Any) -> bool:
    """True when `value` holds no Unknown, Symbolic or ResourceRef anywhere."""
    if isinstance(value, Unknown | Symbolic | ResourceRef):
        return False
    if isinstance(value, dict):
        return all(is_plain(v) for v in value.values())
    if isinstance(value, list):
        return all(is_plain(v) for v in value)
    return True


def first_unknown(value: Any) -> Unknown | None:
    """The first Unknown inside `value` (a Symbolic's own unknowns included)."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Symbolic):
        return value.unknowns[0] if value.unknowns else None
    if isinstance(value, dict):
        for v in value.values():
            found = first_unknown(v)
            if found is not None:
                return found
    elif isinstance(value, list):
        for v in value:
            found = first_unknown(v)
            if found is not None:
                return found
    return None


def scalar_text(value: Any) -> str | None:
    """A literal scalar as CloudFormation reads it in a string context; None for anything else."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return None


def display(value: Any) -> str | None:
    """A string for an id-like field: the literal, or the placeholder text of a deploy-time value."""
    text = scalar_text(value)
    if text is not None:
        return text
    if isinstance(value, Symbolic | ResourceRef | Unknown):
        return value.text
    return None


def to_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def as_map(value: Any) -> dict[str, Any]:
    """`value` if it is a map, else an empty one: untrusted documents have any shape."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
