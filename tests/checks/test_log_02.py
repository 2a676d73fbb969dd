from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Finding, Inventory, RegionSettings, Resource, Status, Volume
from ringfence.model.detection import GuardDutyStatus

from support import ACCOUNT, REGION, Aws, status_of

US = "us-east-1"


def _in_use(region: str) -> Volume:
    return Volume(
        arn=f"arn:aws:ec2:{region}:{ACCOUNT}:volume/vol-1", native_id="vol-1", account=ACCOUNT, region=region
    )


def _record(region: str, **kw: Any) -> GuardDutyStatus:
    return GuardDutyStatus(
        arn=f"{ACCOUNT}/{region}/guardduty",
        native_id=f"{ACCOUNT}/{region}",
        account=ACCOUNT,
        region="",
        listed_region=region,
        **kw,
    )


def _findings(*resources: Resource) -> dict[str, Finding]:
    found = evaluate(Inventory(resources), [all_checks()["LOG-02"]], strict=True)
    return {f.resource_id: f for f in found}


def test_an_enabled_detector_passes_and_none_fails(aws: Aws) -> None:
    aws.client("ec2").create_volume(Size=1, AvailabilityZone=f"{REGION}a")  # the region is in use
    result = aws.scan(controls=["LOG-02"])
    assert status_of(result, "LOG-02", f"{ACCOUNT}/{REGION}") is Status.FAIL

    detector = aws.client("guardduty").create_detector(Enable=True)["DetectorId"]
    result = aws.scan(controls=["LOG-02"])
    assert status_of(result, "LOG-02", f"{ACCOUNT}/{REGION}") is Status.PASS
    [finding] = [f for f in result.findings if f.control_id == "LOG-02"]
    assert detector in finding.message
    assert finding.resource_type == "AWS::::Region"
    assert finding.region == REGION


def test_disabled_unused_unreadable_and_organisation_cases() -> None:
    found = _findings(
        _in_use(REGION),
        _record(REGION, detector_id="d-1", status="DISABLED", admin_accounts=("222222222222",)),
        _record(US),  # no detector, but nothing else in the region: not in use
        RegionSettings(
            arn=f"{ACCOUNT}/eu-central-1", native_id="eu-central-1", account=ACCOUNT, region="eu-central-1"
        ),
        _in_use("eu-central-1"),
        _in_use("ap-southeast-2"),
        _record(
            "ap-southeast-2", unresolved={"detector": "access denied: guardduty:ListDetectors (AccessDenied)"}
        ),
    )
    disabled = found[f"{ACCOUNT}/{REGION}"]
    assert disabled.status is Status.FAIL
    assert "DISABLED" in disabled.message
    assert "222222222222" in disabled.message
    assert found[f"{ACCOUNT}/{US}"].status is Status.NOT_APPLICABLE
    assert found[f"{ACCOUNT}/eu-central-1"].status is Status.UNKNOWN
    denied = found[f"{ACCOUNT}/ap-southeast-2"]
    assert denied.status is Status.UNKNOWN
    assert "ListDetectors" in denied.message
