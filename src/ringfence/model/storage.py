"""S3 buckets and EFS file systems."""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.account import PublicAccessBlock
from ringfence.model.base import Resource, resource_kind


@dataclass(frozen=True, slots=True)
class EncryptionRule:
    sse_algorithm: str  # AES256 | aws:kms | aws:kms:dsse
    kms_key_id: str | None = None  # key id, key ARN, alias name or alias ARN
    bucket_key_enabled: bool | None = None


@dataclass(frozen=True, slots=True)
class AclGrant:
    grantee_type: str  # CanonicalUser | Group | AmazonCustomerByEmail
    permission: str
    grantee_uri: str | None = None
    grantee_id: str | None = None


@resource_kind
@dataclass(frozen=True, kw_only=True)
class Bucket(Resource):
    """A general purpose bucket; `region` is the bucket's own region (GetBucketLocation), `arn` is
    arn:PARTITION:s3:::NAME and `native_id` the name."""

    KIND = "s3.bucket"
    RESOURCE_TYPE = "AWS::S3::Bucket"

    # (): no default encryption configuration (AWS has applied SSE-S3 to every bucket since 2023).
    encryption_rules: tuple[EncryptionRule, ...] = ()
    # None: the bucket has no public access block configuration at all (all four off).
    public_access_block: PublicAccessBlock | None = None
    acl_grants: tuple[AclGrant, ...] = ()
    policy: str | None = None  # JSON text; None: no bucket policy
    website_enabled: bool | None = None


@resource_kind
@dataclass(frozen=True, kw_only=True)
class FileSystem(Resource):
    KIND = "efs.file_system"
    RESOURCE_TYPE = "AWS::EFS::FileSystem"

    encrypted: bool | None = None
    kms_key_id: str | None = None
    life_cycle_state: str | None = None
