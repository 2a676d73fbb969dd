"""IAM users: console password, MFA and access keys.

The credential report answers for every user in two calls, so it is preferred (GenerateCredentialReport
is one of the only two non-read calls ringfence makes). AWS serves a cached report up to four hours
old, so a user missing from it (created since) or whose row belongs to an earlier user of the same
name is read through the per-user calls, as is everyone when the report cannot be had (access
denied, or not ready within REPORT_WAIT_SECONDS). The report's `<root_account>` row is not used
here: the root user is the Account resource's (account.settings).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ringfence.model import AccessKey, IamUser
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.errors import ACCESS_DENIED
from ringfence.sources.aws.registry import collector
from ringfence.sources.aws.session import DEFAULT_HOME_REGION, PARTITION_HOME

REPORT_WAIT_SECONDS = 5.0
# Answers that mean "no report for us now": fall back to the per-user calls, which read the same
# facts, so no coverage gap is recorded for them.
REPORT_UNAVAILABLE = tuple(
    sorted(ACCESS_DENIED | {"ReportInProgress", "ReportNotPresent", "ReportExpired", "LimitExceeded"})
)
NO_VALUE = {"", "N/A", "no_information", "not_supported"}


@dataclass(frozen=True, slots=True)
class CredentialReport:
    rows: Mapping[str, Mapping[str, str]]  # by user ARN
    generated: str | None


@collector(
    "iam.users",
    service="iam",
    scope="global",
    iam_actions=(
        "iam:ListUsers",
        "iam:GenerateCredentialReport",
        "iam:GetCredentialReport",
        "iam:GetLoginProfile",
        "iam:ListMFADevices",
        "iam:ListAccessKeys",
        "iam:GetAccessKeyLastUsed",
    ),
    produces=(IamUser,),
)
def collect_users(ctx: CollectContext) -> Iterator[IamUser]:
    region = ctx.factory.options.home_region or PARTITION_HOME.get(ctx.partition, DEFAULT_HOME_REGION)
    users = ctx.paginate("list_users", "Users", region=region)
    report = credential_report(ctx, region) if users else None
    for user in users:
        row = report.rows.get(str(user["Arn"])) if report else None
        if report and row and _same_user(user, row):
            yield _from_report(ctx, region, user, row, report.generated)
        else:
            yield _from_api(ctx, region, user)


def credential_report(ctx: CollectContext, region: str) -> CredentialReport | None:
    """The account's credential report, or None when it cannot be had within the wait."""
    deadline = time.monotonic() + REPORT_WAIT_SECONDS
    delay = 0.2
    while True:
        state = ctx.call("generate_credential_report", region=region, absent=REPORT_UNAVAILABLE)
        if state.absent or state.error:
            return None
        if state.data.get("State") == "COMPLETE":
            break
        if time.monotonic() + delay > deadline:
            return None
        time.sleep(delay)
        delay = min(delay * 2, 1.0)
    got = ctx.call("get_credential_report", region=region, absent=REPORT_UNAVAILABLE)
    if got.absent or got.error or got.data.get("ReportFormat", "text/csv") != "text/csv":
        return None
    content = got.data.get("Content", b"")
    text = content.decode("utf-8") if isinstance(content, bytes) else str(content)
    rows = {row["arn"]: row for row in csv.DictReader(io.StringIO(text)) if row.get("arn")}
    return CredentialReport(rows=rows, generated=_iso(got.data.get("GeneratedTime")))


def _from_report(
    ctx: CollectContext, region: str, user: Mapping[str, Any], row: Mapping[str, str], generated: str | None
) -> IamUser:
    unresolved: dict[str, str] = {}
    slots = [
        AccessKey(
            key_id=None,
            status="Active" if row.get(f"access_key_{n}_active") == "true" else "Inactive",
            created=_value(row.get(f"access_key_{n}_last_rotated")),
            last_used=_value(row.get(f"access_key_{n}_last_used_date")),
            slot=n,
        )
        for n in (1, 2)
        if _value(row.get(f"access_key_{n}_last_rotated"))
    ]
    keys: tuple[AccessKey, ...] = tuple(slots)
    if slots:  # the report does not name keys: learn their ids
        listed = ctx.call("list_access_keys", region=region, UserName=user["UserName"])
        if listed.error:
            unresolved["access_key_ids"] = listed.error
        else:
            keys = tuple(_with_ids(ctx, region, listed.data.get("AccessKeyMetadata", []), slots, unresolved))
    return _user(
        ctx,
        user,
        has_console_password=_flag(row.get("password_enabled")),
        mfa_active=_flag(row.get("mfa_active")),
        access_keys=keys,
        password_last_used=_value(row.get("password_last_used")),
        source="credential_report",
        report_generated=generated,
        unresolved=unresolved,
    )


