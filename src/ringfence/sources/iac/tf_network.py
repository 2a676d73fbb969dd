"""Terraform VPC networking -> model: VPCs, subnets, internet gateways, prefix lists and security
groups with their inline and standalone rules.

Terraform's aws_security_group removes the allow-all egress rule AWS puts in a new group, so a
group's egress is what the plan declares (inline, aws_security_group_rule,
aws_vpc_security_group_egress_rule). aws_default_security_group adopts a VPC's default group and
leaves it exactly the rules declared: the one way a template manages the default group (NET-06).
A rule on a group the plan does not hold is judged on the rule's own resource.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.model import InternetGateway, Resource, SecurityGroup, SgRule, Subnet, Vpc
from ringfence.model.network import ALL_PROTOCOLS, ManagedPrefixList, sg_protocol
from ringfence.sources.iac.terraform import (
    Plan,
    TfFields,
    TfResource,
    address_or,
    tf_finisher,
    tf_joins,
    tf_maps,
)
from ringfence.sources.iac.values import Unknown

GROUPS = ("aws_security_group", "aws_default_security_group")
VPCS = ("aws_vpc", "aws_default_vpc")
SUBNETS = ("aws_subnet", "aws_default_subnet")


@tf_maps(*VPCS)
def vpc(r: TfResource, plan: Plan) -> Iterator[Resource]:
    f = TfFields(r, plan)
    cidr = f.text(("cidr_block",), "cidr_blocks")
    if cidr is None and "cidr_blocks" not in f.unresolved and r.configured("ipv4_ipam_pool_id"):
        f.unresolved["cidr_blocks"] = "the CIDR is allocated from an IPAM pool at apply time"
    yield Vpc(**f.base(cidr_blocks=(cidr,) if cidr else (), is_default=r.type == "aws_default_vpc"))


@tf_maps(*SUBNETS)
def subnet(r: TfResource, plan: Plan) -> Iterator[Resource]:
    f = TfFields(r, plan)
    owner = plan.target(r, ("vpc_id",), VPCS)
    yield Subnet(
        **f.base(
            vpc_id=owner[0].address if owner else address_or(r.get("vpc_id"), plan, VPCS) or "",
            cidr_block=f.text(("cidr_block",), "cidr_block"),
            availability_zone=f.text(("availability_zone",), "availability_zone"),
            map_public_ip_on_launch=f.boolean(("map_public_ip_on_launch",), "map_public_ip_on_launch", False),
            default_for_az=r.type == "aws_default_subnet",
        )
    )


@tf_joins("aws_internet_gateway_attachment")
def gateway_attachment(r: TfResource, plan: Plan) -> None:
    gateway = plan.target(r, ("internet_gateway_id",), ("aws_internet_gateway",))
    owner = plan.target(r, ("vpc_id",), VPCS)
    if gateway is not None:
        plan.file_for("igw-vpc", gateway[0].address, owner[0].address if owner else r.get("vpc_id"))


@tf_maps("aws_internet_gateway")
def internet_gateway(r: TfResource, plan: Plan) -> Iterator[Resource]:
    f = TfFields(r, plan)
    owner = plan.target(r, ("vpc_id",), VPCS)
    vpcs = [owner[0].address] if owner else [v for v in [r.get("vpc_id")] if isinstance(v, str) and v]
    vpcs += [v for v in plan.take("igw-vpc", r.address) if isinstance(v, str)]
    yield InternetGateway(**f.base(vpc_ids=tuple(dict.fromkeys(vpcs))))


@tf_maps("aws_ec2_managed_prefix_list")
def prefix_list(r: TfResource, plan: Plan) -> Iterator[Resource]:
    f = TfFields(r, plan)
    entries = f.value(("entry",), "entries", [])
    yield ManagedPrefixList(
        **f.base(
            name=str(r.after.get("name") or r.address),
            address_family=r.after.get("address_family"),
            entries=tuple(str(e.get("cidr")) for e in entries or () if isinstance(e, dict) and e.get("cidr")),
            max_entries=r.after.get("max_entries"),
        )
    )


# --- security groups ----------------------------------------------------------------------------------


def _ports(protocol: str, item: Mapping[str, Any]) -> tuple[int | None, int | None]:
    if protocol == ALL_PROTOCOLS:
        return None, None
    low, high = item.get("from_port"), item.get("to_port")
    return (low if isinstance(low, int) else None, high if isinstance(high, int) else None)


def _rule(
    direction: str, item: Mapping[str, Any], rule_id: str | None, reasons: list[str], **peer: str
) -> SgRule:
    raw = item.get("protocol", item.get("ip_protocol"))
    protocol = sg_protocol(raw) if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
    if not protocol:
        reasons = [*reasons, "the protocol is known only after apply"]
    low, high = _ports(protocol, item)
    return SgRule(
        direction=direction,
        protocol=protocol,
        from_port=low,
        to_port=high,
        description=item.get("description") if isinstance(item.get("description"), str) else None,
        rule_id=rule_id,
        unresolved="; ".join(reasons) or None,
        **peer,
    )


def block_rules(
    direction: str, item: Any, self_id: str, plan: Plan, rule_id: str | None = None
) -> list[SgRule]:
    """An inline ingress/egress block (or an aws_security_group_rule), one SgRule per peer."""
    if not isinstance(item, dict):
        return [_rule(direction, {}, rule_id, ["the rule is known only after apply"])]
    rules: list[SgRule] = []
    for key, field_name in (("cidr_blocks", "cidr_ipv4"), ("ipv6_cidr_blocks", "cidr_ipv6")):
        for cidr in item.get(key) or ():
            if isinstance(cidr, str):
                rules.append(_rule(direction, item, rule_id, [], **{field_name: cidr}))
    for pl in item.get("prefix_list_ids") or ():
        if isinstance(pl, str):
            rules.append(_rule(direction, item, rule_id, [], prefix_list_id=pl))
    for group in [*(item.get("security_groups") or ()), item.get("source_security_group_id")]:
        if isinstance(group, str) and group:
            rules.append(
                _rule(
                    direction, item, rule_id, [], referenced_group_id=address_or(group, plan, GROUPS) or group
                )
            )
    if item.get("self") is True:
        rules.append(_rule(direction, item, rule_id, [], referenced_group_id=self_id))
    if not rules:
        rules.append(_rule(direction, item, rule_id, ["its source or destination is known only after apply"]))
    return rules


def _vpc_rule(direction: str, r: TfResource, plan: Plan) -> SgRule:
    """aws_vpc_security_group_ingress_rule / _egress_rule: one peer each."""
    peer: dict[str, str] = {}
    reasons: list[str] = []
    for key, field_name in (
        ("cidr_ipv4", "cidr_ipv4"),
        ("cidr_ipv6", "cidr_ipv6"),
        ("prefix_list_id", "prefix_list_id"),
        ("referenced_security_group_id", "referenced_group_id"),
    ):
        value = r.get(key)
        if isinstance(value, Unknown) and r.configured(key):
            if field_name.startswith("cidr"):
                reasons.append(value.reason)
            else:
                found = plan.target(r, (key,), GROUPS if "group" in key else ("aws_ec2_managed_prefix_list",))
                peer[field_name] = found[0].address if found else value.text
        elif isinstance(value, str) and value:
            peer[field_name] = address_or(value, plan, GROUPS) or value if "group" in key else value
    if not peer and not reasons:
        reasons.append("the rule names no source or destination")
    return _rule(direction, r.after, r.address, reasons, **peer)


@tf_joins(
    "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"
)
def standalone_rule(r: TfResource, plan: Plan) -> None:
    if r.type == "aws_security_group_rule":
        direction = str(r.after.get("type") or "ingress")
        group = plan.target(r, ("security_group_id",), GROUPS)
        self_id = group[0].address if group else str(r.after.get("security_group_id") or r.address)
        item = dict(r.after)
        if isinstance(r.get("source_security_group_id"), Unknown):  # a group the plan creates
            source = plan.target(r, ("source_security_group_id",), GROUPS)
            item["source_security_group_id"] = source[0].address if source else "(known only after apply)"
        rules = block_rules(direction, item, self_id, plan, rule_id=r.address)
    else:
        direction = "ingress" if r.type.endswith("ingress_rule") else "egress"
        group = plan.target(r, ("security_group_id",), GROUPS)
        rules = [_vpc_rule(direction, r, plan)]
    if group is not None:
        for rule in rules:
            plan.file_for("sg-rule", group[0].address, rule)
        return
    default_of = next(
        (a for a in plan.targets(r, ("security_group_id",), VPCS) if a[1] == "default_security_group_id"),
        None,
    )
    plan.file_for("sg-orphan", r.address, (r, rules, default_of[0].address if default_of else None))


def _inline(f: TfFields, r: TfResource, key: str, plan: Plan) -> list[SgRule]:
    """Inline blocks; unset (computed) means none: Terraform manages the group's rules itself.
    Where the planned blocks are known only after apply (they name a group the plan creates), they
    are read from the configuration: constants as written, group references followed."""
    direction = "ingress" if key == "ingress" else "egress"
    value = r.get(key)
    if isinstance(value, Unknown):
        if not r.configured(key):
            return []
        blocks = _config_blocks(r, key, plan)
        if blocks is None:
            f.unresolved[key] = value.reason
            return []
        value = blocks
    rules: list[SgRule] = []
    unknown = r.after_unknown.get(key) if isinstance(r.after_unknown, dict) else None
    for i, item in enumerate(value or ()):
        marks = unknown[i] if isinstance(unknown, list) and i < len(unknown) else None
        if isinstance(item, dict) and isinstance(marks, dict) and any(_has_true(m) for m in marks.values()):
            item = _with_config_groups(r, key, i, item, marks, plan)
        rules += block_rules(direction, item, r.address, plan)
    return rules


def _has_true(node: Any) -> bool:
    if node is True:
        return True
    if isinstance(node, list):
        return any(_has_true(n) for n in node)
    if isinstance(node, dict):
        return any(_has_true(n) for n in node.values())
    return False


def _config_blocks(r: TfResource, key: str, plan: Plan) -> list[dict[str, Any]] | None:
    blocks = r.config.get(key)
    if not isinstance(blocks, list):
        return None
    items: list[dict[str, Any]] = []
    for block in blocks:
        if not isinstance(block, dict):
            return None
        item: dict[str, Any] = {}
        for name, expression in block.items():
            if not isinstance(expression, dict):
                continue
            if "constant_value" in expression:
                item[name] = expression["constant_value"]
            elif name in ("security_groups", "source_security_group_id"):
                item["security_groups"] = _referenced_groups(expression, r, plan)
            elif name in (
                "cidr_blocks",
                "ipv6_cidr_blocks",
                "prefix_list_ids",
                "protocol",
                "from_port",
                "to_port",
            ):
                return None  # computed from something only apply knows: not knowable
        items.append(item)
    return items


def _referenced_groups(expression: Mapping[str, Any], r: TfResource, plan: Plan) -> list[str]:
    probe = TfResource(r.address, r.type, r.module, r.index, {}, {}, {"x": expression}, r.action)
    out: list[str] = []
    for ref in probe.references("x"):
        address = ref.partition("#")[0]
        found = [plan.by_address[address]] if address in plan.by_address else plan.by_base.get(address, [])
        out += [g.address for g in found if g.type in GROUPS] or [address]
    return list(dict.fromkeys(out))


def _with_config_groups(
    r: TfResource, key: str, i: int, item: dict[str, Any], marks: dict[str, Any], plan: Plan
) -> dict[str, Any]:
    """A planned block some of whose values are known only after apply: group ids from the
    configuration's references; any other unknown value leaves the block unknowable."""
    fixed = dict(item)
    for name, mark in marks.items():
        if not _has_true(mark):
            continue
        if name in ("security_groups", "source_security_group_id"):
            blocks = r.config.get(key)
            block = blocks[i] if isinstance(blocks, list) and i < len(blocks) else None
            expression = block.get(name) if isinstance(block, dict) else None
            known = (
                [g for g in (item.get(name) or ()) if isinstance(g, str)]
                if isinstance(item.get(name), list)
                else []
            )
            fixed["security_groups"] = known + (
                _referenced_groups(expression, r, plan)
                if isinstance(expression, dict)
                else ["(known only after apply)"]
            )
            fixed.pop("source_security_group_id", None)
        elif name != "description":
            return {}
    return fixed


