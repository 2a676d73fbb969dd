"""EC2 / VPC security groups, each permission flattened to one SgRule per peer.

DescribeSecurityGroups gives the permissions; DescribeSecurityGroupRules (one more listing per
region, not per group) gives each flattened rule its id (sgr-...), so a finding can name the rule
to revoke. Without the ids the rules are still complete.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ringfence.model import SecurityGroup, SgRule
from ringfence.model.network import ALL_PROTOCOLS, sg_protocol
from ringfence.sources.aws.collectors.ec2_network import owned, stopped_reason
from ringfence.sources.aws.context import CollectContext, CollectionStopped, tags_of
from ringfence.sources.aws.registry import collector

# (group id, egress?, protocol, from port, to port, peer) -> rule id
RuleKey = tuple[str, bool, str, int, int, str]


@collector(
    "ec2.security_groups",
    service="ec2",
    iam_actions=("ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules"),
    produces=(SecurityGroup,),
)
def collect_security_groups(ctx: CollectContext) -> Iterator[SecurityGroup]:
    groups = [g for g in ctx.iter_pages("describe_security_groups", "SecurityGroups") if owned(ctx, g)]
    if not groups:
        return
    unresolved: dict[str, str] = {}
    rule_ids: dict[RuleKey, str] = {}
    try:
        for rule in ctx.iter_pages("describe_security_group_rules", "SecurityGroupRules"):
            rule_ids[_key_of_rule(rule)] = rule["SecurityGroupRuleId"]
    except CollectionStopped:
        unresolved["rule_ids"] = stopped_reason(ctx)
    for group in groups:
        group_id = group["GroupId"]
        yield SecurityGroup(
            arn=group.get("SecurityGroupArn") or ctx.arn("ec2", f"security-group/{group_id}"),
            native_id=group_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(group.get("Tags")),
            vpc_id=group.get("VpcId"),
            group_name=group.get("GroupName", ""),
            description=group.get("Description"),
            ingress=tuple(flatten(group_id, "ingress", group.get("IpPermissions", []), rule_ids)),
            egress=tuple(flatten(group_id, "egress", group.get("IpPermissionsEgress", []), rule_ids)),
            unresolved=dict(unresolved),
        )


def flatten(
    group_id: str, direction: str, permissions: list[dict[str, Any]], rule_ids: dict[RuleKey, str]
) -> Iterator[SgRule]:
    """One SgRule per CIDR, IPv6 CIDR, prefix list and group pair of each IpPermission."""
    for perm in permissions:
        protocol = sg_protocol(perm.get("IpProtocol", ALL_PROTOCOLS))
        low, high = _ports(protocol, perm.get("FromPort"), perm.get("ToPort"))
        peers: list[tuple[dict[str, Any], str]] = [
            *((r, "cidr_ipv4") for r in perm.get("IpRanges", []) if r.get("CidrIp")),
            *((r, "cidr_ipv6") for r in perm.get("Ipv6Ranges", []) if r.get("CidrIpv6")),
            *((r, "prefix_list_id") for r in perm.get("PrefixListIds", []) if r.get("PrefixListId")),
            *((r, "referenced_group_id") for r in perm.get("UserIdGroupPairs", []) if r.get("GroupId")),
        ]
        for item, field in peers:
            peer = str(item[_PEER_KEYS[field]])
            key = (group_id, direction == "egress", protocol, _num(low), _num(high), peer)
            yield SgRule(
                direction=direction,
                protocol=protocol,
                from_port=low,
                to_port=high,
                description=item.get("Description"),
                rule_id=rule_ids.get(key),
                **{field: peer},
            )


_PEER_KEYS = {
    "cidr_ipv4": "CidrIp",
    "cidr_ipv6": "CidrIpv6",
    "prefix_list_id": "PrefixListId",
    "referenced_group_id": "GroupId",
}


def _ports(protocol: str, low: Any, high: Any) -> tuple[int | None, int | None]:
    if protocol == ALL_PROTOCOLS:
        return None, None  # AWS omits them (DescribeSecurityGroupRules says -1/-1): all ports
    return (int(low) if low is not None else None, int(high) if high is not None else None)


def _num(port: int | None) -> int:
    return -1 if port is None else port


def _key_of_rule(rule: dict[str, Any]) -> RuleKey:
    protocol = sg_protocol(rule.get("IpProtocol", ALL_PROTOCOLS))
    low, high = _ports(protocol, rule.get("FromPort"), rule.get("ToPort"))
    referenced = rule.get("ReferencedGroupInfo") or {}
    peer = (
        rule.get("CidrIpv4") or rule.get("CidrIpv6") or rule.get("PrefixListId") or referenced.get("GroupId")
    )
    return (
        str(rule.get("GroupId")),
        bool(rule.get("IsEgress")),
        protocol,
        _num(low),
        _num(high),
        str(peer),
    )
