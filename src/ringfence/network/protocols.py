"""IP protocols as the engine compares them: a number, with -1 for "all traffic".

A query for protocol -1 asks about a packet of a protocol that no port- or protocol-specific rule
names, so only all-traffic rules match it: "is all traffic allowed?". ICMP queries carry the ICMP
type where other protocols carry a port, and code 0 (echo request and echo reply both use it).
"""

from __future__ import annotations

from ringfence.model.network import nacl_protocol, sg_protocol
from ringfence.network.addresses import ALL_PORTS, EMPTY, IntervalSet, port_range

ALL = -1
ICMP = 1
TCP = 6
UDP = 17
ICMPV6 = 58

NAMES = {ALL: "all", ICMP: "icmp", TCP: "tcp", UDP: "udp", ICMPV6: "icmpv6"}
_NUMBERS = {"all": ALL, "-1": ALL, "icmp": ICMP, "tcp": TCP, "udp": UDP, "icmpv6": ICMPV6}
QUERY_ICMP_CODE = 0
ECHO_REPLY = {8: 0, 128: 129}  # request type -> reply type (ICMP, ICMPv6)


def parse_protocol(text: str) -> int:
    """'tcp', 'udp', 'icmp', 'icmpv6', '-1'/'all' or a protocol number; ValueError otherwise."""
    value = str(text).strip().lower()
    if value in _NUMBERS:
        return _NUMBERS[value]
    if value.isdigit() and 0 <= int(value) <= 255:
        return int(value)
    raise ValueError(f"{text!r} is not a protocol (tcp, udp, icmp, icmpv6, -1 or a number 0-255)")


def protocol_name(protocol: int) -> str:
    return NAMES.get(protocol, str(protocol))


def has_ports(protocol: int) -> bool:
    return protocol in (TCP, UDP)


def is_icmp(protocol: int) -> bool:
    return protocol in (ICMP, ICMPV6)


def _number(text: str) -> int | None:
    value = text.strip().lower()
    if value in _NUMBERS:
        return _NUMBERS[value]
    return int(value) if value.lstrip("-").isdigit() else None


def sg_rule_ports(
    protocol: int, rule_protocol: str, from_port: int | None, to_port: int | None
) -> IntervalSet:
    """The ports (ICMP: types) of `protocol` a security group rule admits; empty if it does not apply."""
    mine = _number(sg_protocol(rule_protocol))
    if mine == ALL:
        return ALL_PORTS
    if mine != protocol:
        return EMPTY
    if is_icmp(protocol):
        if to_port not in (None, -1, QUERY_ICMP_CODE):
            return EMPTY
        return ALL_PORTS if from_port in (None, -1) else port_range(from_port, from_port)
    if not has_ports(protocol) or from_port is None or to_port is None or (from_port == -1 and to_port == -1):
        return ALL_PORTS
    return port_range(from_port, to_port)


def nacl_entry_ports(
    protocol: int,
    entry_protocol: str,
    from_port: int | None,
    to_port: int | None,
    icmp_type: int | None,
    icmp_code: int | None,
) -> IntervalSet:
    """The ports (ICMP: types) of `protocol` a network ACL entry matches; empty if it does not apply."""
    mine = _number(nacl_protocol(entry_protocol))
    if mine == ALL:
        return ALL_PORTS
    if mine != protocol:
        return EMPTY
    if is_icmp(protocol):
        if icmp_code not in (None, -1, QUERY_ICMP_CODE):
            return EMPTY
        return ALL_PORTS if icmp_type in (None, -1) else port_range(icmp_type, icmp_type)
    if not has_ports(protocol) or from_port is None or to_port is None:
        return ALL_PORTS
    return port_range(from_port, to_port)
