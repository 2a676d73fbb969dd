"""IAM-02: every console user and the root user have MFA.

One finding per IAM user (users without a console password are NOT_APPLICABLE) and one per account
for the root user, reported on the Account resource (resource id: the account id).
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Account, IamUser, Remediation, Severity

META = CheckMeta(
    id="IAM-02",
    title="Every console user and the root user have MFA",
    severity=Severity.HIGH,
    rationale=(
        "A console password alone is phished, guessed or reused; with MFA a stolen password does not "
        "open the console. The root user can do anything in the account, including closing it."
    ),
    remediation=Remediation(
        text=(
            "Enable an MFA device (a passkey or security key, or a virtual authenticator) for each console "
            "user (or remove the console password of users who do not need it). The root user's MFA is "
            "set up in the console, signed in as root (Security credentials)."
        ),
        cli=(
            "aws iam create-virtual-mfa-device --virtual-mfa-device-name USER --outfile qr.png "
            "--bootstrap-method QRCodePNG && aws iam enable-mfa-device --user-name USER "
            "--serial-number MFA_ARN --authentication-code1 CODE1 --authentication-code2 CODE2"
        ),
        cloudformation=(
            "Type: AWS::IAM::VirtualMFADevice\nProperties:\n  VirtualMfaDeviceName: USER\n  Users:\n    - USER"
        ),
        terraform=(
            'resource "aws_iam_virtual_mfa_device" "user" {\n  virtual_mfa_device_name = "USER"\n}\n'
            "# enabling it takes two codes from the device: aws iam enable-mfa-device"
        ),
    ),
    modes=("live",),
    resource_types=(IamUser.KIND, Account.KIND),
    tested_with="moto server; root MFA on via an Inventory (moto always reads root MFA as off)",
    frameworks=Mapping_(cis=("1.5", "1.10"), fsbp=("IAM.5",), nist_800_53=("IA-2(1)", "IA-2(2)")),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for account in ctx.inventory.of(Account):
        yield _root(account)
    for user in ctx.inventory.of(IamUser):
        yield _user(user)


def _root(account: Account) -> Outcome:
    reason = account.unknown("root_mfa_enabled")
    if reason or account.root_mfa_enabled is None:
        return unknown(account, f"root user MFA could not be read: {reason or 'not stated'}")
    if account.root_mfa_enabled:
        return passed(account, f"the root user of {account.native_id} has MFA")
    return failed(account, f"the root user of {account.native_id} has no MFA")


def _user(user: IamUser) -> Outcome:
    name = user.user_name or user.native_id
    reason = user.unknown("has_console_password")
    if reason or user.has_console_password is None:
        return unknown(user, f"whether {name} has a console password is not known: {reason or 'not stated'}")
    if not user.has_console_password:
        return not_applicable(user, f"{name} has no console password")
    as_of = f" (credential report of {user.report_generated})" if user.source == "credential_report" else ""
    reason = user.unknown("mfa_active")
    if reason or user.has_mfa is None:
        return unknown(
            user, f"the MFA devices of console user {name} could not be read: {reason or 'not stated'}"
        )
    if user.has_mfa:
        return passed(user, f"console user {name} has MFA{as_of}")
    return failed(user, f"console user {name} has a console password and no MFA device{as_of}")
