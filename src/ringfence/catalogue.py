"""The control catalogue (controls.yaml, shipped with the package): ids, criteria and parameters."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from ringfence.model.findings import Severity


@dataclass(frozen=True, slots=True)
class Control:
    id: str
    family: str
    title: str
    severity: Severity
    where: tuple[str, ...]
    report_on: str
    criterion: str
    seeds: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)


@functools.cache
def load_catalogue() -> dict[str, Control]:
    text = resources.files("ringfence.data").joinpath("controls.yaml").read_text(encoding="utf-8")
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (safe loaders; libyaml is 10x faster)
    controls: dict[str, Control] = {}
    for family, entries in raw.items():
        for entry in entries:
            control = Control(
                id=entry["id"],
                family=family,
                title=entry["title"],
                severity=Severity.parse(entry["severity"]),
                where=tuple(entry["where"]),
                report_on=entry["report_on"],
                criterion=entry["pass"],
                seeds=tuple(entry.get("seeds", ())),
                params=dict(entry.get("params", {})),
            )
            controls[control.id] = control
    return controls
