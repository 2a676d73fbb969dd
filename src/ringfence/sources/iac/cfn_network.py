"""CloudFormation VPC networking -> model: VPCs, subnets, internet gateways, prefix lists and
security groups with every rule that belongs to them.

Security group rules come inline (SecurityGroupIngress/SecurityGroupEgress) or as standalone
AWS::EC2::SecurityGroupIngress/Egress resources, which are joined to their group. CloudFormation
keeps AWS's default allow-all egress rule unless the group declares at least one inline egress
rule; standalone egress rules do not remove it. A standalone rule on a group the files do not
declare is still judged, as a group of its own rule, reported on the rule's resource; one on a
VPC's default group (!GetAtt Vpc.DefaultSecurityGroup) is a rule of that default group.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.model import InternetGateway, Resource, SecurityGroup, SgRule, Subnet, Vpc
from ringfence.model.network import ALL_PROTOCOLS, ManagedPrefixList, sg_protocol
from ringfence.sources.iac import values as v
from ringfence.sources.iac.cloudformation import Declared, Fields, Unit, finisher, ident, joins, maps
from ringfence.sources.iac.values import ResourceRef, Symbolic, Unknown

GROUP = "AWS::EC2::SecurityGroup"
VPC = "AWS::EC2::VPC"
GATEWAY = "AWS::EC2::InternetGateway"
DEFAULT_EGRESS = SgRule(
    direction="egress",
    protocol=ALL_PROTOCOLS,
    cidr_ipv4="0.0.0.0/0",
    description="AWS's default allow-all egress rule (the group declares no SecurityGroupEgress)",
    rule_id="default egress",
)
_PEERS = {
    "ingress": (
        "CidrIp",
        "CidrIpv6",
        "SourcePrefixListId",
        "SourceSecurityGroupId",
        "SourceSecurityGroupName",
    ),
    "egress": ("CidrIp", "CidrIpv6", "DestinationPrefixListId", "DestinationSecurityGroupId"),
}


@maps(VPC)
def vpc(d: Declared, unit: Unit) -> Iterator[Resource]:
    f = Fields(d, unit)
    primary = f.text(d.get("CidrBlock"), "cidr_blocks", "CidrBlock")
    if primary is None and d.has("Ipv4IpamPoolId") and "cidr_blocks" not in f.unresolved:
        f.unresolved["cidr_blocks"] = "the CIDR is allocated from an IPAM pool at deploy time"
    secondary = [c for c in unit.take("vpc-cidr", d.qid) if c]
    yield Vpc(**f.base(cidr_blocks=tuple(c for c in (primary, *secondary) if c)))


@joins("AWS::EC2::VPCCidrBlock")
def vpc_cidr(d: Declared, unit: Unit) -> None:
    target = unit.find(d.get("VpcId"), (VPC,))
    cidr = v.scalar_text(d.get("CidrBlock"))
    if target is not None and cidr:
        unit.file("vpc-cidr", target.qid, cidr)


@maps("AWS::EC2::Subnet")
def subnet(d: Declared, unit: Unit) -> Iterator[Resource]:
    f = Fields(d, unit)
    yield Subnet(
        **f.base(
            vpc_id=ident(d.get("VpcId")) or "",
            cidr_block=f.text(d.get("CidrBlock"), "cidr_block", "CidrBlock"),
            availability_zone=v.display(d.get("AvailabilityZone")),
            map_public_ip_on_launch=f.boolean(
                d.get("MapPublicIpOnLaunch"), "map_public_ip_on_launch", "MapPublicIpOnLaunch", False
            ),
        )
    )


@joins("AWS::EC2::VPCGatewayAttachment")
def gateway_attachment(d: Declared, unit: Unit) -> None:
    gateway = d.get("InternetGatewayId")
    if gateway is None:
        return  # a VPN gateway attachment
    target = unit.find(gateway, (GATEWAY,))
    unit.file("igw-vpc", target.qid if target else f"attachment:{d.qid}", (d, ident(d.get("VpcId"))))


@maps(GATEWAY)
def internet_gateway(d: Declared, unit: Unit) -> Iterator[Resource]:
    f = Fields(d, unit)
    vpcs = tuple(vpc_id for _, vpc_id in unit.take("igw-vpc", d.qid) if vpc_id)
    yield InternetGateway(**f.base(vpc_ids=vpcs))


@finisher
def gateways_declared_elsewhere(unit: Unit) -> Iterator[Resource]:
    """An attachment of a gateway the files do not declare still tells that the VPC has one."""
    for _, items in unit.orphans("igw-vpc"):
        for d, vpc_id in items:
            f = Fields(d, unit)
            yield InternetGateway(**f.base(vpc_ids=(vpc_id,) if vpc_id else ()))


@maps("AWS::EC2::PrefixList")
def prefix_list(d: Declared, unit: Unit) -> Iterator[Resource]:
    f = Fields(d, unit)
    entries: list[str] = []
    raw = d.get("Entries")
    if isinstance(raw, list):
        for entry in raw:
            cidr = v.scalar_text(entry.get("Cidr")) if isinstance(entry, dict) else None
            if cidr is None:
                f.note("entries", "Entries", entry.get("Cidr") if isinstance(entry, dict) else entry)
            else:
                entries.append(cidr)
    elif raw is not None:
        f.note("entries", "Entries", raw)
    yield ManagedPrefixList(
        **f.base(
            name=f.text(d.get("PrefixListName"), "name", "PrefixListName") or d.qid,
            address_family=v.scalar_text(d.get("AddressFamily")),
            entries=tuple(entries),
            max_entries=f.integer(d.get("MaxEntries"), "max_entries", "MaxEntries"),
        )
    )


# --- security groups ------------------------------------------------------------------------------


def parse_rule(item: Mapping[str, Any], direction: str, rule_id: str | None = None) -> SgRule:
    """One rule from its CloudFormation properties. What is not knowable is named in
    `unresolved`: an unknown protocol is "", unknown ports are None, an unknown peer leaves every
    peer field None."""
    reasons: list[str] = []
    raw_protocol = item.get("IpProtocol")
    protocol_text = v.scalar_text(raw_protocol)
    if protocol_text is None:
        reasons.append(f"IpProtocol: {v.describe(raw_protocol) or 'not stated'}")
        protocol = ""
    else:
        protocol = sg_protocol(protocol_text)
    from_port = to_port = None
    if protocol != ALL_PROTOCOLS:
        for prop in ("FromPort", "ToPort"):
            raw = item.get(prop)
            if raw is not None and v.to_int(raw) is None:
                reasons.append(f"{prop}: {v.describe(raw) or f'{raw!r} is not a port'}")
        if not any(r.startswith(("FromPort", "ToPort")) for r in reasons):
            from_port, to_port = v.to_int(item.get("FromPort")), v.to_int(item.get("ToPort"))
    peer: dict[str, str] = {}
    for prop in _PEERS[direction]:
        raw = item.get(prop)
        if raw is None:
            continue
        if prop.startswith("Cidr"):
            text = v.scalar_text(raw)
            if text is None:
                reasons.append(f"{prop}: {v.describe(raw)}")
            else:
                peer["cidr_ipv6" if prop == "CidrIpv6" else "cidr_ipv4"] = text
        elif "PrefixList" in prop:
            peer["prefix_list_id"] = ident(raw) or "?"
        else:
            peer["referenced_group_id"] = ident(raw) or "?"
    if not peer and not any(r.startswith(("Cidr",)) for r in reasons):
        reasons.append("the rule names no source or destination")
    return SgRule(
        direction=direction,
        protocol=protocol,
        from_port=from_port,
        to_port=to_port,
        description=v.scalar_text(item.get("Description")),
        rule_id=rule_id,
        unresolved="; ".join(reasons) or None,
        **peer,
    )


def _inline(f: Fields, value: Any, direction: str, prop: str) -> list[SgRule]:
    if value is None:
        return []
    if not isinstance(value, list):
        f.note(direction, prop, value)
        return []
    rules: list[SgRule] = []
    for item in value:
        if isinstance(item, dict):
            rules.append(parse_rule(item, direction))
        else:
            f.note(direction, prop, item)
    return rules


@maps(GROUP)
def security_group(d: Declared, unit: Unit) -> Iterator[Resource]:
    f = Fields(d, unit)
    ingress = _inline(f, d.get("SecurityGroupIngress"), "ingress", "SecurityGroupIngress")
    egress = _inline(f, d.get("SecurityGroupEgress"), "egress", "SecurityGroupEgress")
    if not egress and "egress" not in f.unresolved:
        egress = [DEFAULT_EGRESS]
    for direction, rule in unit.take("sg-rule", d.qid):
        (ingress if direction == "ingress" else egress).append(rule)
    yield SecurityGroup(
        **f.base(
            vpc_id=ident(d.get("VpcId")),
            group_name=v.scalar_text(d.get("GroupName")) or "",
            description=v.scalar_text(d.get("GroupDescription")),
            ingress=tuple(ingress),
            egress=tuple(egress),
        )
    )


@joins("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress")
def standalone_rule(d: Declared, unit: Unit) -> None:
    direction = "ingress" if d.type.endswith("Ingress") else "egress"
    rule = parse_rule({name: d.get(name) for name in d.props}, direction, rule_id=d.logical_id)
    group = d.get("GroupId")
    target = unit.find(group, (GROUP,))
    if target is None and group is None:
        group = d.get("GroupName")
        target = unit.find(group, (GROUP,), "GroupName")
    if target is not None:
        unit.file("sg-rule", target.qid, (direction, rule))
    else:
        unit.file("sg-orphan", d.qid, (d, direction, rule, group))


@finisher
def rules_of_groups_declared_elsewhere(unit: Unit) -> Iterator[Resource]:
    for _, items in unit.orphans("sg-orphan"):
        for d, direction, rule, group in items:
            f = Fields(d, unit)
            default_of = (
                group.logical_id
                if isinstance(group, ResourceRef) and group.attribute == "DefaultSecurityGroup"
                else None
            )
            named = ident(group) or "?"
            where = (
                f"the default security group of {default_of}"
                if default_of
                else f"group {named}, which these files do not declare"
            )
            if isinstance(group, Unknown | Symbolic) and not default_of:
                where += f" ({v.describe(group)})"
            yield SecurityGroup(
                **f.base(
                    vpc_id=default_of,
                    group_name="default" if default_of else "",
                    description=f"standalone {direction} rule on {where}",
                    ingress=(rule,) if direction == "ingress" else (),
                    egress=(rule,) if direction == "egress" else (),
                )
            )