def _with_ids(
    ctx: CollectContext,
    region: str,
    metadata: list[Mapping[str, Any]],
    slots: list[AccessKey],
    unresolved: dict[str, str],
) -> Iterator[AccessKey]:
    """The listed keys, each with the last use the report gives its slot (matched by creation time)."""
    for key in metadata:
        created = _iso(key.get("CreateDate"))
        slot = next((s for s in slots if s.created and created and _same_second(s.created, created)), None)
        last_used = slot.last_used if slot else _last_used(ctx, region, str(key["AccessKeyId"]), unresolved)
        yield AccessKey(
            key_id=str(key["AccessKeyId"]),
            status=str(key.get("Status", "")),
            created=created,
            last_used=last_used,
            slot=slot.slot if slot else None,
        )


def _from_api(ctx: CollectContext, region: str, user: Mapping[str, Any]) -> IamUser:
    name = str(user["UserName"])
    unresolved: dict[str, str] = {}
    profile = ctx.call("get_login_profile", region=region, absent=("NoSuchEntity",), UserName=name)
    if profile.error:
        unresolved["has_console_password"] = profile.error
    devices = ctx.call("list_mfa_devices", region=region, UserName=name)
    if devices.error:
        unresolved["mfa_active"] = devices.error
    listed = ctx.call("list_access_keys", region=region, UserName=name)
    if listed.error:
        unresolved["access_keys"] = listed.error
    count = None if devices.error else len(devices.data.get("MFADevices", []))
    return _user(
        ctx,
        user,
        has_console_password=None if profile.error else not profile.absent,
        mfa_active=None if count is None else count > 0,
        mfa_device_count=count,
        access_keys=tuple(
            AccessKey(
                key_id=str(k["AccessKeyId"]),
                status=str(k.get("Status", "")),
                created=_iso(k.get("CreateDate")),
                last_used=_last_used(ctx, region, str(k["AccessKeyId"]), unresolved),
            )
            for k in listed.data.get("AccessKeyMetadata", [])
        ),
        password_last_used=_iso(user.get("PasswordLastUsed")),
        unresolved=unresolved,
    )


def _user(ctx: CollectContext, user: Mapping[str, Any], **facts: Any) -> IamUser:
    name = str(user["UserName"])
    return IamUser(
        arn=str(user["Arn"]),
        native_id=name,
        account=ctx.account,
        region="",
        user_name=name,
        user_id=user.get("UserId"),
        path=str(user.get("Path", "/")),
        created=_iso(user.get("CreateDate")),
        **facts,
    )


def _last_used(ctx: CollectContext, region: str, key_id: str, unresolved: dict[str, str]) -> str | None:
    """When the key was last used (None: never); a failure is named in `unresolved`, not read as never."""
    reply = ctx.call("get_access_key_last_used", region=region, AccessKeyId=key_id)
    if reply.error:
        unresolved["access_key_last_used"] = reply.error
    return _iso((reply.data.get("AccessKeyLastUsed") or {}).get("LastUsedDate"))


def _same_user(user: Mapping[str, Any], row: Mapping[str, str]) -> bool:
    """False when the row belongs to an earlier user of the same name (deleted and re-created)."""
    created, reported = _iso(user.get("CreateDate")), _value(row.get("user_creation_time"))
    return not (created and reported) or _same_second(created, reported)


def _flag(text: str | None) -> bool | None:
    return {"true": True, "false": False}.get((text or "").strip().lower())


def _value(text: str | None) -> str | None:
    return None if text is None or text.strip() in NO_VALUE else text.strip()


def _iso(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(dt.UTC).isoformat()
    return _value(str(value)) if value is not None else None


def _same_second(a: str, b: str) -> bool:
    try:
        first, second = dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b)
    except ValueError:
        return a == b
    if first.tzinfo is None or second.tzinfo is None:
        first, second = first.replace(tzinfo=None), second.replace(tzinfo=None)
    return abs((first - second).total_seconds()) < 1
