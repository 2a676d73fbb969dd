"""Security groups compiled for evaluation: the union of allow rules of every group on an ENI.

Rules are stateful: the engine evaluates them on the request only (ingress at the destination ENI,
egress at the source ENI, both at an appliance ENI in the path). A rule naming a prefix list matches
the list's entries. A rule naming another group matches the private addresses of the ENIs that carry
that group, provided the packet comes (untranslated) from the same VPC, a peered VPC in the same
region, or over a transit gateway whose attachments have security group referencing on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ringfence.model.network import SecurityGroup, SgRule
from ringfence.network.addresses import ALL_ADDRESSES, EMPTY, IntervalSet, cidr_set
from ringfence.network.protocols import sg_rule_ports
from ringfence.network.rules import FirstMatch, Rule

ANY_VPC = ""


class SgLookups(Protocol):
    def security_group(self, group_id: str) -> SecurityGroup | None: ...

    def prefix_list_addresses(self, prefix_list_id: str) -> IntervalSet | None: ...

    def group_members(self, group_id: str, vpc_id: str) -> IntervalSet: ...

    def ref_scope(self, vpc_id: str) -> frozenset[str]: ...


def compile_groups(
    lookups: SgLookups,
    group_ids: Sequence[str],
    *,
    direction: str,
    protocol: int,
    peer_vpc: str | None,
) -> FirstMatch:
    """The rules of `group_ids` in `direction` for `protocol`.

    `peer_vpc` is the VPC of the ENI at the other end when the packet reaches it untranslated over a
    path where group references apply; None when they cannot match (internet, NAT, other paths);
    ANY_VPC when that end is not known yet (members in every VPC the reference may reach count).
    """
    label = ",".join(group_ids)
    default = Rule(label, "no rule allows", allow=False, addresses=ALL_ADDRESSES)
    plain: list[Rule] = []
    by_reference: list[Rule] = []
    unknown: list[Rule] = []
    for group_id in group_ids:
        group = lookups.security_group(group_id)
        if group is None:
            unknown.append(_unknown(group_id, "the security group is not in the scan"))
            continue
        reason = group.unknown(direction)
        if reason is not None:
            unknown.append(_unknown(group_id, f"its {direction} rules were not read: {reason}"))
            continue
        for rule in group.ingress if direction == "ingress" else group.egress:
            ports = sg_rule_ports(protocol, rule.protocol, rule.from_port, rule.to_port)
            if not ports:
                continue
            text = f"{group_id} {rule.describe()}"
            if rule.referenced_group_id:
                members = _members(lookups, group, rule, peer_vpc)
                if members:
                    by_reference.append(
                        Rule(group_id, text, True, members, ports, group_ref=rule.referenced_group_id)
                    )
                continue
            if rule.prefix_list_id:
                entries = lookups.prefix_list_addresses(rule.prefix_list_id)
                if entries is None:
                    unknown.append(
                        Rule(
                            group_id,
                            text,
                            True,
                            ALL_ADDRESSES,
                            ports,
                            unknown=f"the entries of {rule.prefix_list_id} are not in the scan",
                        )
                    )
                elif entries:
                    plain.append(Rule(group_id, text, True, entries, ports))
                continue
            addresses = _cidrs(rule)
            if addresses:
                plain.append(Rule(group_id, text, True, addresses, ports))
    return FirstMatch(plain + by_reference + unknown, default)


def _unknown(group_id: str, reason: str) -> Rule:
    return Rule(group_id, "?", allow=True, addresses=ALL_ADDRESSES, unknown=reason)


def _cidrs(rule: SgRule) -> IntervalSet:
    out = EMPTY
    for cidr in (rule.cidr_ipv4, rule.cidr_ipv6):
        if cidr:
            try:
                out = out | cidr_set(cidr)
            except ValueError:
                continue
    return out


def _members(lookups: SgLookups, group: SecurityGroup, rule: SgRule, peer_vpc: str | None) -> IntervalSet:
    if peer_vpc is None or rule.referenced_group_id is None:
        return EMPTY
    if peer_vpc == ANY_VPC:
        out = EMPTY
        for vpc_id in lookups.ref_scope(group.vpc_id) if group.vpc_id else ():
            out = out | lookups.group_members(rule.referenced_group_id, vpc_id)
        return out
    if group.vpc_id is not None and peer_vpc not in lookups.ref_scope(group.vpc_id):
        return EMPTY
    return lookups.group_members(rule.referenced_group_id, peer_vpc)
