"""NET-01: no administrative port is open to the internet.

A security group fails when an ingress rule from 0.0.0.0/0 or ::/0 admits TCP or UDP to one of
params.admin_ports (RDP also runs over UDP 3389, and CIS counts TCP, UDP and all-protocol rules);
all-port and all-protocol rules count. Every group is judged, attached or not: a group can be
attached at any time. A rule from a prefix list is not "from 0.0.0.0/0" here, whatever the list
holds (the catalogue names the two CIDRs); reachability answers what can really get in.

IaC: groups with their inline and standalone rules; a standalone rule on a group the files do not
declare is judged on its own resource. A rule part the files cannot tell (a CIDR from a parameter
with no default) makes the group UNKNOWN only when it could decide the verdict.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.sg_rules import could_be_world, could_cover, listing, undecided_reason
from ringfence.model import Remediation, SecurityGroup, Severity, SgRule

META = CheckMeta(
    id="NET-01",
    title="No administrative port is open to the internet",
    severity=Severity.CRITICAL,
    rationale=(
        "SSH and RDP open to the whole internet are found by scanners within minutes and then "
        "brute-forced or exploited; administration belongs behind Session Manager, a VPN or a "
        "bastion that admits known addresses."
    ),
    remediation=Remediation(
        text=(
            "Revoke the rule; administer through Session Manager, or admit only the administrators' "
            "own ranges (a customer-managed prefix list keeps them in one place)."
        ),
        cli="aws ec2 revoke-security-group-ingress --group-id GROUP_ID --security-group-rule-ids RULE_ID",
        cloudformation=(
            "Type: AWS::EC2::SecurityGroupIngress\nProperties:\n  GroupId: !Ref AppSecurityGroup\n"
            "  IpProtocol: tcp\n  FromPort: 22\n  ToPort: 22\n  SourcePrefixListId: !Ref AdminPrefixList"
        ),
        terraform=(
            'resource "aws_vpc_security_group_ingress_rule" "ssh" {\n'
            "  security_group_id = aws_security_group.app.id\n"
            '  ip_protocol       = "tcp"\n  from_port         = 22\n  to_port           = 22\n'
            "  prefix_list_id    = aws_ec2_managed_prefix_list.admins.id\n}"
        ),
    ),
    modes=("live", "iac"),
    resource_types=(SecurityGroup.KIND,),
    tested_with="moto server; IaC templates and a Terraform plan (tests/iac)",
    frameworks=Mapping_(cis=("5.2", "5.3"), nist_800_53=("SC-7",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    ports = [int(p) for p in ctx.param("admin_ports")]
    names = ", ".join(str(p) for p in ports) or "none"
    for group in ctx.inventory.of(SecurityGroup):
        reason = group.unknown("ingress")
        offending = open_admin_rules(group.ingress, ports)
        undecided = undecided_admin_rules(group.ingress, ports)
        if offending:
            yield failed(
                group,
                f"security group {group.display_name} admits the internet to administrative ports: "
                f"{listing(offending)}",
            )
        elif reason:
            yield unknown(group, f"ingress rules not known: {reason}")
        elif undecided:
            yield unknown(
                group, f"whether the internet reaches ports {names} is not known: {undecided_reason(undecided)}"
            )
        else:
            yield passed(group, f"no ingress from 0.0.0.0/0 or ::/0 to ports {names}")


def open_admin_rules(rules: Sequence[SgRule], ports: Sequence[int]) -> list[SgRule]:
    return [
        r
        for r in rules
        if r.direction == "ingress" and could_be_world(r) is True and any(could_cover(r, p) is True for p in ports)
    ]


def undecided_admin_rules(rules: Sequence[SgRule], ports: Sequence[int]) -> list[SgRule]:
    """Rules with unknown parts (IaC) that could open an administrative port to the internet."""
    return [
        r
        for r in rules
        if r.direction == "ingress"
        and r.unresolved
        and could_be_world(r) is not False
        and any(could_cover(r, p) is not False for p in ports)
        and not (could_be_world(r) is True and any(could_cover(r, p) is True for p in ports))
    ]
