"""Subnet tiers and environments, by the tagging conventions of controls.yaml's header."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ringfence.model.base import Resource

TIER_WORDS: Mapping[str, str] = {
    "public": "public",
    "dmz": "public",
    "web": "public",
    "private": "private",
    "app": "private",
    "application": "private",
    "data": "data",
    "db": "data",
    "database": "data",
}
_TOKEN_SPLIT = re.compile(r"[-_. ]+")


@dataclass(frozen=True, slots=True)
class TierConvention:
    tag_keys: Sequence[str] = ("Tier", "tier", "network-tier")
    words: Mapping[str, str] = field(default_factory=lambda: dict(TIER_WORDS))
    use_name_tag: bool = True

    def tier_of(self, resource: Resource) -> str | None:
        """public | private | data, or None when the tags say nothing (or contradict each other)."""
        lowered_words = {k.lower(): v for k, v in self.words.items()}
        tag_value = resource.tag(*self.tag_keys)
        if tag_value is not None:
            return lowered_words.get(tag_value.strip().lower())
        name = resource.tags.get("Name")
        if not self.use_name_tag or not name:
            return None
        found = {lowered_words[t] for t in _TOKEN_SPLIT.split(name.lower()) if t in lowered_words}
        return found.pop() if len(found) == 1 else None


@dataclass(frozen=True, slots=True)
class EnvironmentConvention:
    tag_keys: Sequence[str] = ("Environment", "environment", "env")
    production_values: Sequence[str] = ("prod", "production")

    def environment_of(self, resource: Resource) -> str | None:
        value = resource.tag(*self.tag_keys)
        return value.strip().lower() if value else None

    def is_production(self, resource: Resource) -> bool | None:
        env = self.environment_of(resource)
        if env is None:
            return None
        return env in {v.lower() for v in self.production_values}
