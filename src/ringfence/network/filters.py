"""Security group decisions as hops, for the tracer (appliances, destinations) and for the source
ENI's egress rules applied afterwards (query.py): the same verdicts, the same words."""

from __future__ import annotations

from ringfence.network.addresses import IntervalSet
from ringfence.network.explain import Hop
from ringfence.network.topology import Group, Topology


def group_verdicts(
    topology: Topology,
    group: Group,
    *,
    direction: str,
    protocol: int,
    peer_vpc: str | None,
    addresses: IntervalSet,
    ports: IntervalSet,
    leg: str = "request",
) -> list[tuple[IntervalSet, IntervalSet, Hop]]:
    """(peer addresses, ports, hop) pieces of addresses x ports; the hop's verdict is allow, drop
    ("no rule allows", named after the ENI's groups) or unknown."""
    label = ",".join(group.security_group_ids) or group.label
    if group.unfiltered:
        hop = Hop(
            group.label,
            "security_group",
            direction,
            "none",
            leg=leg,
            detail="this kind of ENI has no security groups",
        )
        return [(addresses, ports, hop)]
    if group.unknown:
        hop = Hop(label, "security_group", direction, "?", leg=leg, verdict="unknown", detail=group.unknown)
        return [(addresses, ports, hop)]
    rules = topology.sg_rules(
        group.security_group_ids, direction=direction, protocol=protocol, peer_vpc=peer_vpc
    )
    out: list[tuple[IntervalSet, IntervalSet, Hop]] = []
    for decision in rules.split(addresses, ports):
        rule = decision.rule
        if rule.unknown:
            hop = Hop(
                rule.resource_id,
                "security_group",
                direction,
                rule.label,
                leg=leg,
                verdict="unknown",
                detail=rule.unknown,
            )
        elif rule.allow:
            hop = Hop(rule.resource_id, "security_group", direction, rule.label, leg=leg)
        else:
            hop = Hop(
                label,
                "security_group",
                direction,
                "no rule allows",
                leg=leg,
                verdict="drop",
                detail=f"none of the rules of {label} admits it",
            )
        out.append((decision.addresses, decision.ports, hop))
    return out
