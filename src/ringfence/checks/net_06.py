"""NET-06: every VPC's default security group denies all traffic.

Only default groups (named "default", one per VPC) are reported. AWS creates each with an ingress
rule from itself and the allow-all egress rule; both must go. The default group cannot be deleted,
so emptying it is the fix; anything that needs rules gets a group of its own.

IaC: judged only where the files manage a default group: Terraform's aws_default_security_group
(which leaves exactly the rules it declares), or a CloudFormation rule added to
!GetAtt Vpc.DefaultSecurityGroup. A template that only creates a VPC says nothing of its default
group's rules (CloudFormation cannot manage them): no finding.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.sg_rules import listing
from ringfence.model import Remediation, SecurityGroup, Severity

META = CheckMeta(
    id="NET-06",
    title="Every VPC's default security group denies all traffic",
    severity=Severity.MEDIUM,
    rationale=(
        "Resources launched without a group choice land in the default group; while it has rules "
        "they talk to each other and out to anywhere without anyone having decided so."
    ),
    remediation=Remediation(
        text=(
            "Revoke every ingress and egress rule of the default group (move what uses it to a group "
            "of its own first). CloudFormation cannot manage the default group's rules; Terraform's "
            "aws_default_security_group without rule blocks removes them."
        ),
        cli=(
            "aws ec2 revoke-security-group-ingress --group-id DEFAULT_GROUP_ID --security-group-rule-ids RULE_ID; "
            "aws ec2 revoke-security-group-egress --group-id DEFAULT_GROUP_ID --security-group-rule-ids RULE_ID"
        ),
        terraform='resource "aws_default_security_group" "default" {\n  vpc_id = aws_vpc.main.id\n}',
    ),
    modes=("live", "iac"),
    resource_types=(SecurityGroup.KIND,),
    tested_with="moto server; IaC templates and a Terraform plan (tests/iac)",
    frameworks=Mapping_(cis=("5.4",), fsbp=("EC2.2",), nist_800_53=("SC-7",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for group in ctx.inventory.of(SecurityGroup):
        if not group.is_default:
            continue
        reason = group.unknown("ingress", "egress")
        if reason:
            yield unknown(group, f"rules not known: {reason}")
        elif group.rules:
            where = f" of {group.vpc_id}" if group.vpc_id else ""
            yield failed(
                group,
                f"default security group {group.native_id}{where} has {len(group.rules)} rule(s): "
                f"{listing(group.rules)}",
            )
        else:
            yield passed(group, "default security group has no rules")
