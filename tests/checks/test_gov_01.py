"""GOV-01. moto's DescribeStacks has no DriftInformation and it does not implement DetectStackDrift:
the stacks are recorded responses of the real API's shape (botocore's Stubber) or built directly."""

import datetime as dt
from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Finding, Inventory, Status
from ringfence.model.stacks import Stack
from ringfence.sources.aws.collectors import cloudformation
from ringfence.sources.aws.collectors.cloudformation import collect_stacks
from stubbed import stub_context, stubbed

from support import ACCOUNT, REGION, Aws, status_of

WHEN = dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC)


def _stack(name: str, status: str = "UPDATE_COMPLETE", drift: str | None = "NOT_CHECKED") -> dict[str, Any]:
    stack: dict[str, Any] = {
        "StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{name}/0a1b2c3d-1111-2222-3333-444455556666",
        "StackName": name,
        "CreationTime": WHEN,
        "StackStatus": status,
        "Parameters": [{"ParameterKey": "Env", "ParameterValue": "prod"}],
        "Tags": [{"Key": "Environment", "Value": "prod"}],
    }
    if drift:
        stack["DriftInformation"] = {"StackDriftStatus": drift, "LastCheckTimestamp": WHEN}
    return stack


def _judge(*stacks: Stack) -> dict[str, Finding]:
    found = evaluate(Inventory(stacks), [all_checks()["GOV-01"]], strict=True)
    return {f.resource_id.split("/")[1]: f for f in found}


def _collect(
    *responses: tuple[str, dict[str, Any], dict[str, Any] | None], detect: bool = False
) -> list[Stack]:
    client, stub = stubbed("cloudformation")
    for operation, response, params in responses:
        stub.add_response(operation, response, params)
    with stub:
        ctx = stub_context("cloudformation", {"cloudformation": client}, detect_drift=detect)
        stacks = [s for s in collect_stacks(ctx) if isinstance(s, Stack)]
    stub.assert_no_pending_responses()
    return stacks


def test_the_last_detection_decides() -> None:
    stacks = _collect(
        (
            "describe_stacks",
            {
                "Stacks": [
                    _stack("in-sync", drift="IN_SYNC"),
                    _stack("drifted", drift="DRIFTED"),
                    _stack("never", drift="NOT_CHECKED"),
                    _stack("failed", status="ROLLBACK_COMPLETE"),
                ]
            },
            None,
        )
    )
    found = _judge(*stacks)
    assert found["in-sync"].status is Status.PASS
    assert found["drifted"].status is Status.FAIL
    assert found["never"].status is Status.UNKNOWN
    assert "--detect-drift" in found["never"].message
    assert found["failed"].status is Status.NOT_APPLICABLE
    assert stacks[0].tags == {"Environment": "prod"}


def test_detect_drift_runs_only_when_asked() -> None:
    stack = _stack("api", drift="NOT_CHECKED")
    stack_id = stack["StackId"]
    stacks = _collect(
        ("describe_stacks", {"Stacks": [stack]}, None),
        (
            "detect_stack_drift",
            {"StackDriftDetectionId": "b78ac9b0-dec1-11e7-a451-50d5cd92b8ae"},
            {"StackName": stack_id},
        ),
        (
            "describe_stack_drift_detection_status",
            {
                "StackId": stack_id,
                "StackDriftDetectionId": "b78ac9b0-dec1-11e7-a451-50d5cd92b8ae",
                "StackDriftStatus": "DRIFTED",
                "DetectionStatus": "DETECTION_COMPLETE",
                "DriftedStackResourceCount": 1,
                "Timestamp": WHEN,
            },
            {"StackDriftDetectionId": "b78ac9b0-dec1-11e7-a451-50d5cd92b8ae"},
        ),
        detect=True,
    )
    assert stacks[0].drift_status == "DRIFTED"
    assert stacks[0].detection_status == "DETECTION_COMPLETE"
    assert _judge(*stacks)["api"].status is Status.FAIL
    assert cloudformation.DRIFT_WAIT_SECONDS > 0


def test_partial_detections_and_stacks_read_from_moto(aws: Aws) -> None:
    base = {"account": ACCOUNT, "region": REGION, "stack_name": "x"}
    partial = Stack(
        arn="a/partial/1",
        native_id="partial",
        drift_status="IN_SYNC",
        detection_status="DETECTION_FAILED",
        detection_reason="Failed to detect drift on resource Bucket",
        **base,
    )
    waiting = Stack(
        arn="a/waiting/1",
        native_id="waiting",
        drift_status="NOT_CHECKED",
        detection_status="DETECTION_IN_PROGRESS",
        **base,
    )
    found = _judge(partial, waiting)
    assert found["partial"].status is Status.UNKNOWN
    assert found["waiting"].status is Status.UNKNOWN

    aws.client("cloudformation").create_stack(
        StackName="rf-topic", TemplateBody='{"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}'
    )
    result = aws.scan(controls=["GOV-01"])
    assert status_of(result, "GOV-01", "stack/rf-topic/") is Status.UNKNOWN  # moto states no drift status
