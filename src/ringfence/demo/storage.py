"""Data at rest: customer-managed KMS keys, S3 buckets and EFS file systems."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ringfence.demo.kit import DemoAws, Workload, tag_list

ALL_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


@dataclass(frozen=True, slots=True)
class Key:
    key_id: str
    arn: str
    alias: str


def kms_key(aws: DemoAws, wl: Workload, name: str, description: str, *, rotation: bool = True) -> Key:
    """A symmetric customer-managed key with an alias (alias/<prefix>-<name>), rotating if asked."""
    kms = aws.client("kms", wl.region)
    meta = kms.create_key(
        Description=description,
        KeyUsage="ENCRYPT_DECRYPT",
        KeySpec="SYMMETRIC_DEFAULT",
        Tags=[{"TagKey": k, "TagValue": v} for k, v in wl.tags(name).items()],
    )["KeyMetadata"]
    alias = f"alias/{wl.name(name)}"
    kms.create_alias(AliasName=alias, TargetKeyId=meta["KeyId"])
    if rotation:
        kms.enable_key_rotation(KeyId=meta["KeyId"])
    return Key(key_id=str(meta["KeyId"]), arn=str(meta["Arn"]), alias=alias)


@dataclass(frozen=True, slots=True)
class Encryption:
    """A bucket's default encryption: SSE-KMS with a key (id, ARN or alias), or SSE-S3."""

    algorithm: str  # aws:kms | AES256
    key: str | None = None

    def rule(self) -> dict[str, Any]:
        default: dict[str, str] = {"SSEAlgorithm": self.algorithm}
        if self.key:
            default["KMSMasterKeyID"] = self.key
        return {
            "ApplyServerSideEncryptionByDefault": default,
            "BucketKeyEnabled": self.algorithm == "aws:kms",
        }


def sse_kms(key: str) -> Encryption:
    return Encryption("aws:kms", key)


SSE_S3 = Encryption("AES256")


def tls_only_policy(bucket: str) -> dict[str, Any]:
    """The usual "deny anything not over TLS" statement on a bucket and its objects."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def bucket(
    aws: DemoAws,
    wl: Workload,
    name: str,
    encryption: Encryption,
    *,
    region: str | None = None,
    block_public: Mapping[str, bool] | None = ALL_BLOCKED,
    statements: Sequence[Mapping[str, Any]] = (),
    tls_only: bool = True,
) -> str:
    """A bucket named <prefix>-<name>-<account> with default encryption, tags, bucket-level Block
    Public Access (None: no configuration at all) and a policy of the given statements."""
    region = region or wl.region
    s3 = aws.client("s3", region)
    bucket_name = f"{wl.name(name)}-{aws.account_id}"
    create: dict[str, Any] = {"Bucket": bucket_name}
    if region != "us-east-1":
        create["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**create)
    s3.put_bucket_tagging(Bucket=bucket_name, Tagging={"TagSet": tag_list(wl.tags(name))})
    s3.put_bucket_encryption(
        Bucket=bucket_name, ServerSideEncryptionConfiguration={"Rules": [encryption.rule()]}
    )
    if block_public is not None:
        s3.put_public_access_block(Bucket=bucket_name, PublicAccessBlockConfiguration=dict(block_public))
    policy = [*statements, tls_only_policy(bucket_name)] if tls_only else list(statements)
    if policy:
        s3.put_bucket_policy(
            Bucket=bucket_name, Policy=json.dumps({"Version": "2012-10-17", "Statement": policy})
        )
    return bucket_name


def file_system(
    aws: DemoAws,
    wl: Workload,
    name: str,
    *,
    key: Key | None,
    mount_subnets: Sequence[str] = (),
    group_ids: Sequence[str] = (),
) -> str:
    """An EFS file system (encrypted with `key`, or unencrypted without one) and its mount targets."""
    efs = aws.client("efs", wl.region)
    args: dict[str, Any] = {
        "CreationToken": wl.name(name),
        "PerformanceMode": "generalPurpose",
        "Encrypted": key is not None,
        "Tags": tag_list(wl.tags(name)),
    }
    if key is not None:
        args["KmsKeyId"] = key.arn
    fs_id = str(efs.create_file_system(**args)["FileSystemId"])
    for subnet_id in mount_subnets:
        efs.create_mount_target(FileSystemId=fs_id, SubnetId=subnet_id, SecurityGroups=list(group_ids))
    return fs_id
