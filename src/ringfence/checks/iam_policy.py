"""Broad grants in identity-based policies (IAM-05): what a statement allows on every resource."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

SERVICE_WILDCARD = re.compile(r"^[a-z0-9-]+:\*$", re.I)


def broad_grants(document: str) -> Iterator[str]:
    """Descriptions of the Allow statements that grant Action '*' or 'service:*', or use NotAction,
    on Resource '*' (or with NotResource, which is every resource but some). Raises ValueError when
    the document is not a policy."""
    try:
        doc: Any = json.loads(document)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise ValueError("not a policy document")
    raw = doc.get("Statement", [])
    statements = [raw] if isinstance(raw, dict) else raw if isinstance(raw, list) else []
    for index, statement in enumerate(statements):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        scope = _every_resource(statement)
        if scope is None:
            continue
        name = f"statement {statement.get('Sid') or index + 1}"
        condition = " (under a condition)" if statement.get("Condition") else ""
        if "NotAction" in statement:
            listed = ", ".join(_strings(statement["NotAction"])) or "nothing"
            yield f"{name} allows every action except {listed} on {scope}{condition}"
            continue
        wild = [
            a
            for a in _strings(statement.get("Action"))
            if a == "*" or a == "*:*" or SERVICE_WILDCARD.match(a)
        ]
        if wild:
            yield f"{name} allows {', '.join(wild)} on {scope}{condition}"


def _every_resource(statement: dict[str, Any]) -> str | None:
    if "NotResource" in statement:
        return f"every resource except {', '.join(_strings(statement['NotResource']))}"
    return "Resource '*'" if "*" in _strings(statement.get("Resource")) else None


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]
