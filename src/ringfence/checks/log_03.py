"""LOG-03: AWS Config records all resources.

One finding per scanned region, on ACCOUNT/REGION. A region passes when a configuration recorder
with recordingGroup.allSupported=true is recording and its last recording did not fail. Service-linked
recorders (made by another AWS service, which decides their scope) do not count. Whether global
resource types (IAM) are included is said, not required: one region is enough to record them.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.regional import precheck, region_cases
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import RegionSettings, Remediation, Severity
from ringfence.model.detection import ConfigRecorder, ConfigStatus

META = CheckMeta(
    id="LOG-03",
    title="AWS Config records all resources",
    severity=Severity.MEDIUM,
    rationale=(
        "AWS Config keeps the history of every resource's configuration: without it, what changed, "
        "when, and what the estate looked like during an incident cannot be shown."
    ),
    remediation=Remediation(
        text=(
            "Create a configuration recorder that records all supported resource types, give it a "
            "delivery channel, and start it, in every region in use (an organisation does this with "
            "CloudFormation StackSets or Control Tower)."
        ),
        cli=(
            "aws configservice put-configuration-recorder --configuration-recorder "
            "name=default,roleARN=arn:aws:iam::ACCOUNT:role/aws-service-role/config.amazonaws.com/"
            "AWSServiceRoleForConfig --recording-group allSupported=true,includeGlobalResourceTypes=true\n"
            "aws configservice put-delivery-channel --delivery-channel name=default,s3BucketName=BUCKET\n"
            "aws configservice start-configuration-recorder --configuration-recorder-name default"
        ),
        cloudformation=(
            "Type: AWS::Config::ConfigurationRecorder\nProperties:\n  RoleARN: !Sub "
            "arn:aws:iam::${AWS::AccountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig\n"
            "  RecordingGroup:\n    AllSupported: true\n    IncludeGlobalResourceTypes: true"
        ),
        terraform=(
            'resource "aws_config_configuration_recorder" "this" {\n  role_arn = aws_iam_service_linked_role.config.arn\n'
            "  recording_group {\n    all_supported                 = true\n"
            "    include_global_resource_types = true\n  }\n}\n\n"
            'resource "aws_config_configuration_recorder_status" "this" {\n'
            "  name       = aws_config_configuration_recorder.this.name\n  is_enabled = true\n"
            "  depends_on = [aws_config_delivery_channel.this]\n}"
        ),
    ),
    modes=("live",),
    resource_types=(ConfigStatus.KIND, RegionSettings.KIND),
    tested_with="moto server; recorder status failures and service-linked recorders via an Inventory",
    frameworks=Mapping_(fsbp=("Config.1",), nist_800_53=("CM-8",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for case in region_cases(ctx.inventory, ConfigStatus):
        early = precheck(case, "the AWS Config recorders", "recorders")
        if early is not None:
            yield early
            continue
        record = case.record
        assert record is not None
        own = [r for r in record.recorders if not r.service_principal]
        if not own:
            linked = f" (only service-linked ones: {_names(record.recorders)})" if record.recorders else ""
            yield failed(case.report_on, f"no AWS Config recorder in {case.region}, a region in use{linked}")
            continue
        good = [r for r in own if r.all_supported and r.recording and r.last_status != "FAILURE"]
        if good:
            scope = "" if good[0].include_global_resource_types else " (global resource types not included)"
            yield passed(case.report_on, f"recorder {good[0].name} records all supported resources{scope}")
            continue
        reason = record.unknown("recording")
        if reason and any(r.all_supported for r in own):
            yield unknown(
                case.report_on, f"whether recorder {_names(own)} is recording is not known: {reason}"
            )
            continue
        yield failed(case.report_on, "; ".join(_fault(r) for r in own))


def _fault(recorder: ConfigRecorder) -> str:
    faults = []
    if not recorder.all_supported:
        faults.append(
            f"records only some resource types ({recorder.recording_strategy or 'allSupported false'})"
        )
    if recorder.recording is False:
        faults.append("is stopped")
    elif recorder.recording is None:
        faults.append("has no recording status")
    if recorder.last_status == "FAILURE":
        faults.append(f"last recording failed ({recorder.last_error_code or 'no error code'})")
    return f"recorder {recorder.name} " + ", ".join(faults)


def _names(recorders: tuple[ConfigRecorder, ...] | list[ConfigRecorder]) -> str:
    return ", ".join(r.name for r in recorders)
