"""Account-wide and per-region settings: things that are not resources but are judged like them."""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind


@dataclass(frozen=True, slots=True)
class PublicAccessBlock:
    block_public_acls: bool = False
    ignore_public_acls: bool = False
    block_public_policy: bool = False
    restrict_public_buckets: bool = False

    @property
    def all_on(self) -> bool:
        return (
            self.block_public_acls
            and self.ignore_public_acls
            and self.block_public_policy
            and self.restrict_public_buckets
        )

    def off_settings(self) -> list[str]:
        names = {
            "BlockPublicAcls": self.block_public_acls,
            "IgnorePublicAcls": self.ignore_public_acls,
            "BlockPublicPolicy": self.block_public_policy,
            "RestrictPublicBuckets": self.restrict_public_buckets,
        }
        return [name for name, on in names.items() if not on]


@resource_kind
@dataclass(frozen=True, kw_only=True)
class Account(Resource):
    """One AWS account; `arn` and `native_id` are the account id (findings on it use the id)."""

    KIND = "account"
    RESOURCE_TYPE = "AWS::::Account"

    partition: str = "aws"
    root_mfa_enabled: bool | None = None
    root_access_keys_present: bool | None = None
    # None: no account-level configuration exists, which AWS treats as all four settings off.
    s3_public_access_block: PublicAccessBlock | None = None


@resource_kind
@dataclass(frozen=True, kw_only=True)
class RegionSettings(Resource):
    """The per-region account settings; `arn` is ACCOUNT/REGION as controls.yaml asks."""

    KIND = "region"
    RESOURCE_TYPE = "AWS::::Region"

    ebs_encryption_by_default: bool | None = None
