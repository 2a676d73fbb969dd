"""LOG-02: GuardDuty is enabled in every region in use.

One finding per scanned region, on ACCOUNT/REGION. A region passes when it has a detector whose
status is ENABLED. In an organisation whose delegated administrator auto-enables GuardDuty, each
member gets its own detector, so an auto-enabled detector counts without anything special: that is
what ListDetectors shows. A delegated administrator elsewhere does not make a region of this account
pass by itself: only a detector in the account monitors it (the management account, notably, is not
enrolled by auto-enable). When the management account can list the administrators, the message
names them as the ones who can enable it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed
from ringfence.checks.regional import precheck, region_cases
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import RegionSettings, Remediation, Severity
from ringfence.model.detection import GuardDutyStatus

META = CheckMeta(
    id="LOG-02",
    title="GuardDuty is enabled in every region in use",
    severity=Severity.HIGH,
    rationale=(
        "GuardDuty watches CloudTrail, VPC flow and DNS logs for compromised credentials, crypto-mining "
        "and exfiltration; a region without a detector is one where an intruder goes unnoticed."
    ),
    remediation=Remediation(
        text=(
            "Create an enabled detector in each region in use; in an organisation, let the GuardDuty "
            "delegated administrator auto-enable all member accounts in every region."
        ),
        cli="aws guardduty create-detector --enable --region REGION",
        cloudformation="Type: AWS::GuardDuty::Detector\nProperties:\n  Enable: true",
        terraform='resource "aws_guardduty_detector" "this" {\n  enable = true\n}',
    ),
    modes=("live",),
    resource_types=(GuardDutyStatus.KIND, RegionSettings.KIND),
    tested_with="moto server; unreadable detectors and organisation administrators via an Inventory",
    frameworks=Mapping_(fsbp=("GuardDuty.1",), nist_800_53=("SI-4",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for case in region_cases(ctx.inventory, GuardDutyStatus):
        early = precheck(case, "the GuardDuty detector", "detector")
        if early is not None:
            yield early
            continue
        record = case.record
        assert record is not None
        if record.detector_id and record.status == "ENABLED":
            yield passed(
                case.report_on, f"GuardDuty detector {record.detector_id} is enabled in {case.region}"
            )
            continue
        admins = ""
        if record.admin_accounts:
            admins = f"; the organisation's GuardDuty delegated administrator ({', '.join(record.admin_accounts)}) can enable it"
        if record.detector_id:
            yield failed(
                case.report_on,
                f"GuardDuty detector {record.detector_id} in {case.region} is {record.status or 'not enabled'}"
                f"{admins}",
            )
        else:
            yield failed(case.report_on, f"no GuardDuty detector in {case.region}, a region in use{admins}")
