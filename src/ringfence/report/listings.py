"""Terminal and JSON listings of the control catalogue and the scan history."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, is_dataclass
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def _console(buffer: io.StringIO) -> Console:
    return Console(file=buffer, width=160, force_terminal=False, color_system=None, soft_wrap=False)


def render_controls_table(rows: Sequence[Mapping[str, Any]]) -> str:
    table = Table(title="ringfence controls", show_lines=False)
    for column in ("id", "severity", "title", "where", "implemented"):
        table.add_column(column)
    for row in rows:
        implemented = ", ".join(row["implemented"]) or "-"
        table.add_row(
            escape(row["id"]),
            escape(row["severity"]),
            escape(row["title"]),
            escape(", ".join(row["where"])),
            escape(implemented),
        )
    done = sum(1 for r in rows if r["implemented"])
    buffer = io.StringIO()
    console = _console(buffer)
    console.print(table)
    console.print(f"{done} of {len(rows)} controls have a check; see `ringfence controls --format json`.")
    return buffer.getvalue()


def render_history(scans: Sequence[Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"scans": [_plain(s) for s in scans]}, indent=2, default=str) + "\n"
    table = Table(title="stored scans (newest first)")
    for column in ("id", "started", "source", "accounts", "regions", "resources", "failing", "gaps"):
        table.add_column(column)
    for s in scans:
        plain = _plain(s)
        failing = plain.get("failing_by_severity") or {}
        failing_text = ", ".join(f"{k} {v}" for k, v in failing.items() if v) or "0"
        table.add_row(
            escape(str(plain.get("id", ""))[:12]),
            escape(str(plain.get("started", ""))),
            escape(str(plain.get("source", ""))),
            escape(", ".join(plain.get("accounts") or [])),
            str(len(plain.get("regions") or [])),
            str(plain.get("resource_count", "")),
            escape(failing_text),
            str(plain.get("gap_count", "")),
        )
    buffer = io.StringIO()
    console = _console(buffer)
    if not scans:
        console.print("no scans stored yet: run `ringfence demo` or `ringfence scan`")
    else:
        console.print(table)
    return buffer.getvalue()


def _plain(obj: Any) -> dict[str, Any]:
    if is_dataclass(obj) and not isinstance(obj, type):
        return asdict(obj)
    if isinstance(obj, Mapping):
        return dict(obj)
    return dict(vars(obj))
