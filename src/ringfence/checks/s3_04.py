"""S3-04: data buckets accept access only through the organisation's VPC endpoints.

Data buckets: tagged params.data_bucket_tag ("KEY=VALUE|VALUE", key matched case-insensitively,
values case-insensitively), or named in params.data_buckets. Each must have Deny statements for
everyone, on every S3 action, covering the bucket and its objects, unless aws:SourceVpce or
aws:SourceVpc matches (StringNotEquals / StringNotEqualsIfExists / StringNotLike on those keys). Every
endpoint and VPC the Deny lets through must belong to the scanned estate: an id the inventory does not
hold fails, or is UNKNOWN when the VPC endpoint (or VPC) listing was incomplete; a wildcard fails.
Other condition keys in the same Deny narrow it (it then denies only requests matching them too): the
message names them. Buckets that are not data buckets are not applicable; a bucket whose tags could
not be read is UNKNOWN unless named.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.bucket_policies import (
    acts_on_all_s3,
    applies_to_everyone,
    combined,
    condition_values,
    other_condition_keys,
    partition_of,
)
from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.support import Statement, parse_policy
from ringfence.model import Bucket, Inventory, Remediation, Severity, Vpc, VpcEndpoint

NEGATED = ("StringNotEquals", "StringNotEqualsIfExists", "StringNotLike", "StringNotLikeIfExists")
KEYS = ("aws:SourceVpce", "aws:SourceVpc")

META = CheckMeta(
    id="S3-04",
    title="Data buckets accept access only through the organisation's VPC endpoints",
    severity=Severity.MEDIUM,
    rationale=(
        "Credentials leak; a data bucket that refuses every request not arriving through the estate's "
        "own VPC endpoints makes stolen keys useless from anywhere else, including another AWS account."
    ),
    remediation=Remediation(
        text=(
            "Add a Deny for Principal '*', Action s3:*, on the bucket and its objects, with Condition "
            "StringNotEquals aws:SourceVpce naming the estate's S3 endpoints (or aws:SourceVpc its VPCs)."
        ),
        cli=(
            'aws s3api put-bucket-policy --bucket BUCKET --policy \'{"Version":"2012-10-17","Statement":'
            '[{"Sid":"OnlyThroughOurEndpoints","Effect":"Deny","Principal":"*","Action":"s3:*",'
            '"Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],'
            '"Condition":{"StringNotEquals":{"aws:SourceVpce":["vpce-0123456789abcdef0"]}}}]}\''
        ),
        cloudformation=(
            "Type: AWS::S3::BucketPolicy\nProperties:\n  Bucket: !Ref DataBucket\n  PolicyDocument:\n"
            "    Statement:\n      - Sid: OnlyThroughOurEndpoints\n        Effect: Deny\n        Principal: '*'\n"
            "        Action: 's3:*'\n        Resource: [!GetAtt DataBucket.Arn, !Sub '${DataBucket.Arn}/*']\n"
            "        Condition:\n          StringNotEquals:\n            aws:SourceVpce: !Ref S3Endpoint"
        ),
        terraform=(
            'data "aws_iam_policy_document" "endpoint_only" {\n  statement {\n    effect    = "Deny"\n'
            '    actions   = ["s3:*"]\n    resources = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]\n'
            '    principals {\n      type        = "*"\n      identifiers = ["*"]\n    }\n'
            '    condition {\n      test     = "StringNotEquals"\n      variable = "aws:SourceVpce"\n'
            "      values   = [aws_vpc_endpoint.s3.id]\n    }\n  }\n}"
        ),
    ),
    modes=("live",),
    resource_types=(Bucket.KIND, VpcEndpoint.KIND, Vpc.KIND),
    tested_with="moto server; Inventory built directly for incomplete endpoint listings",
    frameworks=Mapping_(nist_800_53=("AC-3", "SC-7")),
)


class DataBuckets:
    def __init__(self, tag_spec: str | None, names: list[str]) -> None:
        key, _, values = (tag_spec or "").partition("=")
        self.key = key.strip()
        self.values = {v.strip().lower() for v in values.split("|") if v.strip()}
        self.names = {str(n) for n in names}

    def describe(self) -> str:
        return f"tag {self.key}={'|'.join(sorted(self.values))}" if self.key else "no data bucket tag"

    def is_data(self, bucket: Bucket) -> bool | None:
        if bucket.native_id in self.names:
            return True
        if bucket.unknown("tags"):
            return None
        value = bucket.tag(self.key) if self.key else None
        return value is not None and (not self.values or value.strip().lower() in self.values)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    data = DataBuckets(ctx.params.get("data_bucket_tag"), list(ctx.params.get("data_buckets") or ()))
    for bucket in ctx.inventory.of(Bucket):
        verdict = data.is_data(bucket)
        if verdict is None:
            yield unknown(
                bucket, f"bucket {bucket.native_id}: its tags could not be read ({bucket.unknown('tags')})"
            )
        elif not verdict:
            yield not_applicable(
                bucket, f"bucket {bucket.native_id} is not a data bucket ({data.describe()})"
            )
        else:
            yield _judge(ctx.inventory, bucket)


def _endpoint_deny(statement: Statement) -> dict[str, list[str]] | None:
    """{condition key: values} of a Deny unless SourceVpce/SourceVpc matches, or None."""
    if statement.effect != "Deny":
        return None
    found = {key: condition_values(statement, NEGATED, key) for key in KEYS}
    kept = {k: v for k, v in found.items() if v}
    return kept or None


def _judge(inv: Inventory, bucket: Bucket) -> Outcome:
    name = f"data bucket {bucket.native_id}"
    reason = bucket.unknown("policy")
    if reason:
        return unknown(bucket, f"the policy of {name} could not be read: {reason}")
    try:
        statements = parse_policy(bucket.policy)
    except ValueError as exc:
        return unknown(bucket, f"the policy of {name} is not understood: {exc}")
    denies = [
        (s, c)
        for s in statements
        if (c := _endpoint_deny(s)) is not None and applies_to_everyone(s) and acts_on_all_s3(s)
    ]
    covered = combined((s for s, _ in denies), bucket.native_id, partition_of(bucket.arn))
    if not denies:
        return failed(
            bucket,
            f"{name} has no Deny for everyone and every S3 action unless aws:SourceVpce/aws:SourceVpc matches",
        )
    if not (covered.bucket and covered.objects):
        return failed(bucket, f"{name}: the VPC endpoint Deny does not cover {covered.describe_missing()}")
    return _allowed_ids(inv, bucket, name, denies)


def _allowed_ids(
    inv: Inventory, bucket: Bucket, name: str, denies: list[tuple[Statement, dict[str, list[str]]]]
) -> Outcome:
    endpoints = {e.native_id for e in inv.of(VpcEndpoint)}
    vpcs = {v.native_id for v in inv.of(Vpc)}
    kinds: dict[str, tuple[set[str], str]] = {
        "aws:SourceVpce": (endpoints, VpcEndpoint.KIND),
        "aws:SourceVpc": (vpcs, Vpc.KIND),
    }
    outside: list[str] = []
    unsure: list[str] = []
    named: list[str] = []
    for _, clause in denies:
        for key, values in clause.items():
            known, kind_name = kinds[key]
            for value in values:
                named.append(value)
                if "*" in value or "?" in value:
                    outside.append(f"{value} (a pattern: it matches endpoints outside the estate)")
                elif value not in known:
                    complete = not any(kind == kind_name for _, _, kind in inv.incomplete)
                    (outside if complete else unsure).append(value)
    narrowing = sorted({k for s, _ in denies for k in other_condition_keys(s, KEYS)})
    note = f"; the Deny applies only when {', '.join(narrowing)} also match" if narrowing else ""
    if outside:
        return failed(bucket, f"{name} lets through {', '.join(outside)}, not of the scanned estate{note}")
    if unsure:
        return unknown(
            bucket,
            f"{name} lets through {', '.join(unsure)}, which the inventory does not hold, and the endpoint or "
            "VPC listing was incomplete",
        )
    return passed(
        bucket, f"{name} denies every request not made through {', '.join(sorted(set(named)))}{note}"
    )
