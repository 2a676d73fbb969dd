"""IAM-04: every instance runs with an instance profile.

The catalogue names running instances; stopped (and pending, stopping) ones are judged too, since
starting one changes nothing about its profile and the finding is as true then. Terminated
instances never reach the inventory.

IaC: an instance's IamInstanceProfile, or that of the launch template it launches from.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, register
from ringfence.model import Instance, Remediation, Severity

META = CheckMeta(
    id="IAM-04",
    title="Every instance runs with an instance profile",
    severity=Severity.MEDIUM,
    rationale=(
        "Without an instance profile, software on the instance that calls AWS needs long-lived "
        "access keys on disk or in code, which do not rotate and leak with the image; a profile "
        "gives it short-lived credentials scoped to one role."
    ),
    remediation=Remediation(
        text=(
            "Create a role for the instance's function with only the permissions it needs, wrap it in "
            "an instance profile, associate it, then remove any access keys from the instance."
        ),
        cli=(
            "aws ec2 associate-iam-instance-profile --instance-id INSTANCE_ID "
            "--iam-instance-profile Name=PROFILE_NAME"
        ),
        cloudformation="Type: AWS::EC2::Instance\nProperties:\n  IamInstanceProfile: !Ref AppInstanceProfile",
        terraform='resource "aws_instance" "app" {\n  iam_instance_profile = aws_iam_instance_profile.app.name\n}',
    ),
    modes=("live", "iac"),
    resource_types=(Instance.KIND,),
    tested_with="moto server; IaC templates and a Terraform plan (tests/iac)",
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for instance in ctx.inventory.of(Instance):
        reason = instance.unknown("iam_instance_profile_arn")
        if reason:
            yield unknown(instance, f"instance profile not known: {reason}")
        elif instance.iam_instance_profile_arn:
            yield passed(instance, f"runs with instance profile {instance.iam_instance_profile_arn}")
        elif ctx.mode == "iac":
            yield failed(instance, f"instance {instance.display_name} declares no instance profile")
        elif instance.state == "running":
            yield failed(instance, f"instance {instance.display_name} runs without an instance profile")
        else:
            yield failed(
                instance,
                f"instance {instance.display_name} ({instance.state}) has no instance profile; "
                "it would start without one",
            )
