from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Account, Inventory, Status
from ringfence.sources.aws.session import ClientFactory, make_session

from support import ACCOUNT, REGION, Aws, status_of

ALL_ON = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def put_account_block(aws: Aws, **settings: Any) -> None:
    options = aws.options()  # the project's client factory serves s3control from a custom endpoint
    s3control = ClientFactory(make_session(options), options).client("s3control", REGION)
    s3control.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=settings)


def test_all_four_on_passes(aws: Aws) -> None:
    put_account_block(aws, **ALL_ON)
    assert status_of(aws.scan(controls=["S3-01"]), "S3-01", ACCOUNT) is Status.PASS


def test_one_off_fails(aws: Aws) -> None:
    put_account_block(aws, **{**ALL_ON, "RestrictPublicBuckets": False})
    result = aws.scan(controls=["S3-01"])
    assert status_of(result, "S3-01", ACCOUNT) is Status.FAIL
    assert "RestrictPublicBuckets" in result.findings[0].message


def test_no_configuration_fails(aws: Aws) -> None:
    assert status_of(aws.scan(controls=["S3-01"]), "S3-01", ACCOUNT) is Status.FAIL


def test_unreadable_configuration_is_unknown() -> None:
    account = Account(
        arn=ACCOUNT,
        native_id=ACCOUNT,
        account=ACCOUNT,
        region="",
        unresolved={"s3_public_access_block": "access denied: s3control:GetPublicAccessBlock (AccessDenied)"},
    )
    [finding] = evaluate(Inventory([account]), [all_checks()["S3-01"]], strict=True)
    assert (finding.resource_id, finding.status) == (ACCOUNT, Status.UNKNOWN)
