"""EC2-02: instances are managed through Session Manager, not SSH or RDP.

Each running instance must be an SSM managed node that is reachable: listed by
ssm:DescribeInstanceInformation with PingStatus Online. Listed with ConnectionLost or Inactive, the
agent is not answering and Session Manager cannot reach it: FAIL. Not listed at all: FAIL. A
managed instance launched with a key pair passes the control's main test but is flagged (FAIL at
low severity): the key still opens SSH/RDP to whoever holds it. Instances that are not running
(pending, stopping, stopped) are NOT_APPLICABLE; where the SSM list could not be read, UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Instance, Remediation, Severity
from ringfence.model.ssm import ManagedInstance

META = CheckMeta(
    id="EC2-02",
    title="Instances are managed through Session Manager, not SSH or RDP",
    severity=Severity.MEDIUM,
    rationale=(
        "Session Manager needs no inbound port, no bastion and no long-lived key, and logs every session "
        "to CloudTrail; SSH keys and RDP passwords are shared, copied and never rotated."
    ),
    remediation=Remediation(
        text=(
            "Give the instance a profile with AmazonSSMManagedInstanceCore, make sure the SSM agent runs and "
            "reaches SSM (interface endpoints ssm, ssmmessages, ec2messages, or NAT), then launch new "
            "instances without a key pair and close ports 22 and 3389."
        ),
        cli=(
            "aws iam attach-role-policy --role-name ROLE --policy-arn "
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore\n"
            "aws ec2 associate-iam-instance-profile --instance-id INSTANCE_ID --iam-instance-profile Name=PROFILE\n"
            "aws ssm start-session --target INSTANCE_ID"
        ),
        cloudformation=(
            "Role:\n  Type: AWS::IAM::Role\n  Properties:\n    ManagedPolicyArns:\n"
            "      - arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore\n"
            "Instance:\n  Type: AWS::EC2::Instance\n  Properties:\n    IamInstanceProfile: !Ref Profile  # and no KeyName"
        ),
        terraform=(
            'resource "aws_iam_role_policy_attachment" "ssm" {\n  role       = aws_iam_role.app.name\n'
            '  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"\n}\n\n'
            'resource "aws_instance" "app" {\n  iam_instance_profile = aws_iam_instance_profile.app.name\n'
            "  # no key_name\n}"
        ),
    ),
    modes=("live",),
    resource_types=(Instance.KIND, ManagedInstance.KIND),
    tested_with=(
        "moto server for the unreadable SSM list (moto answers DescribeInstanceInformation with HTTP 500); "
        "botocore Stubber with DescribeInstanceInformation answers of the real API's shape for the collector; "
        "Inventory built directly for managed, unreachable and key-pair instances"
    ),
    frameworks=Mapping_(fsbp=("SSM.1",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    for instance in inv.of(Instance):
        if instance.state != "running":
            yield not_applicable(instance, f"instance is {instance.state}, not running")
            continue
        key = f" and was launched with key pair {instance.key_name}" if instance.key_name else ""
        node = inv.get(ManagedInstance, instance.account, instance.region, instance.native_id)
        if node is None:
            if not inv.listing_complete(ManagedInstance, instance.account, instance.region):
                yield unknown(instance, "SSM managed instances could not be listed (see coverage gaps)")
            else:
                yield failed(
                    instance, f"instance {instance.display_name} is not an SSM managed instance{key}"
                )
            continue
        ping = node.ping_status or "unknown"
        if ping != "Online":
            yield failed(
                instance,
                f"instance {instance.display_name} is registered with SSM but its agent is {ping} "
                f"(last ping {node.last_ping or 'unknown'}): Session Manager cannot reach it{key}",
            )
        elif instance.key_name:
            yield failed(
                instance,
                f"instance {instance.display_name} is managed by SSM, but was launched with key pair "
                f"{instance.key_name}: whoever holds the key can still log in",
                severity=Severity.LOW,
            )
        else:
            yield passed(instance, "SSM managed instance (Online), launched without a key pair")
