"""LOG-04: workloads are scanned for vulnerabilities (Amazon Inspector).

One finding per scanned region, on ACCOUNT/REGION. A region passes when Inspector's EC2 scanning is
ENABLED, and ECR scanning too where the region holds ECR repositories. ENABLING is not yet scanning
(UNKNOWN until it settles); a region whose ECR use could not be read passes on EC2 alone only when
ECR scanning is on anyway.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.regional import precheck, region_cases
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import RegionSettings, Remediation, Severity
from ringfence.model.detection import InspectorStatus

META = CheckMeta(
    id="LOG-04",
    title="Workloads are scanned for vulnerabilities",
    severity=Severity.MEDIUM,
    rationale=(
        "Amazon Inspector finds known vulnerabilities in instances' packages and in container images "
        "as new CVEs are published; without it an exploitable host or image stays in service unnoticed."
    ),
    remediation=Remediation(
        text=(
            "Enable Amazon Inspector EC2 scanning (and ECR scanning where the region holds container "
            "images) in each region in use; in an organisation, from the Inspector delegated administrator "
            "with auto-enable for members."
        ),
        cli="aws inspector2 enable --resource-types EC2 ECR --account-ids ACCOUNT --region REGION",
        cloudformation=(
            "# Inspector has no CloudFormation resource for enablement; a custom resource or StackSet "
            "calling inspector2:Enable does it:\nType: Custom::InspectorEnable\nProperties:\n  ServiceToken: "
            "!GetAtt EnableInspectorFunction.Arn\n  ResourceTypes: [EC2, ECR]"
        ),
        terraform=(
            'resource "aws_inspector2_enabler" "this" {\n  account_ids    = [data.aws_caller_identity.current.account_id]\n'
            '  resource_types = ["EC2", "ECR"]\n}'
        ),
    ),
    modes=("live",),
    resource_types=(InspectorStatus.KIND, RegionSettings.KIND),
    tested_with="moto server; failed account status via an Inventory",
    frameworks=Mapping_(fsbp=("Inspector.1", "Inspector.2"), nist_800_53=("RA-5",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for case in region_cases(ctx.inventory, InspectorStatus):
        early = precheck(case, "Amazon Inspector's status", "status")
        if early is not None:
            yield early
            continue
        record = case.record
        assert record is not None
        yield _judge(case.report_on, record)


def _judge(report_on: RegionSettings, record: InspectorStatus) -> Outcome:
    region = report_on.region
    if record.ec2_status is None and record.account_status is None:
        return unknown(report_on, f"Inspector did not report the account's status in {region}")
    ecr_used = record.ecr_repositories
    ecr_reason = record.unknown("ecr_repositories")
    missing: list[str] = []
    pending: list[str] = []
    for label, status, needed in (
        ("EC2 scanning", record.ec2_status, True),
        ("ECR scanning", record.ecr_status, bool(ecr_used)),
    ):
        if not needed or status == "ENABLED":
            continue
        (pending if status in ("ENABLING",) else missing).append(f"{label} is {status or 'DISABLED'}")
    why_ecr = (
        f" (the region holds {ecr_used} ECR repositor{'y' if ecr_used == 1 else 'ies'} or more)"
        if ecr_used
        else ""
    )
    if missing:
        return failed(report_on, f"Amazon Inspector in {region}: {'; '.join(missing)}{why_ecr}")
    if pending:
        return unknown(report_on, f"Amazon Inspector in {region}: {'; '.join(pending)} (not yet scanning)")
    if ecr_reason and record.ecr_status != "ENABLED":
        return unknown(
            report_on, f"EC2 scanning is on in {region}; whether ECR is used there is not known: {ecr_reason}"
        )
    scope = "EC2 and ECR scanning are" if record.ecr_status == "ENABLED" else "EC2 scanning is"
    return passed(report_on, f"Amazon Inspector {scope} enabled in {region}")
