import json

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, KmsKey, Status

from support import ACCOUNT, REGION, Aws, status_of

OWNER = {
    "Sid": "Owner",
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    "Action": "kms:*",
    "Resource": "*",
}


def _policy(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [OWNER, *statements]})


def test_open_and_restricted_key_policies(aws: Aws) -> None:
    kms = aws.client("kms")
    restricted = kms.create_key(
        Policy=_policy(
            {
                "Sid": "Organisation",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:Decrypt"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}},
            }
        )
    )["KeyMetadata"]["KeyId"]
    open_key = kms.create_key(
        Policy=_policy(
            {"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}
        )
    )["KeyMetadata"]["KeyId"]

    result = aws.scan(controls=["ENC-09"])

    assert status_of(result, "ENC-09", restricted) is Status.PASS
    assert status_of(result, "ENC-09", open_key) is Status.FAIL
    message = next(f.message for f in result.findings if f.resource_id.endswith(open_key))
    assert "Anyone" in message


def test_not_principal_aws_managed_unreadable_and_invalid_policies() -> None:
    def key(key_id: str, policy: str | None, manager: str = "CUSTOMER", reason: str | None = None) -> KmsKey:
        return KmsKey(
            arn=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}",
            native_id=key_id,
            account=ACCOUNT,
            region=REGION,
            key_manager=manager,
            policy=policy,
            unresolved={"policy": reason} if reason else {},
        )

    negated = {
        "Sid": "AllButOne",
        "Effect": "Allow",
        "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/x"},
        "Action": "kms:*",
        "Resource": "*",
    }
    secure_transport = {
        "Sid": "Tls",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "kms:Decrypt",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "true"}},
    }
    keys = [
        key("negated", _policy(negated)),
        key("tls-only", _policy(secure_transport)),  # SecureTransport restricts nothing in an Allow
        key("managed", _policy(secure_transport), manager="AWS"),
        key("unread", None, reason="access denied: kms:GetKeyPolicy (AccessDeniedException)"),
        key("garbled", "{not json"),
        key("owner-only", _policy()),
    ]
    found = {
        f.resource_id.rsplit("/", 1)[-1]: f.status
        for f in evaluate(Inventory(keys), [all_checks()["ENC-09"]], strict=True)
    }
    assert found == {
        "negated": Status.FAIL,
        "tls-only": Status.FAIL,
        "managed": Status.NOT_APPLICABLE,
        "unread": Status.UNKNOWN,
        "garbled": Status.UNKNOWN,
        "owner-only": Status.PASS,
    }
