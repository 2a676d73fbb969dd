"""GOV-01: CloudFormation stacks have not drifted.

One finding per stack (nested stacks are stacks of their own). The verdict is the last drift
detection's StackDriftStatus: IN_SYNC passes, DRIFTED fails, NOT_CHECKED and UNKNOWN are UNKNOWN (the
message says how to run a detection: `ringfence scan --detect-drift`, or the CLI). When the scan ran
the detection, its result counts; a detection that FAILED (some resources could not be checked)
still fails a DRIFTED stack, but cannot make one IN_SYNC. A stack whose creation failed
(ROLLBACK_COMPLETE) or that was never executed (REVIEW_IN_PROGRESS) has no resources: not applicable.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Remediation, Severity
from ringfence.model.stacks import Stack

WITHOUT_RESOURCES = {
    "ROLLBACK_COMPLETE": "its creation failed",
    "REVIEW_IN_PROGRESS": "it was never executed",
}
HOW_TO_CHECK = (
    "run a detection (ringfence scan --detect-drift, or aws cloudformation detect-stack-drift --stack-name "
    "STACK)"
)

META = CheckMeta(
    id="GOV-01",
    title="CloudFormation stacks have not drifted",
    severity=Severity.MEDIUM,
    rationale=(
        "A drifted stack no longer matches its reviewed template: someone changed resources by hand, "
        "the change escaped review, and the next deployment may silently undo or collide with it."
    ),
    remediation=Remediation(
        text=(
            "See what drifted (describe-stack-resource-drifts), then either bring the change into the "
            "template and deploy it, or undo it by hand; detect drift regularly (AWS Config's "
            "cloudformation-stack-drift-detection-check rule does it)."
        ),
        cli=(
            "aws cloudformation detect-stack-drift --stack-name STACK\n"
            "aws cloudformation describe-stack-resource-drifts --stack-name STACK "
            "--stack-resource-drift-status-filters MODIFIED DELETED"
        ),
        cloudformation=(
            "# Detect drift on a schedule with AWS Config:\nType: AWS::Config::ConfigRule\nProperties:\n"
            "  Source:\n    Owner: AWS\n    SourceIdentifier: CLOUDFORMATION_STACK_DRIFT_DETECTION_CHECK\n"
            "  InputParameters:\n    cloudformationRoleArn: !GetAtt DriftCheckRole.Arn"
        ),
        terraform=(
            'resource "aws_config_config_rule" "stack_drift" {\n  name = "cloudformation-stack-drift"\n'
            '  source {\n    owner             = "AWS"\n'
            '    source_identifier = "CLOUDFORMATION_STACK_DRIFT_DETECTION_CHECK"\n  }\n'
            "  input_parameters = jsonencode({ cloudformationRoleArn = aws_iam_role.drift_check.arn })\n}"
        ),
    ),
    modes=("live",),
    resource_types=(Stack.KIND,),
    tested_with=(
        "Inventory built directly (moto's DescribeStacks returns no DriftInformation and it does not "
        "implement DetectStackDrift); the collector's drift detection through botocore's Stubber"
    ),
    frameworks=Mapping_(nist_800_53=("CM-3",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for stack in ctx.inventory.of(Stack):
        yield _judge(stack)


def _judge(stack: Stack) -> Outcome:
    label = f"stack {stack.stack_name or stack.native_id}"
    empty = WITHOUT_RESOURCES.get(stack.stack_status or "")
    if empty:
        return not_applicable(stack, f"{label} holds no resources: {empty} ({stack.stack_status})")
    when = f" (detected {stack.drift_checked_at})" if stack.drift_checked_at else ""
    partial = stack.detection_status == "DETECTION_FAILED"
    note = f"; the detection could not check every resource: {stack.detection_reason}" if partial else ""
    if stack.drift_status == "DRIFTED":
        return failed(stack, f"{label} has drifted from its template{when}{note}")
    if stack.detection_status == "DETECTION_IN_PROGRESS":
        return unknown(stack, f"the drift detection of {label} did not finish while the scan waited")
    reason = stack.unknown("detection_status") or stack.unknown("drift_status")
    if reason:
        return unknown(stack, f"the drift status of {label} is not known: {reason}")
    if stack.drift_status == "IN_SYNC" and partial:
        return unknown(stack, f"{label} showed no drift, but{note[1:]}")
    if stack.drift_status == "IN_SYNC":
        return passed(stack, f"{label} matches its template{when}")
    if stack.drift_status == "NOT_CHECKED":
        return unknown(stack, f"drift has never been detected on {label}: {HOW_TO_CHECK}")
    return unknown(
        stack, f"the drift status of {label} is {stack.drift_status or 'not stated'}: {HOW_TO_CHECK}"
    )
