from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Finding, Inventory, Resource, Status, Volume
from ringfence.model.detection import ConfigRecorder, ConfigStatus

from support import ACCOUNT, REGION, Aws, status_of

REGION_ID = f"{ACCOUNT}/{REGION}"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/config"


def _record(*recorders: ConfigRecorder, **kw: Any) -> ConfigStatus:
    return ConfigStatus(
        arn=f"{REGION_ID}/config",
        native_id=REGION_ID,
        account=ACCOUNT,
        region="",
        listed_region=REGION,
        recorders=recorders,
        **kw,
    )


def _finding(*resources: Resource) -> Finding:
    volume = Volume(arn="arn:aws:ec2:eu-west-1:1:volume/v", native_id="v", account=ACCOUNT, region=REGION)
    [found] = evaluate(Inventory([volume, *resources]), [all_checks()["LOG-03"]], strict=True)
    return found


def test_a_recorder_of_all_resources_must_be_recording(aws: Aws) -> None:
    aws.client("ec2").create_volume(Size=1, AvailabilityZone=f"{REGION}a")
    config = aws.client("config")
    config.put_configuration_recorder(
        ConfigurationRecorder={"name": "default", "roleARN": ROLE, "recordingGroup": {"allSupported": True}}
    )
    assert status_of(aws.scan(controls=["LOG-03"]), "LOG-03", REGION_ID) is Status.FAIL  # not started

    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-bucket"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    assert status_of(aws.scan(controls=["LOG-03"]), "LOG-03", REGION_ID) is Status.PASS


def test_partial_recording_failures_and_unknowns() -> None:
    partial = ConfigRecorder(
        name="some", all_supported=False, recording=True, recording_strategy="INCLUSION_BY_RESOURCE_TYPES"
    )
    found = _finding(_record(partial))
    assert found.status is Status.FAIL
    assert "INCLUSION_BY_RESOURCE_TYPES" in found.message

    failing = ConfigRecorder(
        name="default",
        all_supported=True,
        recording=True,
        last_status="FAILURE",
        last_error_code="AccessDenied",
    )
    assert _finding(_record(failing)).status is Status.FAIL

    linked = ConfigRecorder(
        name="AWSConfigurationRecorderForX",
        all_supported=True,
        recording=True,
        service_principal="x.amazonaws.com",
    )
    assert _finding(_record(linked)).status is Status.FAIL

    unread = ConfigRecorder(name="default", all_supported=True)
    status_unknown = _finding(
        _record(
            unread,
            unresolved={
                "recording": "access denied: config:DescribeConfigurationRecorderStatus (AccessDenied)"
            },
        )
    )
    assert status_unknown.status is Status.UNKNOWN

    good = ConfigRecorder(name="default", all_supported=True, recording=True, last_status="SUCCESS")
    passing = _finding(_record(good))
    assert passing.status is Status.PASS
    assert "global resource types not included" in passing.message
