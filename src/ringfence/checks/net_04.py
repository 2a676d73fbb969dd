"""NET-04: nothing may send DNS to anything but the VPC resolver.

An egress rule covering TCP or UDP 53 (all-port and all-protocol rules, the default allow-all egress
rule too) fails its group unless its destination is only the VPC resolver: the /32 of the VPC's
primary CIDR base + 2, 169.254.169.253/32 or fd00:ec2::253/128. (Security groups do not filter
traffic to the Amazon DNS server at all, so such a rule is harmless but never needed.)

- A group reference fails: it admits whatever ENI carries that group, now or later, which is how
  self-run DNS servers on instances are usually reached.
- A prefix list is judged by its entries when it is one of the account's own (collected); an
  AWS-managed or shared list's entries are not known, so the rule is UNKNOWN.
- Groups of Route 53 Resolver endpoints are exempt (NOT_APPLICABLE): a group is taken to be one
  when it is attached to at least one Resolver endpoint ENI (requester-managed, described
  "Route 53 Resolver: rslvr-...") and to no other ENI. A group shared with workloads is judged, or
  the workloads would inherit the endpoint's freedom.

IaC: the VPC's CIDR comes from the template (the resolver address with it); CloudFormation keeps the
default allow-all egress rule unless a group declares inline egress, Terraform does not. Route 53
Resolver endpoints declared in a template are not yet recognised, so their groups are judged.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Literal

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, register
from ringfence.checks.sg_rules import could_be_world, could_cover, describe_partly, listing, network
from ringfence.model import Inventory, NetworkInterface, Remediation, SecurityGroup, Severity, SgRule, Vpc
from ringfence.model.network import ManagedPrefixList

# None: the destination is only the resolver; False: it is more; a string: why it cannot be told.
Verdict = Literal[False] | str | None
DNS_PORT = 53
LINK_LOCAL_RESOLVERS = (
    ipaddress.ip_network("169.254.169.253/32"),
    ipaddress.ip_network("fd00:ec2::253/128"),
)

META = CheckMeta(
    id="NET-04",
    title="Nothing may send DNS to anything but the VPC resolver",
    severity=Severity.MEDIUM,
    rationale=(
        "DNS sent to any server but the VPC resolver escapes Route 53 Resolver query logging, DNS "
        "Firewall and GuardDuty's DNS findings, and is a classic channel for command and control "
        "and exfiltration."
    ),
    remediation=Remediation(
        text=(
            "Remove egress rules that allow port 53 (including all-traffic rules and the default "
            "allow-all egress rule): the VPC resolver needs no rule, security groups do not filter "
            "traffic to it. Point the VPC's DHCP options at AmazonProvidedDNS and forward other "
            "domains with Route 53 Resolver rules."
        ),
        cli="aws ec2 revoke-security-group-egress --group-id GROUP_ID --security-group-rule-ids RULE_ID",
        cloudformation=(
            "Type: AWS::EC2::SecurityGroup\nProperties:\n  SecurityGroupEgress:  # no rule reaches port 53\n"
            "    - IpProtocol: tcp\n      FromPort: 443\n      ToPort: 443\n      CidrIp: 10.0.0.0/16"
        ),
        terraform=(
            'resource "aws_security_group" "app" {\n  egress {\n    protocol    = "tcp"\n    from_port   = 443\n'
            '    to_port     = 443\n    cidr_blocks = ["10.0.0.0/16"]\n  }\n}'
        ),
    ),
    modes=("live", "iac"),
    resource_types=(SecurityGroup.KIND, Vpc.KIND, NetworkInterface.KIND, ManagedPrefixList.KIND),
    tested_with=(
        "moto server; Inventory built directly for Route 53 Resolver endpoint ENIs (moto cannot make "
        "requester-managed interfaces); IaC templates (tests/iac)"
    ),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    attachments = _attachments(inv)
    for group in inv.of(SecurityGroup):
        reason = group.unknown("egress")
        if reason:
            yield unknown(group, f"egress rules not known: {reason}")
            continue
        enis = attachments.get((group.account, group.region, group.native_id), [])
        endpoints = sorted({e.route53_resolver_endpoint_id or "" for e in enis} - {""})
        if endpoints and all(e.route53_resolver_endpoint_id for e in enis):
            yield not_applicable(group, f"group of Route 53 Resolver endpoint(s) {', '.join(endpoints)}")
            continue
        yield _judge(inv, group)


def _judge(inv: Inventory, group: SecurityGroup) -> Outcome:
    dns_rules = [r for r in group.egress if could_cover(r, DNS_PORT) is True]
    failing: list[SgRule] = []
    undecided: list[str] = [
        f"{describe_partly(r)}: {r.unresolved}" for r in group.egress if could_cover(r, DNS_PORT) is None
    ]
    for rule in dns_rules:
        if could_be_world(rule) is None:
            undecided.append(f"{describe_partly(rule)}: destination not known ({rule.unresolved})")
            continue
        verdict = _destination_is_resolver(inv, group, rule)
        if verdict is False:
            failing.append(rule)
        elif verdict is not None:
            undecided.append(verdict)
    if failing:
        return failed(
            group,
            f"security group {group.display_name} allows DNS beyond the VPC resolver: {listing(failing)}",
        )
    if undecided:
        return unknown(group, "; ".join(undecided))
    if dns_rules:
        return passed(group, "port 53 egress reaches only the VPC resolver")
    return passed(group, "no egress rule covers port 53")


def _destination_is_resolver(inv: Inventory, group: SecurityGroup, rule: SgRule) -> Verdict:
    if rule.referenced_group_id:
        return False
    if rule.prefix_list_id:
        plist = inv.get(ManagedPrefixList, group.account, group.region, rule.prefix_list_id)
        if plist is None:
            return (
                f"{rule.describe()}: prefix list {rule.prefix_list_id} is AWS-managed or shared from "
                "another account; its entries are not known"
            )
        reason = plist.unknown("entries")
        if reason:
            return f"{rule.describe()}: entries of {rule.prefix_list_id} not known: {reason}"
        verdicts = [_cidr_is_resolver(inv, group, rule, cidr) for cidr in plist.entries]
        if False in verdicts:
            return False
        return next((v for v in verdicts if isinstance(v, str)), None)
    return _cidr_is_resolver(inv, group, rule, rule.cidr_ipv4 or rule.cidr_ipv6)


def _cidr_is_resolver(inv: Inventory, group: SecurityGroup, rule: SgRule, cidr: str | None) -> Verdict:
    net = network(cidr)
    if net is None:
        return f"{rule.describe()}: destination {cidr!r} is not an address range"
    if net in LINK_LOCAL_RESOLVERS:
        return None
    if net.num_addresses != 1 or net.version != 4:
        return False
    vpc = inv.get(Vpc, group.account, group.region, group.vpc_id)
    if vpc is None or vpc.resolver_ipv4 is None:
        return f"{rule.describe()}: VPC {group.vpc_id} not in the inventory, so its resolver address is not known"
    return None if str(net.network_address) == vpc.resolver_ipv4 else False


def _attachments(inv: Inventory) -> Mapping[tuple[str, str, str], list[NetworkInterface]]:
    out: dict[tuple[str, str, str], list[NetworkInterface]] = defaultdict(list)
    for eni in inv.of(NetworkInterface):
        for group_id in eni.security_group_ids:
            out[(eni.account, eni.region, group_id)].append(eni)
    return out
