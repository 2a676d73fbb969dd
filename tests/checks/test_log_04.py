from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Finding, Inventory, Status, Volume
from ringfence.model.detection import InspectorStatus

from support import ACCOUNT, REGION, Aws, status_of

REGION_ID = f"{ACCOUNT}/{REGION}"


def _finding(**kw: Any) -> Finding:
    volume = Volume(arn="arn:aws:ec2:eu-west-1:1:volume/v", native_id="v", account=ACCOUNT, region=REGION)
    record = InspectorStatus(
        arn=f"{REGION_ID}/inspector2",
        native_id=REGION_ID,
        account=ACCOUNT,
        region="",
        listed_region=REGION,
        **kw,
    )
    [found] = evaluate(Inventory([volume, record]), [all_checks()["LOG-04"]], strict=True)
    return found


def test_ec2_scanning_is_required_and_ecr_scanning_where_ecr_is_used(aws: Aws) -> None:
    aws.client("ec2").create_volume(Size=1, AvailabilityZone=f"{REGION}a")
    inspector = aws.client("inspector2")
    inspector.enable(accountIds=[ACCOUNT], resourceTypes=["EC2"])
    assert status_of(aws.scan(controls=["LOG-04"]), "LOG-04", REGION_ID) is Status.PASS

    aws.client("ecr").create_repository(repositoryName="api")
    result = aws.scan(controls=["LOG-04"])
    assert status_of(result, "LOG-04", REGION_ID) is Status.FAIL
    assert "ECR scanning is DISABLED" in next(f.message for f in result.findings if f.control_id == "LOG-04")

    inspector.enable(accountIds=[ACCOUNT], resourceTypes=["ECR"])
    assert status_of(aws.scan(controls=["LOG-04"]), "LOG-04", REGION_ID) is Status.PASS


def test_statuses_from_the_api() -> None:
    assert (
        _finding(
            account_status="DISABLED", ec2_status="DISABLED", ecr_status="DISABLED", ecr_repositories=0
        ).status
        is Status.FAIL
    )
    assert (
        _finding(account_status="ENABLED", ec2_status="ENABLING", ecr_repositories=0).status is Status.UNKNOWN
    )
    assert (
        _finding(
            account_status="ENABLED", ec2_status="ENABLED", ecr_status="DISABLED", ecr_repositories=0
        ).status
        is Status.PASS
    )
    unknown_ecr = _finding(
        account_status="ENABLED",
        ec2_status="ENABLED",
        ecr_status="DISABLED",
        unresolved={"ecr_repositories": "access denied: ecr:DescribeRepositories (AccessDeniedException)"},
    )
    assert unknown_ecr.status is Status.UNKNOWN
    failed = _finding(unresolved={"status": "Inspector could not report the account: ACCESS_DENIED: no"})
    assert failed.status is Status.UNKNOWN
    assert _finding().status is Status.UNKNOWN  # the account absent from the answer
