"""S3: general purpose buckets, each read in its own region.

ListBuckets runs once per account (scope "global") and lists only the buckets the account owns.
A bucket's region is ListBuckets' BucketRegion where AWS returns it (it does for paginated requests),
else GetBucketLocation's answer; every other call about the bucket goes to that region, and a gap
it causes is recorded there. Absent configurations are normal states, not gaps: no encryption
configuration, no public access block, no policy, no website, no tags.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ringfence.model import AclGrant, Bucket, EncryptionRule, PublicAccessBlock
from ringfence.sources.aws.context import CollectContext, Reply, tags_of
from ringfence.sources.aws.registry import collector
from ringfence.sources.aws.session import DEFAULT_HOME_REGION, PARTITION_HOME

# The most a ListBuckets page may hold. Asking for pages at all matters: accounts with a bucket
# quota above 10,000 must list with pagination, and paginated answers carry BucketRegion.
LIST_PAGE_SIZE = 10_000
BUCKET_WORKERS = 8


@collector(
    "s3.buckets",
    service="s3",
    scope="global",
    iam_actions=(
        "s3:ListAllMyBuckets",
        "s3:GetBucketLocation",
        "s3:GetEncryptionConfiguration",
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketAcl",
        "s3:GetBucketPolicy",
        "s3:GetBucketWebsite",
        "s3:GetBucketTagging",
    ),
    produces=(Bucket,),
)
def collect_buckets(ctx: CollectContext) -> Iterator[Bucket]:
    home = ctx.factory.options.home_region or PARTITION_HOME.get(ctx.partition, DEFAULT_HOME_REGION)
    listed = ctx.paginate("list_buckets", "Buckets", region=home, MaxBuckets=LIST_PAGE_SIZE)
    # Seven calls a bucket add up in accounts with hundreds of buckets: read several at once.
    with ThreadPoolExecutor(max_workers=BUCKET_WORKERS, thread_name_prefix="s3-bucket") as pool:
        for bucket in pool.map(lambda item: _read_bucket(ctx, item, home), listed):
            if bucket is not None:
                yield bucket


def location_region(constraint: str | None) -> str:
    """GetBucketLocation's LocationConstraint as a region name: none means us-east-1, "EU" eu-west-1."""
    if not constraint:
        return "us-east-1"
    return "eu-west-1" if constraint == "EU" else constraint


def _read_bucket(ctx: CollectContext, item: dict[str, Any], home: str) -> Bucket | None:
    name = str(item["Name"])
    unresolved: dict[str, str] = {}
    region = str(item.get("BucketRegion") or "")
    if not region:
        loc = ctx.call("get_bucket_location", region=home, absent=("NoSuchBucket",), Bucket=name)
        if loc.absent:
            return None  # deleted since the listing
        if loc.error:
            unresolved["region"] = loc.error  # later calls still reach it: botocore follows S3's redirect
        else:
            region = location_region(loc.data.get("LocationConstraint"))

    def read(operation: str, *absent: str) -> Reply:
        return ctx.call(operation, region=region or home, absent=absent, Bucket=name)

    encryption = read("get_bucket_encryption", "ServerSideEncryptionConfigurationNotFoundError")
    pab = read("get_public_access_block", "NoSuchPublicAccessBlockConfiguration")
    acl = read("get_bucket_acl")
    policy = read("get_bucket_policy", "NoSuchBucketPolicy")
    website = read("get_bucket_website", "NoSuchWebsiteConfiguration")
    tagging = read("get_bucket_tagging", "NoSuchTagSet")
    for field_name, reply in (
        ("encryption_rules", encryption),
        ("public_access_block", pab),
        ("acl_grants", acl),
        ("policy", policy),
        ("website_enabled", website),
        ("tags", tagging),
    ):
        if reply.error:
            unresolved[field_name] = reply.error
    return Bucket(
        arn=f"arn:{ctx.partition}:s3:::{name}",
        native_id=name,
        account=ctx.account,
        region=region,
        tags=tags_of(tagging.data.get("TagSet")),
        encryption_rules=_encryption_rules(encryption.data),
        public_access_block=_public_access_block(pab.data),
        acl_grants=_acl_grants(acl.data),
        policy=policy.data.get("Policy"),
        website_enabled=None if website.error else not website.absent,
        unresolved=unresolved,
    )


def _encryption_rules(data: dict[str, Any]) -> tuple[EncryptionRule, ...]:
    rules = data.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    out: list[EncryptionRule] = []
    for rule in rules:
        default = rule.get("ApplyServerSideEncryptionByDefault") or {}
        if not default.get("SSEAlgorithm"):
            continue
        out.append(
            EncryptionRule(
                sse_algorithm=str(default["SSEAlgorithm"]),
                kms_key_id=default.get("KMSMasterKeyID") or None,
                bucket_key_enabled=rule.get("BucketKeyEnabled"),
            )
        )
    return tuple(out)


def _public_access_block(data: dict[str, Any]) -> PublicAccessBlock | None:
    conf = data.get("PublicAccessBlockConfiguration")
    if conf is None:
        return None
    return PublicAccessBlock(
        block_public_acls=bool(conf.get("BlockPublicAcls")),
        ignore_public_acls=bool(conf.get("IgnorePublicAcls")),
        block_public_policy=bool(conf.get("BlockPublicPolicy")),
        restrict_public_buckets=bool(conf.get("RestrictPublicBuckets")),
    )


def _acl_grants(data: dict[str, Any]) -> tuple[AclGrant, ...]:
    grants: list[AclGrant] = []
    for grant in data.get("Grants", []):
        grantee = grant.get("Grantee") or {}
        grants.append(
            AclGrant(
                grantee_type=str(grantee.get("Type", "")),
                permission=str(grant.get("Permission", "")),
                grantee_uri=grantee.get("URI"),
                grantee_id=grantee.get("ID") or grantee.get("EmailAddress"),
            )
        )
    return tuple(grants)