@tf_maps(*GROUPS)
def security_group(r: TfResource, plan: Plan) -> Iterator[Resource]:
    f = TfFields(r, plan)
    ingress = _inline(f, r, "ingress", plan)
    egress = _inline(f, r, "egress", plan)
    for rule in plan.take("sg-rule", r.address):
        (ingress if rule.direction == "ingress" else egress).append(rule)
    owner = plan.target(r, ("vpc_id",), VPCS)
    default = r.type == "aws_default_security_group"
    yield SecurityGroup(
        **f.base(
            vpc_id=owner[0].address if owner else address_or(r.get("vpc_id"), plan, VPCS),
            group_name="default" if default else str(r.after.get("name") or ""),
            description=r.after.get("description") if isinstance(r.after.get("description"), str) else None,
            ingress=tuple(ingress),
            egress=tuple(egress),
        )
    )


@tf_finisher
def rules_of_groups_elsewhere(plan: Plan) -> Iterator[Resource]:
    for _, items in plan.orphans("sg-orphan"):
        for r, rules, default_of in items:
            f = TfFields(r, plan)
            group = r.get("security_group_id")
            where = (
                f"the default security group of {default_of}"
                if default_of
                else f"group {group if isinstance(group, str) else '(known only after apply)'}, not in this plan"
            )
            yield SecurityGroup(
                **f.base(
                    vpc_id=default_of,
                    group_name="default" if default_of else "",
                    description=f"standalone rule on {where}",
                    ingress=tuple(x for x in rules if x.direction == "ingress"),
                    egress=tuple(x for x in rules if x.direction == "egress"),
                )
            )
