"""DNS-03: DNS Firewall protects every VPC.

One finding per VPC: PASS with a Route 53 Resolver DNS Firewall rule group association in status
COMPLETE (whatever the rule group blocks: judging its rules is beyond this control). UPDATING is
UNKNOWN; DELETING fails. A default VPC of a region not in use is not applicable.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.vpc_coverage import judge_vpcs
from ringfence.model import Remediation, Severity, Vpc
from ringfence.model.resolver import FirewallAssociation

META = CheckMeta(
    id="DNS-03",
    title="DNS Firewall protects every VPC",
    severity=Severity.LOW,
    rationale=(
        "The VPC resolver answers any name by default; DNS Firewall blocks known-malicious domains and "
        "DNS tunnelling before a compromised host reaches its controller."
    ),
    remediation=Remediation(
        text=(
            "Associate a DNS Firewall rule group (for example one using the AWS managed domain lists) with "
            "each VPC; across an organisation, a Firewall Manager DNS Firewall policy does it."
        ),
        cli=(
            "aws route53resolver associate-firewall-rule-group --name vpc-dns-firewall "
            "--firewall-rule-group-id rslvr-frg-ID --vpc-id VPC_ID --priority 101 "
            "--creator-request-id $(uuidgen)"
        ),
        cloudformation=(
            "Type: AWS::Route53Resolver::FirewallRuleGroupAssociation\nProperties:\n"
            "  FirewallRuleGroupId: !Ref RuleGroup\n  VpcId: !Ref Vpc\n  Priority: 101"
        ),
        terraform=(
            'resource "aws_route53_resolver_firewall_rule_group_association" "vpc" {\n'
            '  name                   = "vpc-dns-firewall"\n'
            "  firewall_rule_group_id = aws_route53_resolver_firewall_rule_group.main.id\n"
            "  vpc_id                 = aws_vpc.main.id\n  priority               = 101\n}"
        ),
    ),
    modes=("live",),
    resource_types=(Vpc.KIND, FirewallAssociation.KIND),
    tested_with=(
        "moto server for VPCs; ListFirewallRuleGroupAssociations (which moto does not implement) through "
        "botocore's Stubber with the API's documented response shape, and via an Inventory"
    ),
    frameworks=Mapping_(nist_800_53=("SC-7",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    yield from judge_vpcs(
        ctx.inventory,
        FirewallAssociation,
        "a DNS Firewall rule group",
        active=("COMPLETE",),
        pending=("UPDATING",),
        describe=_describe,
    )


def _describe(assoc: FirewallAssociation) -> str:
    managed = f", managed by {assoc.managed_owner}" if assoc.managed_owner else ""
    return f"{assoc.association_name or assoc.rule_group_id or assoc.native_id} ({assoc.status}{managed})"
