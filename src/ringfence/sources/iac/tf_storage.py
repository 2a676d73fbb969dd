"""Terraform storage -> model: aws_s3_bucket with the resources that configure it apart
(aws_s3_bucket_server_side_encryption_configuration, _public_access_block, _policy, _acl,
_website_configuration; provider v3's inline arguments too), and aws_efs_file_system.

Block Public Access: a bucket the plan creates without an aws_s3_bucket_public_access_block gets
S3's default for new buckets (recorded as None, "not declared", for the check to say); a bucket
that exists already keeps whatever it has, which the plan does not show (UNKNOWN).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ringfence.model import AclGrant, Bucket, EncryptionRule, FileSystem, PublicAccessBlock, Resource
from ringfence.sources.iac.cfn_storage import CANNED_ACL_GRANTS
from ringfence.sources.iac.terraform import (
    Plan,
    TfFields,
    TfResource,
    first_block,
    kms_key_ref,
    tf_finisher,
    tf_joins,
    tf_maps,
)
from ringfence.sources.iac.values import Unknown

BUCKETS = ("aws_s3_bucket",)
_PARTS = {
    "aws_s3_bucket_server_side_encryption_configuration": "encryption",
    "aws_s3_bucket_public_access_block": "public-access-block",
    "aws_s3_bucket_policy": "policy",
    "aws_s3_bucket_acl": "acl",
    "aws_s3_bucket_website_configuration": "website",
}


@tf_joins(*_PARTS)
def bucket_part(r: TfResource, plan: Plan) -> None:
    found = plan.target(r, ("bucket",), BUCKETS)
    target = found[0].address if found else f"elsewhere:{r.after.get('bucket') or r.address}"
    plan.file_for(_PARTS[r.type], target, r)


def _rules(f: TfFields, r: TfResource, plan: Plan, key: str) -> tuple[EncryptionRule, ...]:
    value = r.get(key)
    if isinstance(value, Unknown):
        if r.configured(key):
            f.unresolved["encryption_rules"] = value.reason
        return ()
    rules: list[EncryptionRule] = []
    for i, rule in enumerate(value or ()):
        default = (
            first_block(rule.get("apply_server_side_encryption_by_default")) if isinstance(rule, dict) else {}
        )
        algorithm = default.get("sse_algorithm")
        if isinstance(algorithm, str) and algorithm:
            path = (key, i, "apply_server_side_encryption_by_default", 0, "kms_master_key_id")
            rules.append(
                EncryptionRule(
                    sse_algorithm=algorithm,
                    kms_key_id=kms_key_ref(f, r, plan, path) or None,
                    bucket_key_enabled=rule.get("bucket_key_enabled")
                    if isinstance(rule.get("bucket_key_enabled"), bool)
                    else None,
                )
            )
        elif r.configured(key):
            f.unresolved["encryption_rules"] = f"{r.address}: the SSE algorithm is known only after apply"
    return tuple(rules)


def _grants(f: TfFields, r: TfResource) -> tuple[AclGrant, ...]:
    acl = r.get("acl")
    if isinstance(acl, Unknown):
        if r.configured("acl"):
            f.unresolved["acl_grants"] = acl.reason
        acl = None
    grants = [
        AclGrant(grantee_type="Group", permission=permission, grantee_uri=uri)
        for uri, permission in CANNED_ACL_GRANTS.get(str(acl or "").lower(), ())
    ]
    policy = first_block(r.after.get("access_control_policy"))
    for grant in policy.get("grant") or () if policy else ():
        grantee = first_block(grant.get("grantee")) if isinstance(grant, dict) else {}
        if grantee:
            grants.append(
                AclGrant(
                    grantee_type=str(grantee.get("type") or ""),
                    permission=str(grant.get("permission") or ""),
                    grantee_uri=grantee.get("uri") or None,
                    grantee_id=grantee.get("id") or None,
                )
            )
    return tuple(grants)


def _policy(f: TfFields, r: TfResource) -> str | None:
    value = r.get("policy")
    if isinstance(value, Unknown):
        if r.configured("policy"):
            f.unresolved["policy"] = (
                f"{r.address}.policy is known only after apply (it interpolates values computed then)"
            )
        return None
    if isinstance(value, dict):
        return json.dumps(value)
    return value if isinstance(value, str) and value else None


def _public_access_block(f: TfFields, r: TfResource) -> PublicAccessBlock | None:
    settings: dict[str, bool] = {}
    for name in ("block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"):
        value = f.boolean((name,), "public_access_block", False)
        settings[name] = bool(value)
    return None if "public_access_block" in f.unresolved else PublicAccessBlock(**settings)


@tf_maps(*BUCKETS)
def bucket(r: TfResource, plan: Plan) -> Iterator[Resource]:
    f = TfFields(r, plan)
    yield Bucket(
        **f.base(**_bucket_fields(f, r, plan, r.address, existing=r.action not in ("create", "replace")))
    )


def _bucket_fields(f: TfFields, r: TfResource, plan: Plan, target: str, *, existing: bool) -> dict[str, Any]:
    parts: dict[str, list[TfResource]] = {kind: plan.take(kind, target) for kind in set(_PARTS.values())}
    encryption = parts["encryption"]
    if encryption:
        rules = _rules(f, encryption[-1], plan, "rule")
    elif _inline(r, "server_side_encryption_configuration"):
        inline = first_block(r.get("server_side_encryption_configuration"))
        rules = _rules(f, _Inline(r, inline), plan, "rule")
    else:
        rules = ()
    block = parts["public-access-block"]
    pab = _public_access_block(f, block[-1]) if block else None
    if not block and existing:
        f.unresolved["public_access_block"] = (
            "the bucket exists already and this plan does not manage its Block Public Access"
        )
    acl_source = parts["acl"][-1] if parts["acl"] else r if _inline(r, "acl") else None
    policy_source = parts["policy"][-1] if parts["policy"] else r if _inline(r, "policy") else None
    return {
        "encryption_rules": rules,
        "public_access_block": pab,
        "acl_grants": _grants(f, acl_source) if acl_source else (),
        "policy": _policy(f, policy_source) if policy_source else None,
        "website_enabled": bool(parts["website"]) or (r.type in BUCKETS and r.configured("website")),
    }


def _inline(r: TfResource, key: str) -> bool:
    """Whether the bucket itself carries `key` (provider v3 arguments, or an existing bucket's state)."""
    if r.type not in BUCKETS:
        return False
    value = r.get(key)
    return r.configured(key) or (not isinstance(value, Unknown) and value not in (None, "", []))


def _Inline(r: TfResource, block: Any) -> TfResource:
    """The bucket's inline server_side_encryption_configuration block read like the separate resource."""
    unknown = (
        r.after_unknown.get("server_side_encryption_configuration")
        if isinstance(r.after_unknown, dict)
        else None
    )
    config = r.config.get("server_side_encryption_configuration")
    return TfResource(
        r.address, r.type, r.module, r.index, dict(block),
        first_block(unknown) if isinstance(unknown, list) else unknown or {},
        first_block(config) if isinstance(config, list) else {}, r.action,
    )  # fmt: skip


@tf_finisher
def parts_of_buckets_elsewhere(plan: Plan) -> Iterator[Resource]:
    """A bucket policy (or ACL) on a bucket the plan does not hold is judged on its own resource."""
    for kind in ("policy", "acl"):
        for target, items in plan.orphans(kind):
            if not target.startswith("elsewhere:"):
                continue
            r = items[-1]
            f = TfFields(r, plan)
            elsewhere = f"bucket {target[len('elsewhere:') :]} is not in this plan"
            has = {part: bool(plan.filed.get((part, target))) for part in ("policy", "acl")}
            fields = _bucket_fields(f, r, plan, target, existing=True)
            f.unresolved.update({"encryption_rules": elsewhere, "public_access_block": elsewhere})
            if not has["acl"]:
                f.unresolved["acl_grants"] = elsewhere
            if not has["policy"]:
                f.unresolved["policy"] = elsewhere
            yield Bucket(**f.base(**fields))


@tf_maps("aws_efs_file_system")
def file_system(r: TfResource, plan: Plan) -> Iterator[Resource]:
    f = TfFields(r, plan)
    yield FileSystem(
        **f.base(
            encrypted=f.boolean(("encrypted",), "encrypted", False),
            kms_key_id=kms_key_ref(f, r, plan, ("kms_key_id",)),
        )
    )
