"""EC2-03: instances use current-generation instance families.

Judged on every instance (stopped ones start again as they are). The answer is DescribeInstanceTypes'
CurrentGeneration for the instance's type in its region. Where the API does not describe the type
(a type the region no longer offers) or could not be read, the shipped table of families
(data/instance_generations.json, the one IaC mode uses) decides, and the message says so; a family
the table does not know is UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.instance_generations import family_of, is_current_generation
from ringfence.checks.registry import CheckMeta, register
from ringfence.model import Instance, Remediation, Severity
from ringfence.model.compute import InstanceTypeInfo

META = CheckMeta(
    id="EC2-03",
    title="Instances use current-generation instance families",
    severity=Severity.LOW,
    rationale=(
        "Previous-generation families run on older Xen hosts without the Nitro security chip, enhanced "
        "networking or the newest EBS encryption and IMDS features, and cost more for what they give."
    ),
    remediation=Remediation(
        text="Stop the instance, change its type to a current-generation family (e.g. m3 -> m7i), and start it.",
        cli=(
            "aws ec2 stop-instances --instance-ids INSTANCE_ID\n"
            'aws ec2 modify-instance-attribute --instance-id INSTANCE_ID --instance-type \'{"Value": "m7i.large"}\'\n'
            "aws ec2 start-instances --instance-ids INSTANCE_ID"
        ),
        cloudformation="Type: AWS::EC2::Instance\nProperties:\n  InstanceType: m7i.large",
        terraform='resource "aws_instance" "app" {\n  instance_type = "m7i.large"\n}',
    ),
    modes=("live",),
    resource_types=(Instance.KIND, InstanceTypeInfo.KIND),
    tested_with="moto server; Inventory built directly for types the API does not describe",
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    for instance in inv.of(Instance):
        itype = instance.instance_type
        if not itype:
            yield unknown(instance, "the instance type is not known")
            continue
        info = inv.get(InstanceTypeInfo, instance.account, instance.region, itype)
        if info is not None and info.current_generation is not None:
            if info.current_generation:
                yield passed(instance, f"{itype} is a current-generation type")
            else:
                yield failed(
                    instance, f"instance {instance.display_name} runs {itype}, a previous-generation type"
                )
            continue
        if info is not None:
            why = info.unknown("current_generation") or "CurrentGeneration not stated"
        elif not inv.listing_complete(InstanceTypeInfo, instance.account, instance.region):
            why = "instance types could not be described (see coverage gaps)"
        else:
            why = "the type was not described"
        yield _from_table(instance, itype, why)


def _from_table(instance: Instance, itype: str, why: str) -> Outcome:
    current = is_current_generation(itype)
    source = f"{why}; by the shipped table, family {family_of(itype)}"
    if current is None:
        return unknown(instance, f"{why}; the shipped table does not know family {family_of(itype)}")
    if current:
        return passed(instance, f"{itype}: {source} is current generation")
    return failed(instance, f"instance {instance.display_name} runs {itype}: {source} is previous generation")
