"""Helpers the security group checks share: naming rules in messages, matching addresses."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from ringfence.model import SgRule

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
