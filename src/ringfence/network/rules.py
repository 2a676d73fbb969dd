"""First-match evaluation of ordered rules over (address, port): the shared core of NACLs and SGs.

A network ACL is an ordered list of rules where the first rule matching a packet decides. A security
group is a union of allow rules; evaluated in any fixed order with "first match" it allows exactly
the union, and the first rule that matches is the one named in the explanation. Both compile to a
`FirstMatch`: the address line is cut into classes inside which every rule either covers the whole
class or none of it, so a set of packets (addresses x ports) splits into pieces, each decided by one
rule, without looking at any address individually.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ringfence.network.addresses import ALL_ADDRESSES, ALL_PORTS, IntervalSet, Partition


@dataclass(frozen=True, slots=True)
class Rule:
    resource_id: str  # acl-..., sg-...
    label: str  # what the explanation shows: "100", "*", "sg-1 ingress tcp/22 from 0.0.0.0/0"
    allow: bool
    addresses: IntervalSet  # the peer addresses the rule matches
    ports: IntervalSet = ALL_PORTS  # destination ports (ICMP: types) the rule matches
    unknown: str | None = None  # set when the rule's extent could not be learned; it may match anything
    group_ref: str | None = None  # security group rules naming another group
    detail: str = ""  # the rule in words, for explanations


@dataclass(frozen=True, slots=True)
class Decision:
    addresses: IntervalSet
    ports: IntervalSet
    rule: Rule


class FirstMatch:
    """Ordered rules plus a default, compiled for splitting sets of (address, port)."""

    def __init__(self, rules: Sequence[Rule], default: Rule) -> None:
        self.rules = tuple(rules)
        self.default = default
        self._partition, self._classes = _classes(self.rules)
        self._port_cache: dict[tuple[int, IntervalSet], tuple[tuple[IntervalSet, Rule], ...]] = {}
        self._cache: dict[tuple[IntervalSet, IntervalSet], tuple[Decision, ...]] = {}

    def split(self, addresses: IntervalSet, ports: IntervalSet) -> tuple[Decision, ...]:
        """The pieces of addresses x ports, each with the rule that decides it (or the default)."""
        key = (addresses, ports)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        merged: dict[tuple[Rule, IntervalSet], IntervalSet] = {}
        for index, part in self._partition.split(addresses).items():
            for port_part, rule in self._ports(index, ports):
                k = (rule, port_part)
                merged[k] = merged[k] | part if k in merged else part
        result = tuple(Decision(addr, port_part, rule) for (rule, port_part), addr in merged.items())
        if len(self._cache) < 4096:
            self._cache[key] = result
        return result

    def _ports(self, index: int, ports: IntervalSet) -> tuple[tuple[IntervalSet, Rule], ...]:
        key = (index, ports)
        cached = self._port_cache.get(key)
        if cached is not None:
            return cached
        out: list[tuple[IntervalSet, Rule]] = []
        remaining = ports
        for rule in self._classes[index]:
            hit = remaining & rule.ports
            if hit:
                out.append((hit, rule))
                remaining = remaining - hit
                if not remaining:
                    break
        if remaining:
            out.append((remaining, self.default))
        result = tuple(out)
        self._port_cache[key] = result
        return result


def _classes(rules: Sequence[Rule]) -> tuple[Partition, list[tuple[Rule, ...]]]:
    """Address classes: the line cut where any rule starts or ends, each segment labelled with the
    rules (in order) that match it; segments matched by the same rules share a label."""
    key = tuple(rule.addresses for rule in rules)
    cached = _SHAPES.get(key)
    if cached is None:
        cached = _shape(key)
        if len(_SHAPES) < 65536:
            _SHAPES[key] = cached
    partition, signatures = cached
    return partition, [tuple(rules[i] for i in signature) for signature in signatures]


# Many rule sets (security groups above all) cover the same addresses in the same order: the cut
# of the address line depends only on that, so it is computed once per shape.
_SHAPES: dict[tuple[IntervalSet, ...], tuple[Partition, list[tuple[int, ...]]]] = {}


def _shape(addresses: tuple[IntervalSet, ...]) -> tuple[Partition, list[tuple[int, ...]]]:
    starts: dict[int, list[int]] = defaultdict(list)
    ends: dict[int, list[int]] = defaultdict(list)
    for index, covered in enumerate(addresses):
        for lo, hi in covered:
            starts[lo].append(index)
            ends[hi].append(index)
    points = sorted(set(starts) | set(ends) | {ALL_ADDRESSES.intervals[0][0], ALL_ADDRESSES.intervals[-1][1]})
    active: set[int] = set()
    labels: dict[tuple[int, ...], int] = {}
    segments: list[tuple[int, int, int]] = []
    for position, point in enumerate(points[:-1]):
        for index in ends.get(point, ()):
            active.discard(index)
        active.update(starts.get(point, ()))
        signature = tuple(sorted(active))
        label = labels.setdefault(signature, len(labels))
        segments.append((point, points[position + 1], label))
    return Partition(segments), list(labels)
