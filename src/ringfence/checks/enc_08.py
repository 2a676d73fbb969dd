"""ENC-08: customer-managed KMS keys have automatic rotation on.

Judged: Enabled symmetric encryption CUSTOMER keys (KeySpec SYMMETRIC_DEFAULT) whose key material
KMS made (Origin AWS_KMS) outside custom key stores. Not applicable: AWS-managed keys (AWS rotates
them yearly and the setting cannot be changed), asymmetric and HMAC keys, imported key material
(EXTERNAL), custom key stores (AWS_CLOUDHSM, EXTERNAL_KEY_STORE), and keys that are not Enabled.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import KmsKey, Remediation, Severity

META = CheckMeta(
    id="ENC-08",
    title="Customer-managed KMS keys have automatic rotation on",
    severity=Severity.MEDIUM,
    rationale=(
        "Automatic rotation gives a key new key material every year (or the period set) while old "
        "ciphertext stays readable, limiting how much data one key material protects."
    ),
    remediation=Remediation(
        text="Turn on automatic rotation for the key (for a multi-Region key, on its primary key).",
        cli="aws kms enable-key-rotation --key-id KEY_ID --rotation-period-in-days 365",
        cloudformation="Type: AWS::KMS::Key\nProperties:\n  EnableKeyRotation: true",
        terraform='resource "aws_kms_key" "data" {\n  enable_key_rotation = true\n}',
    ),
    modes=("live", "iac"),
    resource_types=(KmsKey.KIND,),
    tested_with=(
        "moto server; Inventory built directly for AWS-managed and custom key store keys; IaC templates (tests/iac)"
    ),
    frameworks=Mapping_(cis=("3.6",), fsbp=("KMS.4",), nist_800_53=("SC-12",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for key in ctx.inventory.of(KmsKey):
        reason = key.unknown("key_manager", "key_spec", "origin", "key_state", "custom_key_store_id")
        if reason or None in (key.key_manager, key.key_spec, key.key_state):
            yield unknown(key, f"the key's type is not known: {reason or 'not stated'}")
            continue
        excluded = _not_applicable(key)
        if excluded:
            yield not_applicable(key, excluded)
            continue
        reason = key.unknown("rotation_enabled")
        if reason or key.rotation_enabled is None:
            yield unknown(key, f"rotation status not known: {reason or 'not reported'}")
        elif key.rotation_enabled:
            period = f" every {key.rotation_period_days} days" if key.rotation_period_days else ""
            yield passed(key, f"automatic rotation is on{period}")
        else:
            where = " (set it on the primary key)" if key.multi_region else ""
            yield failed(key, f"key {_label(key)} does not rotate automatically{where}")


def _not_applicable(key: KmsKey) -> str | None:
    if key.key_manager != "CUSTOMER":
        return f"{key.key_manager}-managed key: AWS rotates it; its rotation cannot be configured"
    if key.key_spec != "SYMMETRIC_DEFAULT":
        return f"{key.key_spec} key: automatic rotation exists only for symmetric encryption keys"
    if key.custom_key_store_id or key.origin in ("AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"):
        return "key in a custom key store: it cannot rotate automatically"
    if key.origin != "AWS_KMS":
        return f"key material of origin {key.origin} (imported): it cannot rotate automatically"
    if key.key_state != "Enabled":
        return f"key is {key.key_state}: only Enabled keys are judged"
    return None


def _label(key: KmsKey) -> str:
    return f"{key.native_id} ({', '.join(key.aliases)})" if key.aliases else key.native_id
