from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Account, IamUser, Inventory, Status

from support import ACCOUNT, Aws, findings_for, status_of


def _user(aws: Aws, name: str, *, console: bool, mfa: bool = False) -> str:
    iam = aws.client("iam")
    arn = str(iam.create_user(UserName=name)["User"]["Arn"])
    if console:
        iam.create_login_profile(UserName=name, Password="Rf-Example-Passw0rd!")
    if mfa:
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
        iam.enable_mfa_device(
            UserName=name, SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321"
        )
    return arn


def test_console_users_need_mfa_and_root_is_judged_on_the_account(aws: Aws) -> None:
    without = _user(aws, "alice", console=True)
    with_mfa = _user(aws, "bob", console=True, mfa=True)
    service = _user(aws, "deploy", console=False)

    result = aws.scan(controls=["IAM-02"])

    assert status_of(result, "IAM-02", without) is Status.FAIL
    assert status_of(result, "IAM-02", with_mfa) is Status.PASS
    assert status_of(result, "IAM-02", service) is Status.NOT_APPLICABLE
    root = [f for f in findings_for(result, "IAM-02") if f.resource_id == ACCOUNT]
    assert [f.status for f in root] == [Status.FAIL]  # moto always reads root MFA as off
    assert root[0].resource_type == "AWS::::Account"


def test_root_with_mfa_passes_and_unreadable_facts_are_unknown() -> None:
    account = Account(arn=ACCOUNT, native_id=ACCOUNT, account=ACCOUNT, region="", root_mfa_enabled=True)
    unread = IamUser(
        arn=f"arn:aws:iam::{ACCOUNT}:user/carol",
        native_id="carol",
        account=ACCOUNT,
        region="",
        user_name="carol",
        has_console_password=True,
        unresolved={"mfa_active": "access denied: iam:ListMFADevices (AccessDenied)"},
    )
    findings = evaluate(Inventory([account, unread]), [all_checks()["IAM-02"]], strict=True)
    by_id = {f.resource_id: f for f in findings}
    assert by_id[ACCOUNT].status is Status.PASS
    assert by_id[unread.arn].status is Status.UNKNOWN
    assert "ListMFADevices" in by_id[unread.arn].message
