"""Answers and their explanation: hops, paths, per-pair results, and the JSON contract.

Every hop names the element that decided (a route, a NACL rule number, a security group rule, a
gateway) and on which leg: the request, or the reply that has to come back. A negative answer names
the first element along the path that drops the traffic; when the request would arrive but the reply
cannot return, that element is on the reply leg and the hop says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REACHABLE = "reachable"
UNREACHABLE = "unreachable"
UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Hop:
    resource_id: str  # the deciding element's id: acl-, sg-, rtb-, igw-, nat-, tgw-attach-, pcx-, ...
    kind: str  # network_acl, security_group, route_table, internet_gateway, nat_gateway, ...
    direction: str  # outbound/inbound (NACL, gateways), egress/ingress (security groups), forward
    rule: str  # the route, NACL rule number or security group rule that decided; or what happened
    leg: str = "request"  # request | reply
    verdict: str = "allow"  # allow | forward | drop | unknown | exit
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "resource_id": self.resource_id,
            "kind": self.kind,
            "direction": self.direction,
            "rule": self.rule,
            "leg": self.leg,
            "verdict": self.verdict,
        }
        if self.detail:
            out["detail"] = self.detail
        return out

    def describe(self) -> str:
        text = f"{self.kind} {self.resource_id} {self.direction}: {self.rule}"
        if self.detail:
            text += f" ({self.detail})"
        if self.leg == "reply":
            text = "reply: " + text
        return text


@dataclass(frozen=True, slots=True)
class Path:
    """One way the traffic gets through, with what it carries: the destination and source
    addresses, ports and client ports for which this path is the one taken."""

    hops: tuple[Hop, ...]
    sources: tuple[str, ...]
    destinations: tuple[str, ...]
    ports: str
    client_ports: str
    unknown: bool  # passes a hop whose verdict is unknown

    def to_json(self) -> dict[str, Any]:
        return {
            "hops": [h.to_json() for h in self.hops],
            "sources": list(self.sources),
            "destinations": list(self.destinations),
            "ports": self.ports,
            "client_ports": self.client_ports,
            "verdict": UNKNOWN if self.unknown else REACHABLE,
        }


@dataclass(frozen=True, slots=True)
class Drop:
    hop: Hop
    sources: tuple[str, ...]
    destinations: tuple[str, ...]
    ports: str

    def to_json(self) -> dict[str, Any]:
        return {
            "hop": self.hop.to_json(),
            "sources": list(self.sources),
            "destinations": list(self.destinations),
            "ports": self.ports,
        }


@dataclass(frozen=True, slots=True)
class PairResult:
    """The answer for one source (an ENI or an outside origin) and one destination."""

    source: str
    destination: str
    verdict: str
    paths: tuple[Path, ...]
    blocked_at: Hop | None
    reachable_sources: tuple[str, ...] = ()  # outside sources that get through
    reachable_destinations: tuple[str, ...] = ()  # outside destinations reached
    ports: str = ""  # the destination ports that get through
    drops: tuple[Drop, ...] = ()
    source_arn: str | None = None
    destination_arn: str | None = None

    @property
    def reachable(self) -> bool | None:
        return {REACHABLE: True, UNREACHABLE: False}.get(self.verdict)

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.destination,
            "reachable": self.reachable,
            "verdict": self.verdict,
            "paths": [[h.to_json() for h in p.hops] for p in self.paths],
            "blocked_at": self.blocked_at.to_json() if self.blocked_at else None,
            "path_details": [p.to_json() for p in self.paths],
            "reachable_sources": list(self.reachable_sources),
            "reachable_destinations": list(self.reachable_destinations),
            "ports": self.ports,
            "drops": [d.to_json() for d in self.drops],
        }


@dataclass(frozen=True, slots=True)
class Answer:
    query: dict[str, Any]
    results: tuple[PairResult, ...]
    omitted_unreachable: int = 0  # unreachable pairs not listed (large queries)

    @property
    def verdict(self) -> str:
        verdicts = {r.verdict for r in self.results}
        if REACHABLE in verdicts:
            return REACHABLE
        if UNKNOWN in verdicts:
            return UNKNOWN
        return UNREACHABLE

    @property
    def reachable(self) -> bool | None:
        return {REACHABLE: True, UNREACHABLE: False}.get(self.verdict)

    @property
    def blocked_at(self) -> Hop | None:
        """For a negative answer: the first drop of the first pair."""
        if self.verdict != UNREACHABLE:
            return None
        for result in self.results:
            if result.blocked_at is not None:
                return result.blocked_at
        return None

    def to_json(self) -> dict[str, Any]:
        paths: list[list[dict[str, Any]]] = []
        seen: set[tuple[Hop, ...]] = set()
        for result in self.results:
            for path in result.paths:
                if path.hops not in seen:
                    seen.add(path.hops)
                    paths.append([h.to_json() for h in path.hops])
        blocked = self.blocked_at
        return {
            "query": self.query,
            "reachable": self.reachable,
            "verdict": self.verdict,
            "paths": paths,
            "blocked_at": blocked.to_json() if blocked else None,
            "results": [r.to_json() for r in self.results],
            "omitted_unreachable": self.omitted_unreachable,
        }
