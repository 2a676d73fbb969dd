from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, KmsKey, Status

from support import ACCOUNT, REGION, Aws, status_of


def test_rotation_on_passes_off_fails_and_other_keys_are_not_applicable(aws: Aws) -> None:
    kms = aws.client("kms")
    rotating = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotating)
    stale = kms.create_key()["KeyMetadata"]["KeyId"]
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    hmac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
    disabled = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=disabled)

    result = aws.scan(controls=["ENC-08"])

    assert status_of(result, "ENC-08", rotating) is Status.PASS
    assert status_of(result, "ENC-08", stale) is Status.FAIL
    assert status_of(result, "ENC-08", signing) is Status.NOT_APPLICABLE
    assert status_of(result, "ENC-08", hmac) is Status.NOT_APPLICABLE
    assert status_of(result, "ENC-08", disabled) is Status.NOT_APPLICABLE


def test_aws_managed_imported_and_custom_store_keys_are_not_applicable() -> None:
    def key(key_id: str, **kw: object) -> KmsKey:
        fields = {
            "key_manager": "CUSTOMER",
            "key_spec": "SYMMETRIC_DEFAULT",
            "origin": "AWS_KMS",
            "key_state": "Enabled",
        }
        fields.update(kw)
        return KmsKey(
            arn=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}",
            native_id=key_id,
            account=ACCOUNT,
            region=REGION,
            **fields,  # type: ignore[arg-type]
        )

    inventory = Inventory(
        [
            key("managed", key_manager="AWS", aliases=("alias/aws/s3",), rotation_enabled=True),
            key("imported", origin="EXTERNAL"),
            key("hsm", origin="AWS_CLOUDHSM", custom_key_store_id="cks-1"),
            key("unread", rotation_enabled=None, unresolved={"rotation_enabled": "access denied: kms:X (Y)"}),
            key("off", rotation_enabled=False),
        ]
    )
    found = {
        f.resource_id.rsplit("/", 1)[-1]: f.status
        for f in evaluate(inventory, [all_checks()["ENC-08"]], strict=True)
    }

    assert found == {
        "managed": Status.NOT_APPLICABLE,
        "imported": Status.NOT_APPLICABLE,
        "hsm": Status.NOT_APPLICABLE,
        "unread": Status.UNKNOWN,
        "off": Status.FAIL,
    }
