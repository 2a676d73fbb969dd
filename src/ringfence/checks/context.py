"""What a check sees (the inventory, its parameters, the conventions) and what it returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ringfence.checks.tiers import EnvironmentConvention, TierConvention
from ringfence.model.base import Resource
from ringfence.model.findings import Severity, Status
from ringfence.model.inventory import Inventory


@dataclass(frozen=True, slots=True)
class Outcome:
    """One verdict on one resource. `resource_id`/`resource_type` override the resource's own
    identity for findings on things that are not a single resource (a pair of VPCs)."""

    status: Status
    resource: Resource
    message: str
    severity: Severity | None = None
    resource_id: str | None = None
    resource_type: str | None = None


@dataclass(frozen=True)
class CheckContext:
    inventory: Inventory
    params: Mapping[str, Any] = field(default_factory=dict)
    tiers: TierConvention = field(default_factory=TierConvention)
    environments: EnvironmentConvention = field(default_factory=EnvironmentConvention)
    mode: str = "live"  # live | iac

    def param(self, name: str) -> Any:
        return self.params[name]


def passed(resource: Resource, message: str, **kw: Any) -> Outcome:
    return Outcome(Status.PASS, resource, message, **kw)


def failed(resource: Resource, message: str, **kw: Any) -> Outcome:
    return Outcome(Status.FAIL, resource, message, **kw)


def unknown(resource: Resource, reason: str, **kw: Any) -> Outcome:
    return Outcome(Status.UNKNOWN, resource, reason, **kw)


def not_applicable(resource: Resource, reason: str, **kw: Any) -> Outcome:
    return Outcome(Status.NOT_APPLICABLE, resource, reason, **kw)
