"""The shipped AWS TLS security policy tables (data/tls_policies.json) and the diff against them.

Entries are keyed by (service, name, endpoint type): API Gateway's TLS_1_0 is not the same list
on an edge-optimized domain as on a regional one. Each entry says how well it is confirmed; an
entry with no confirmed cipher list cannot be used as a yardstick.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ringfence.probe.ciphers import CipherSuite, Protocol, by_name, pair_order
from ringfence.probe.results import Pair, PolicyDiff

USABLE_STATUSES = ("confirmed", "single_source", "archived_only", "conflicting")


class PolicyError(ValueError):
    """An unknown, ambiguous or unusable policy name: a usage error."""


@dataclass(frozen=True, slots=True)
class Policy:
    service: str
    name: str
    endpoint_type: str
    status: str
    protocols: tuple[Protocol, ...]
    suites: tuple[CipherSuite, ...]
    review: str
    doc_url: str

    @property
    def key(self) -> str:
        return f"{self.service}:{self.name}:{self.endpoint_type}"

    @property
    def usable(self) -> bool:
        return self.status in USABLE_STATUSES

    def pairs(self) -> frozenset[Pair]:
        """Only pairs that can be negotiated: each suite with the policy's versions that define it."""
        return frozenset(Pair(p, s) for p in self.protocols for s in self.suites if s.defined_for(p))


def _policy(entry: dict[str, Any]) -> Policy:
    names = [*(entry.get("tls13_ciphers") or []), *(entry.get("ciphers") or [])]
    return Policy(
        service=entry["service"],
        name=entry["name"],
        endpoint_type=entry["endpoint_type"],
        status=entry["status"],
        protocols=tuple(Protocol.parse(p) for p in entry.get("protocols") or []),
        suites=tuple(by_name(n) for n in names),
        review=entry.get("review", ""),
        doc_url=entry.get("doc_url", ""),
    )


@functools.cache
def load_policies() -> tuple[Policy, ...]:
    text = resources.files("ringfence.data").joinpath("tls_policies.json").read_text(encoding="utf-8")
    return tuple(_policy(entry) for entry in json.loads(text)["policies"])


def policy_suites() -> tuple[CipherSuite, ...]:
    """Every suite any shipped policy lists: all of them are in the candidate set."""
    seen: dict[int, CipherSuite] = {}
    for policy in load_policies():
        for suite in policy.suites:
            seen.setdefault(suite.code, suite)
    return tuple(seen.values())


def find_policy(text: str) -> Policy:
    """`NAME`, `SERVICE:NAME` or `SERVICE:NAME:ENDPOINT_TYPE`, case-insensitive."""
    wanted = text.strip()
    parts = wanted.split(":")
    if not wanted or len(parts) > 3:
        raise PolicyError(f"policy {text!r} is not NAME, SERVICE:NAME or SERVICE:NAME:ENDPOINT_TYPE")
    fields = (
        ("name",)
        if len(parts) == 1
        else ("service", "name")
        if len(parts) == 2
        else ("service", "name", "endpoint_type")
    )
    matches = [
        p
        for p in load_policies()
        if all(getattr(p, f).lower() == v.lower() for f, v in zip(fields, parts, strict=True))
    ]
    if not matches:
        raise PolicyError(
            f"unknown policy {text!r}; `ringfence probe --list-policies` lists the shipped ones"
        )
    if len(matches) > 1:
        options = ", ".join(p.key for p in matches)
        raise PolicyError(f"policy {text!r} exists for several endpoint types ({options}); name one of these")
    policy = matches[0]
    if not policy.usable:
        raise PolicyError(
            f"policy {policy.key} has no confirmed protocol and cipher list in the shipped tables, "
            "so it cannot be compared against"
        )
    return policy


def diff(policy: Policy, accepted: Iterable[Pair], refused: Iterable[Pair]) -> PolicyDiff:
    """Extra: accepted but not in the policy. Missing: in the policy and refused (a pair that could
    not be tested is neither: it is reported as untested)."""
    allowed = policy.pairs()
    refused_set = set(refused)
    extra = sorted((p for p in set(accepted) if p not in allowed), key=_order)
    missing = sorted((p for p in allowed if p in refused_set), key=_order)
    return PolicyDiff(tuple(extra), tuple(missing))


def _order(pair: Pair) -> tuple[int, str]:
    return pair_order(pair.protocol, pair.suite)
