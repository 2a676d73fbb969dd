"""Helpers the security group checks share: naming rules in messages, matching addresses."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from ringfence.model import SgRule
from ringfence.model.network import sg_protocol

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
SHOWN = 6  # rules named in one message; the rest are counted


def listing(rules: Sequence[SgRule], limit: int = SHOWN) -> str:
    """The rules as a reviewer reads them: "ingress tcp/22 from 0.0.0.0/0 [sgr-...]; ..."."""
    shown = "; ".join(r.describe() for r in rules[:limit])
    more = len(rules) - limit
    return f"{shown}; and {more} more" if more > 0 else shown


def network(cidr: str | None) -> IpNetwork | None:
    if not cidr:
        return None
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None


def rule_network(rule: SgRule) -> IpNetwork | None:
    return network(rule.cidr_ipv4 or rule.cidr_ipv6)


def within(inner: IpNetwork, outer: IpNetwork) -> bool:
    if isinstance(inner, ipaddress.IPv4Network) and isinstance(outer, ipaddress.IPv4Network):
        return inner.subnet_of(outer)
    if isinstance(inner, ipaddress.IPv6Network) and isinstance(outer, ipaddress.IPv6Network):
        return inner.subnet_of(outer)
    return False


# --- rules some of whose parts an IaC source could not know (SgRule.unresolved) -------------------


def could_be_world(rule: SgRule) -> bool | None:
    """Whether the rule's peer is 0.0.0.0/0 or ::/0; None when the peer is not knowable."""
    has_peer = any((rule.cidr_ipv4, rule.cidr_ipv6, rule.prefix_list_id, rule.referenced_group_id))
    if not has_peer:
        return None if rule.unresolved else False
    return rule.is_world


def could_cover(rule: SgRule, port: int) -> bool | None:
    """Whether TCP or UDP traffic to `port` passes the rule; None when its protocol or ports are not
    knowable (an unknown protocol is "", unknown ports None)."""
    if not rule.unresolved:
        return rule.covers_port(port)
    protocol = sg_protocol(rule.protocol)
    if not protocol:
        return None
    if protocol in ("tcp", "udp") and (rule.from_port is None or rule.to_port is None):
        return None
    return rule.covers_port(port)


def describe_partly(rule: SgRule) -> str:
    """A rule with unknown parts, "?" where they are: "ingress tcp/? from ? [AdminIngress]"."""
    if not rule.unresolved:
        return rule.describe()
    protocol = sg_protocol(rule.protocol) or "?"
    if protocol == "-1":
        what = "all traffic"
    elif rule.from_port is None or rule.to_port is None:
        what = f"{protocol}/?"
    else:
        what = f"{protocol}/{rule.from_port}" + (f"-{rule.to_port}" if rule.to_port != rule.from_port else "")
    peer = rule.peer if could_be_world(rule) is not None else "?"
    arrow = "from" if rule.direction == "ingress" else "to"
    tag = f" [{rule.rule_id}]" if rule.rule_id else ""
    return f"{rule.direction} {what} {arrow} {peer}{tag}"


def undecided_reason(rules: Sequence[SgRule], limit: int = SHOWN) -> str:
    shown = "; ".join(f"{describe_partly(r)} ({r.unresolved})" for r in rules[:limit])
    more = len(rules) - limit
    return f"{shown}; and {more} more" if more > 0 else shown
