"""Network ACLs compiled for first-match evaluation (lowest rule number first, implicit deny `*`).

NACLs are stateless: the engine evaluates one for every subnet boundary a packet crosses, the request
and the reply alike, on the destination port of the packet at hand (for a reply, the client's
ephemeral port).
"""

from __future__ import annotations

from ringfence.model.network import NaclEntry, NetworkAcl, nacl_protocol
from ringfence.network.addresses import ALL_ADDRESSES, EMPTY, IntervalSet, cidr_set
from ringfence.network.protocols import nacl_entry_ports
from ringfence.network.rules import FirstMatch, Rule

DEFAULT_RULE_NUMBER = 32767  # how the API reports the `*` rule


def compile_nacl(acl: NetworkAcl, *, egress: bool, protocol: int) -> FirstMatch:
    default = Rule(
        acl.native_id, "*", allow=False, addresses=ALL_ADDRESSES, detail="deny all (the final `*` rule)"
    )
    reason = acl.unknown("entries")
    if reason is not None:
        unknown = Rule(
            acl.native_id, "?", allow=True, addresses=ALL_ADDRESSES, unknown=f"rules not read: {reason}"
        )
        return FirstMatch([unknown], default)
    rules: list[Rule] = []
    for entry in sorted((e for e in acl.entries if e.egress == egress), key=lambda e: e.rule_number):
        if entry.rule_number >= DEFAULT_RULE_NUMBER:
            continue  # the implicit `*` deny, which is the default anyway
        ports = nacl_entry_ports(
            protocol, entry.protocol, entry.from_port, entry.to_port, entry.icmp_type, entry.icmp_code
        )
        addresses = _addresses(entry)
        if not ports or not addresses:
            continue
        allow = entry.action.lower() == "allow"
        detail = _describe(entry, egress)
        rules.append(Rule(acl.native_id, str(entry.rule_number), allow, addresses, ports, detail=detail))
    return FirstMatch(rules, default)


def _addresses(entry: NaclEntry) -> IntervalSet:
    out = EMPTY
    for cidr in (entry.cidr_ipv4, entry.cidr_ipv6):
        if cidr:
            try:
                out = out | cidr_set(cidr)
            except ValueError:
                continue
    return out


def _describe(entry: NaclEntry, egress: bool) -> str:
    """One rule in words: 'allow tcp 443 from 0.0.0.0/0'."""
    peer = entry.cidr_ipv4 or entry.cidr_ipv6 or "?"
    protocol = _NAMES.get(nacl_protocol(entry.protocol), entry.protocol)
    ports = ""
    if protocol in ("tcp", "udp") and entry.from_port is not None:
        same = entry.from_port == entry.to_port
        ports = f" {entry.from_port}" if same else f" {entry.from_port}-{entry.to_port}"
    elif protocol in ("icmp", "icmpv6") and entry.icmp_type not in (None, -1):
        ports = f" type {entry.icmp_type}"
    return f"{entry.action} {protocol}{ports} {'to' if egress else 'from'} {peer}"


_NAMES = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
