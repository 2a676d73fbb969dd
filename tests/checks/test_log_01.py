from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Account, Inventory, Status, Trail
from ringfence.model.logging import TrailListing

from support import ACCOUNT, REGION, Aws, findings_for, status_of

HOME = "us-east-1"


def _trail(aws: Aws, name: str, region: str = REGION, *, start: bool = True, **args: Any) -> str:
    bucket = f"{name}-logs"
    s3 = aws.client("s3", region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    cloudtrail = aws.client("cloudtrail", region)
    arn = str(cloudtrail.create_trail(Name=name, S3BucketName=bucket, **args)["TrailARN"])
    if start:
        cloudtrail.start_logging(Name=name)
    return arn


def test_a_complete_multi_region_trail_passes_the_account(aws: Aws) -> None:
    key = aws.client("kms", HOME).create_key()["KeyMetadata"]["Arn"]
    trail = _trail(
        aws, "org-audit", HOME, IsMultiRegionTrail=True, EnableLogFileValidation=True, KmsKeyId=key
    )

    result = aws.scan(regions=[REGION, HOME], controls=["LOG-01"])

    assert status_of(result, "LOG-01", trail) is Status.PASS  # once, although seen in both regions
    assert _on_account(result).status is Status.PASS
    assert "org-audit" in _on_account(result).message


def test_missing_settings_fail_the_trail_and_the_account(aws: Aws) -> None:
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    plain = _trail(aws, "plain", HOME, start=False, IsMultiRegionTrail=True)
    local = _trail(aws, "local", REGION, IsMultiRegionTrail=False, EnableLogFileValidation=True, KmsKeyId=key)

    result = aws.scan(regions=[REGION, HOME], controls=["LOG-01"])

    assert status_of(result, "LOG-01", plain) is Status.FAIL
    message = next(f.message for f in findings_for(result, "LOG-01") if f.resource_id == plain)
    assert "not logging" in message
    assert "log file validation off" in message
    assert "KMS" in message
    assert status_of(result, "LOG-01", local) is Status.PASS  # its own settings are right
    assert _on_account(result).status is Status.FAIL
    assert "plain (us-east-1): not logging" in _on_account(result).message


def test_no_trail_fails_the_account(aws: Aws) -> None:
    result = aws.scan(controls=["LOG-01"])
    assert _on_account(result).status is Status.FAIL


def _on_account(result: Any) -> Any:
    [finding] = [f for f in findings_for(result, "LOG-01") if f.resource_id == ACCOUNT]
    return finding


def _account() -> Account:
    return Account(arn=ACCOUNT, native_id=ACCOUNT, account=ACCOUNT, region="")


def _org_trail(**facts: Any) -> Trail:
    arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/organisation"
    values: dict[str, Any] = {
        "multi_region": True,
        "organization_trail": True,
        "is_logging": True,
        "log_file_validation": True,
        "kms_key_id": "arn:aws:kms:us-east-1:111122223333:key/1",
    }
    values.update(facts)
    return Trail(
        arn=f"{ACCOUNT}/{arn}",
        native_id=arn,
        account=ACCOUNT,
        region=HOME,
        trail_name="organisation",
        trail_arn=arn,
        owner_account="111122223333",
        home_region=HOME,
        **values,
    )


def _evaluate(*resources: Any) -> dict[str, Any]:
    findings = evaluate(Inventory(resources), [all_checks()["LOG-01"]], strict=True)
    return {f.resource_id: f for f in findings}


def test_an_organisation_trail_counts_for_a_member_account() -> None:
    trail = _org_trail()
    found = _evaluate(_account(), trail)
    assert found[ACCOUNT].status is Status.PASS
    assert "organisation trail of 111122223333" in found[ACCOUNT].message
    assert trail.arn not in found  # judged, as a trail, in the account that owns it


def test_unreadable_status_or_listing_is_unknown_not_fail() -> None:
    status_hidden = _org_trail(
        is_logging=None, unresolved={"is_logging": "error: cloudtrail:GetTrailStatus (X)"}
    )
    found = _evaluate(_account(), status_hidden)
    assert found[ACCOUNT].status is Status.UNKNOWN
    assert "GetTrailStatus" in found[ACCOUNT].message

    listing = TrailListing(
        arn=f"{ACCOUNT}/{REGION}/cloudtrail-listing",
        native_id=f"{ACCOUNT}/{REGION}",
        account=ACCOUNT,
        region="",
        listed_region=REGION,
        unresolved={"trails": "access denied: cloudtrail:DescribeTrails (AccessDenied)"},
    )
    found = _evaluate(_account(), listing)
    assert found[ACCOUNT].status is Status.UNKNOWN
    assert REGION in found[ACCOUNT].message
