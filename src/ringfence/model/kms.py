"""KMS keys."""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind


@resource_kind
@dataclass(frozen=True, kw_only=True)
class KmsKey(Resource):
    KIND = "kms.key"
    RESOURCE_TYPE = "AWS::KMS::Key"

    key_manager: str | None = None  # CUSTOMER | AWS
    key_spec: str | None = None  # SYMMETRIC_DEFAULT, RSA_2048, HMAC_256, ...
    key_usage: str | None = None
    key_state: str | None = None  # Enabled, Disabled, PendingDeletion, ...
    origin: str | None = None  # AWS_KMS | EXTERNAL | AWS_CLOUDHSM | EXTERNAL_KEY_STORE
    custom_key_store_id: str | None = None
    # Read only where automatic rotation exists (Enabled/Disabled symmetric CUSTOMER keys with
    # AWS_KMS key material); None elsewhere, without a gap.
    rotation_enabled: bool | None = None
    rotation_period_days: int | None = None
    aliases: tuple[str, ...] = ()  # alias names, e.g. "alias/aws/s3"
    policy: str | None = None  # JSON text of the default key policy
    multi_region: bool | None = None
