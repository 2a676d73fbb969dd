"""EC2-03: instances run current-generation instance types."""

from __future__ import annotations

from ringfence.checks.engine import evaluate
from ringfence.checks.instance_generations import is_current_generation
from ringfence.checks.registry import all_checks
from ringfence.model import Instance, Inventory, Status
from ringfence.model.compute import InstanceTypeInfo

from support import ACCOUNT, REGION, Aws, findings_for, status_of


def test_instance_types_are_judged_by_describe_instance_types(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]

    def launch(instance_type: str) -> str:
        reply = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType=instance_type)
        return str(reply["Instances"][0]["InstanceId"])

    current = launch("t3.micro")
    legacy = launch("m3.medium")
    stopped_legacy = launch("c3.large")
    ec2.stop_instances(InstanceIds=[stopped_legacy])

    result = aws.scan(controls=["EC2-03"])

    assert status_of(result, "EC2-03", current) is Status.PASS
    assert status_of(result, "EC2-03", legacy) is Status.FAIL
    assert status_of(result, "EC2-03", stopped_legacy) is Status.FAIL  # it starts again as it is
    message = next(f.message for f in findings_for(result, "EC2-03") if legacy in f.resource_id)
    assert "m3.medium, a previous-generation type" in message
    types = {t.native_id: t.current_generation for t in result.inventory.of(InstanceTypeInfo)}
    assert types == {"t3.micro": True, "m3.medium": False, "c3.large": False}


def test_types_the_api_does_not_describe_fall_back_to_the_shipped_table() -> None:
    def instance(instance_id: str, instance_type: str) -> Instance:
        return Instance(
            arn=instance_id,
            native_id=instance_id,
            account=ACCOUNT,
            region=REGION,
            instance_type=instance_type,
        )

    def undescribed(name: str) -> InstanceTypeInfo:
        return InstanceTypeInfo(
            arn=f"type/{name}",
            native_id=name,
            account=ACCOUNT,
            region=REGION,
            unresolved={"current_generation": "ec2:DescribeInstanceTypes does not describe this type"},
        )

    inv = Inventory(
        [
            instance("i-old", "m1.small"),
            undescribed("m1.small"),
            instance("i-new", "m7i.large"),
            undescribed("m7i.large"),
            instance("i-odd", "zz9.large"),
            undescribed("zz9.large"),
        ]
    )
    findings = {f.resource_id: f for f in evaluate(inv, [all_checks()["EC2-03"]], strict=True)}
    assert findings["i-old"].status is Status.FAIL
    assert "by the shipped table, family m1 is previous generation" in findings["i-old"].message
    assert findings["i-new"].status is Status.PASS
    assert findings["i-odd"].status is Status.UNKNOWN


def test_the_shipped_table() -> None:
    assert is_current_generation("t1.micro") is False
    assert is_current_generation("m5.large") is True
    assert is_current_generation("u-6tb1.metal") is True
    assert is_current_generation("q9.huge") is None
