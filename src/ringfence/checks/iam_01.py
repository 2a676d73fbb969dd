"""IAM-01: no long-lived access keys in use.

One finding per IAM user and one per account for the root user (on the Account resource, resource id
the account id). A user fails when an active access key is older than params.max_key_age_days, or
has gone unused that long; inactive keys cannot sign requests and are not judged. A key unused for N
days is necessarily older than N days, so age alone decides, and the message says both. A user with
no active key passes. The root user fails with any access key (GetAccountSummary
AccountAccessKeysPresent). Ages are counted to the time the check runs, from the credential report
(which AWS may cache for up to four hours) or the access-key APIs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import AccessKey, Account, IamUser, Remediation, Severity

META = CheckMeta(
    id="IAM-01",
    title="No long-lived access keys in use",
    severity=Severity.HIGH,
    rationale=(
        "An access key works from anywhere until someone deletes it: old and forgotten keys are the ones "
        "that leak through laptops, repositories and CI logs. A root access key cannot be restricted at all."
    ),
    remediation=Remediation(
        text=(
            "Replace long-lived keys with roles (instance profiles, IAM Roles Anywhere, IAM Identity Center "
            "for people); where a key must remain, create a new one, move its users over, deactivate and "
            "then delete the old one. Delete root access keys (signed in as root, Security credentials)."
        ),
        cli=(
            "aws iam create-access-key --user-name USER\n"
            "aws iam update-access-key --user-name USER --access-key-id OLD_KEY_ID --status Inactive\n"
            "aws iam delete-access-key --user-name USER --access-key-id OLD_KEY_ID"
        ),
        cloudformation=(
            "# Rotate by replacing the key resource: a new Serial creates a new key and deletes the old one\n"
            "Type: AWS::IAM::AccessKey\nProperties:\n  UserName: !Ref User\n  Serial: 2\n  Status: Active"
        ),
        terraform=(
            '# Prefer a role; where a key must exist, rotate it by replacing the resource\nresource "aws_iam_access_key" "ci" {\n'
            "  user = aws_iam_user.ci.name\n  lifecycle {\n    create_before_destroy = true\n  }\n}"
        ),
    ),
    modes=("live",),
    resource_types=(IamUser.KIND, Account.KIND),
    tested_with="moto server for fresh keys; old, unused and root keys via an Inventory (moto cannot backdate keys)",
    frameworks=Mapping_(
        cis=("1.4", "1.14"), fsbp=("IAM.3", "IAM.4", "IAM.8"), nist_800_53=("IA-5", "AC-2(3)")
    ),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    max_days = int(ctx.params.get("max_key_age_days", 90))
    now = dt.datetime.now(dt.UTC)
    for account in ctx.inventory.of(Account):
        yield _root(account)
    for user in ctx.inventory.of(IamUser):
        yield _user(user, max_days, now)


def _root(account: Account) -> Outcome:
    reason = account.unknown("root_access_keys_present")
    if reason or account.root_access_keys_present is None:
        return unknown(
            account, f"whether the root user has access keys is not known: {reason or 'not stated'}"
        )
    if account.root_access_keys_present:
        return failed(account, f"the root user of {account.native_id} has an access key")
    return passed(account, f"the root user of {account.native_id} has no access keys")


def _user(user: IamUser, max_days: int, now: dt.datetime) -> Outcome:
    name = user.user_name or user.native_id
    reason = user.unknown("access_keys")
    if reason:
        return unknown(user, f"the access keys of {name} could not be read: {reason}")
    active = [k for k in user.access_keys if k.active]
    if not active:
        return passed(user, f"{name} has no active access key")
    faults: list[str] = []
    not_known: list[str] = []
    for key in active:
        age = _days(key.created, now)
        if age is None:
            not_known.append(f"{_label(key)}: creation date not known")
            continue
        if age > max_days:
            faults.append(f"{_label(key)} is {age} days old{_use(key, now, user)}")
    as_of = f" (credential report of {user.report_generated})" if user.source == "credential_report" else ""
    if faults:
        return failed(user, f"{name}: {'; '.join(faults)}; the limit is {max_days} days{as_of}")
    if not_known:
        return unknown(user, f"{name}: {'; '.join(not_known)}")
    return passed(user, f"{name}'s active access keys are all {max_days} days old or less{as_of}")


def _use(key: AccessKey, now: dt.datetime, user: IamUser) -> str:
    if user.unknown("access_key_last_used"):
        return ""
    unused = _days(key.last_used, now)
    if key.last_used is None:
        return ", never used"
    return f", last used {unused} days ago" if unused is not None else ""


def _label(key: AccessKey) -> str:
    if key.key_id:
        return f"access key {key.key_id}"
    return f"access key {key.slot or '?'} (by the credential report's slot)"


def _days(iso: str | None, now: dt.datetime) -> int | None:
    if not iso:
        return None
    try:
        when = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return (now - when).days
