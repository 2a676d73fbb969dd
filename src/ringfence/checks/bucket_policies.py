"""Reading Deny statements of S3 bucket policies: what they cover and on which condition (TLS-06, S3-04).

A Deny protects a bucket only if it applies to everyone (Principal '*'), to every S3 action
('s3:*' or '*') and to both the bucket and all of its objects; statements may split that coverage
between them (one for the bucket, one for its objects).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from ringfence.checks.support import Statement, principal_is_anyone

ALL_S3 = ("*", "s3:*")
SAMPLE_KEY = "x/sample-0123456789.txt"  # an object key no partial pattern (prefix/*) matches


def label(statement: Statement, index: int) -> str:
    return statement.sid or f"#{index + 1}"


def acts_on_all_s3(statement: Statement) -> bool:
    return any(a.lower() in ALL_S3 for a in statement.actions)


def coverage(statement: Statement, bucket: str, partition: str = "aws") -> tuple[bool, bool]:
    """(covers the bucket, covers every object of it) by the statement's Resource patterns."""
    arn = f"arn:{partition}:s3:::{bucket}"
    on_bucket = any(fnmatchcase(arn, p) for p in statement.resources)
    on_objects = any(
        fnmatchcase(f"{arn}/*", p) and fnmatchcase(f"{arn}/{SAMPLE_KEY}", p) for p in statement.resources
    )
    return on_bucket, on_objects


def applies_to_everyone(statement: Statement) -> bool:
    return principal_is_anyone(statement.principal)


def condition_values(statement: Statement, operators: Iterable[str], key: str) -> list[str] | None:
    """Values of condition `key` under any of `operators` (case-insensitive), or None if absent."""
    wanted = {o.lower() for o in operators}
    found: list[str] | None = None
    for operator, clauses in statement.condition.items():
        if operator.lower() not in wanted or not isinstance(clauses, Mapping):
            continue
        for name, value in clauses.items():
            if name.lower() == key.lower():
                found = (found or []) + _values(value)
    return found


def other_condition_keys(statement: Statement, keys: Iterable[str]) -> list[str]:
    """Condition keys of the statement besides `keys`: in a Deny they narrow what it denies."""
    known = {k.lower() for k in keys}
    return sorted(
        {
            f"{operator} {name}"
            for operator, clauses in statement.condition.items()
            if isinstance(clauses, Mapping)
            for name in clauses
            if name.lower() not in known
        }
    )


def _values(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v).lower() if isinstance(v, bool) else str(v) for v in value]
    return [str(value).lower() if isinstance(value, bool) else str(value)]


@dataclass(frozen=True, slots=True)
class Coverage:
    bucket: bool
    objects: bool

    def describe_missing(self) -> str:
        missing = [
            what for what, ok in (("the bucket", self.bucket), ("its objects", self.objects)) if not ok
        ]
        return " and ".join(missing)


def combined(statements: Iterable[Statement], bucket: str, partition: str = "aws") -> Coverage:
    on_bucket = on_objects = False
    for statement in statements:
        b, o = coverage(statement, bucket, partition)
        on_bucket, on_objects = on_bucket or b, on_objects or o
    return Coverage(on_bucket, on_objects)


def partition_of(arn: str) -> str:
    parts = arn.split(":", 2)
    return parts[1] if len(parts) > 2 and parts[1] else "aws"
