"""CloudFormation storage -> model: S3 buckets (with their bucket policies) and EFS file systems.

A bucket's PublicAccessBlockConfiguration left out is recorded as None, "not declared": what that
means for a new bucket (S3 has turned all four settings on for new buckets since April 2023) is for
the check to say. A bucket policy on a bucket the files do not declare is still judged, on a
bucket of its own whose other settings are not known.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ringfence.model import AclGrant, Bucket, EncryptionRule, FileSystem, PublicAccessBlock, Resource
from ringfence.sources.iac import values as v
from ringfence.sources.iac.cloudformation import (
    Declared,
    Fields,
    Unit,
    finisher,
    ident,
    joins,
    maps,
    policy_text,
    tags,
)

BUCKET = "AWS::S3::Bucket"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
# Canned ACLs (CloudFormation spelling and the S3 API's) -> their grants beyond the owner's.
CANNED_ACL_GRANTS: dict[str, tuple[tuple[str, str], ...]] = {
    "publicread": ((ALL_USERS, "READ"),),
    "public-read": ((ALL_USERS, "READ"),),
    "publicreadwrite": ((ALL_USERS, "READ"), (ALL_USERS, "WRITE")),
    "public-read-write": ((ALL_USERS, "READ"), (ALL_USERS, "WRITE")),
    "authenticatedread": ((AUTHENTICATED_USERS, "READ"),),
    "authenticated-read": ((AUTHENTICATED_USERS, "READ"),),
}
_PAB_FIELDS = (
    ("BlockPublicAcls", "block_public_acls"),
    ("IgnorePublicAcls", "ignore_public_acls"),
    ("BlockPublicPolicy", "block_public_policy"),
    ("RestrictPublicBuckets", "restrict_public_buckets"),
)


def canned_acl_grants(f: Fields, value: Any, prop: str) -> tuple[AclGrant, ...]:
    if value is None:
        return ()
    text = f.text(value, "acl_grants", prop)
    if text is None:
        return ()
    return tuple(
        AclGrant(grantee_type="Group", permission=permission, grantee_uri=uri)
        for uri, permission in CANNED_ACL_GRANTS.get(text.lower(), ())
    )


def public_access_block(
    f: Fields, value: Any, spelling: tuple[tuple[str, str], ...] = _PAB_FIELDS
) -> PublicAccessBlock | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        f.note("public_access_block", "PublicAccessBlockConfiguration", value)
        return None
    settings = {
        name: f.boolean(value.get(prop), "public_access_block", prop, False) for prop, name in spelling
    }
    if "public_access_block" in f.unresolved:
        return None
    return PublicAccessBlock(**{k: bool(x) for k, x in settings.items()})


def _encryption_rules(f: Fields, value: Any) -> tuple[EncryptionRule, ...]:
    if value is None:
        return ()
    configuration = value.get("ServerSideEncryptionConfiguration") if isinstance(value, dict) else value
    if not isinstance(configuration, list):
        f.note("encryption_rules", "BucketEncryption", configuration)
        return ()
    rules: list[EncryptionRule] = []
    for item in configuration:
        default = item.get("ServerSideEncryptionByDefault") if isinstance(item, dict) else None
        if not isinstance(default, dict):
            f.note("encryption_rules", "ServerSideEncryptionConfiguration", item)
            continue
        algorithm = f.text(default.get("SSEAlgorithm"), "encryption_rules", "SSEAlgorithm")
        if algorithm is not None:
            rules.append(
                EncryptionRule(
                    sse_algorithm=algorithm,
                    kms_key_id=ident(default.get("KMSMasterKeyID")),
                    bucket_key_enabled=v.to_bool(item.get("BucketKeyEnabled")),
                )
            )
    return tuple(rules)


@joins("AWS::S3::BucketPolicy")
def bucket_policy(d: Declared, unit: Unit) -> None:
    target = unit.find(d.get("Bucket"), (BUCKET,), "BucketName")
    text, reason = policy_text(d.get("PolicyDocument"))
    if target is not None:
        unit.file("bucket-policy", target.qid, (text, reason))
    else:
        unit.file("bucket-policy-orphan", d.qid, (d, text, reason))


@maps(BUCKET)
def bucket(d: Declared, unit: Unit) -> Iterator[Resource]:
    f = Fields(d, unit)
    policies = unit.take("bucket-policy", d.qid)
    text, reason = policies[-1] if policies else (None, None)
    if reason:
        f.unresolved["policy"] = f"bucket policy: {reason}"
    yield Bucket(
        **f.base(
            encryption_rules=_encryption_rules(f, d.get("BucketEncryption")),
            public_access_block=public_access_block(f, d.get("PublicAccessBlockConfiguration")),
            acl_grants=canned_acl_grants(f, d.get("AccessControl"), "AccessControl"),
            policy=text,
            website_enabled=d.has("WebsiteConfiguration"),
        )
    )


@finisher
def policies_of_buckets_declared_elsewhere(unit: Unit) -> Iterator[Resource]:
    for _, items in unit.orphans("bucket-policy-orphan"):
        for d, text, reason in items:
            f = Fields(d, unit)
            target = v.display(d.get("Bucket")) or "?"
            elsewhere = f"bucket {target} is not declared in these files"
            f.unresolved.update(
                {"encryption_rules": elsewhere, "public_access_block": elsewhere, "acl_grants": elsewhere}
            )
            if reason:
                f.unresolved["policy"] = f"bucket policy: {reason}"
            yield Bucket(**f.base(policy=text))


@maps("AWS::EFS::FileSystem")
def file_system(d: Declared, unit: Unit) -> Iterator[Resource]:
    f = Fields(d, unit)
    yield FileSystem(
        **f.base(
            tags=tags(d.get("FileSystemTags")),
            encrypted=f.boolean(d.get("Encrypted"), "encrypted", "Encrypted", False),
            kms_key_id=ident(d.get("KmsKeyId")),
        )
    )
