"""The shipped table of EC2 instance families by generation (data/instance_generations.json).

Live scans take CurrentGeneration from ec2:DescribeInstanceTypes; the table answers where the API
cannot: IaC templates (no account to ask) and types a region no longer describes.
"""

from __future__ import annotations

import functools
import json
from importlib import resources


@functools.cache
def _table() -> tuple[frozenset[str], frozenset[str]]:
    raw = json.loads(
        resources.files("ringfence.data").joinpath("instance_generations.json").read_text("utf-8")
    )
    return frozenset(raw["previous"]), frozenset(raw["current"])


def family_of(instance_type: str) -> str:
    return instance_type.strip().lower().split(".", 1)[0]


def is_current_generation(instance_type: str) -> bool | None:
    """True or False when the table knows the type's family; None otherwise."""
    previous, current = _table()
    family = family_of(instance_type)
    if family in previous:
        return False
    if family in current or family.startswith("u-"):  # u-6tb1, u-12tb1, ...: High Memory, all current
        return True
    return None
