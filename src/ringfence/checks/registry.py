"""The check registry: one check per control id, its metadata beside its logic."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ringfence.checks.context import CheckContext, Outcome
from ringfence.model.findings import Remediation, Severity

CheckFunction = Callable[[CheckContext], Iterable[Outcome]]


@dataclass(frozen=True, slots=True)
class Mapping_:
    """References to public frameworks; empty where no real mapping exists."""

    cis: tuple[str, ...] = ()
    fsbp: tuple[str, ...] = ()
    nist_800_53: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckMeta:
    id: str
    title: str
    severity: Severity
    rationale: str
    remediation: Remediation
    modes: tuple[str, ...] = ("live",)  # which of controls.yaml's `where` this check serves
    resource_types: tuple[str, ...] = ()  # model KINDs the check reads
    tested_with: str = "moto server"  # how the check's cases are exercised
    frameworks: Mapping_ = field(default_factory=Mapping_)
    # Other controls whose params this check also reads (its own win), e.g. NET-05 reads NET-07's
    # approved_egress: the user states them once, under the control that owns them.
    params_from: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Check:
    meta: CheckMeta
    run: CheckFunction

    @property
    def id(self) -> str:
        return self.meta.id


_REGISTRY: dict[str, Check] = {}


def register(meta: CheckMeta) -> Callable[[CheckFunction], CheckFunction]:
    """Decorator: register `fn` as the check for `meta.id` (ids are unique)."""

    def decorate(fn: CheckFunction) -> CheckFunction:
        if meta.id in _REGISTRY:
            raise ValueError(f"a check for {meta.id} is already registered")
        _REGISTRY[meta.id] = Check(meta=meta, run=fn)
        return fn

    return decorate


def all_checks() -> dict[str, Check]:
    from ringfence.checks import load_all

    load_all()
    return dict(sorted(_REGISTRY.items(), key=lambda kv: _sort_key(kv[0])))


def _sort_key(control_id: str) -> tuple[str, int]:
    family, _, number = control_id.partition("-")
    return (family, int(number) if number.isdigit() else 0)
