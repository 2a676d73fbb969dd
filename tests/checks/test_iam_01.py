import datetime as dt
from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import AccessKey, Account, Finding, IamUser, Inventory, Resource, Status

from support import ACCOUNT, Aws, status_of

NOW = dt.datetime.now(dt.UTC)


def _days_ago(days: int) -> str:
    return (NOW - dt.timedelta(days=days)).isoformat()


def _user(name: str, *keys: AccessKey, **kw: Any) -> IamUser:
    return IamUser(
        arn=f"arn:aws:iam::{ACCOUNT}:user/{name}",
        native_id=name,
        account=ACCOUNT,
        region="",
        user_name=name,
        access_keys=keys,
        **kw,
    )


def _findings(*resources: Resource, max_days: int | None = None) -> dict[str, Finding]:
    params = {"IAM-01": {"max_key_age_days": max_days}} if max_days else None
    found = evaluate(Inventory(resources), [all_checks()["IAM-01"]], params=params, strict=True)
    return {f.resource_id.rsplit("/", 1)[-1]: f for f in found}


def test_fresh_keys_pass_in_moto(aws: Aws) -> None:
    iam = aws.client("iam")
    iam.create_user(UserName="deploy")
    iam.create_access_key(UserName="deploy")
    iam.create_user(UserName="alice")

    result = aws.scan(controls=["IAM-01"])

    assert status_of(result, "IAM-01", "user/deploy") is Status.PASS
    assert status_of(result, "IAM-01", "user/alice") is Status.PASS
    root = [f for f in result.findings if f.control_id == "IAM-01" and f.resource_id == ACCOUNT]
    assert [f.status for f in root] == [Status.PASS]


def test_old_and_unused_keys_fail_and_root_keys_fail() -> None:
    found = _findings(
        Account(arn=ACCOUNT, native_id=ACCOUNT, account=ACCOUNT, region="", root_access_keys_present=True),
        _user("old", AccessKey("AKIAOLD", "Active", created=_days_ago(400), last_used=_days_ago(1))),
        _user("idle", AccessKey("AKIAIDLE", "Active", created=_days_ago(120))),
        _user(
            "recent",
            AccessKey("AKIANEW", "Active", created=_days_ago(10)),
            AccessKey("AKIAOFF", "Inactive", created=_days_ago(900)),
        ),
        _user("undated", AccessKey("AKIAUND", "Active")),
        _user("unread", unresolved={"access_keys": "access denied: iam:ListAccessKeys (AccessDenied)"}),
    )
    assert found[ACCOUNT].status is Status.FAIL
    assert found["old"].status is Status.FAIL
    assert "400 days old" in found["old"].message
    assert found["idle"].status is Status.FAIL
    assert "never used" in found["idle"].message
    assert found["recent"].status is Status.PASS
    assert found["undated"].status is Status.UNKNOWN
    assert found["unread"].status is Status.UNKNOWN
    assert (
        _findings(_user("old", AccessKey("AKIAOLD", "Active", created=_days_ago(100))), max_days=365)[
            "old"
        ].status
        is Status.PASS
    )
