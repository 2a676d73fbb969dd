"""S3-03: buckets served to the web go through CloudFront with origin access control.

Bucket: website hosting must be off (the website endpoint serves plain HTTP and needs a public
bucket). A bucket that is an S3 origin of the estate's distributions must grant, in its policy, only
the principal those distributions reach it with: the CloudFront service principal limited by
AWS:SourceArn to those distributions (OAC), or their origin access identities (OAI). Any other
principal in an Allow fails it, and so does the service principal without a SourceArn condition
(it lets every distribution of every account read the bucket).

Distribution: each S3 REST origin must use OAC or OAI; an origin that is a bucket's website endpoint
fails (no origin access can protect it). Distributions without S3 origins are not applicable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.checks.bucket_policies import condition_values, label
from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.support import Statement, parse_policy, principal_is_anyone
from ringfence.model import Bucket, Remediation, Severity
from ringfence.model.cloudfront import Distribution, Origin

CLOUDFRONT = "cloudfront.amazonaws.com"
OAI_PREFIX = "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity "
SOURCE_ARN_OPERATORS = ("StringEquals", "ArnEquals", "StringLike", "ArnLike")

META = CheckMeta(
    id="S3-03",
    title="Buckets served to the web go through CloudFront with origin access control",
    severity=Severity.MEDIUM,
    rationale=(
        "A website endpoint or an origin CloudFront reads without OAC/OAI needs a bucket anyone can "
        "read, which bypasses CloudFront's TLS, WAF and logging; a policy granting more than the "
        "distribution's own principal leaves that side door open."
    ),
    remediation=Remediation(
        text=(
            "Turn off website hosting, point the distribution at the bucket's REST endpoint with an "
            "origin access control, and grant s3:GetObject only to cloudfront.amazonaws.com with "
            "AWS:SourceArn set to the distribution's ARN."
        ),
        cli=(
            "aws s3api delete-bucket-website --bucket BUCKET\n"
            "aws cloudfront create-origin-access-control --origin-access-control-config "
            "Name=BUCKET-oac,SigningProtocol=sigv4,SigningBehavior=always,OriginAccessControlOriginType=s3"
        ),
        cloudformation=(
            "Type: AWS::S3::BucketPolicy\nProperties:\n  Bucket: !Ref Bucket\n  PolicyDocument:\n"
            "    Statement:\n      - Effect: Allow\n        Principal: {Service: cloudfront.amazonaws.com}\n"
            "        Action: s3:GetObject\n        Resource: !Sub '${Bucket.Arn}/*'\n        Condition:\n"
            "          StringEquals:\n            AWS:SourceArn: !Sub 'arn:aws:cloudfront::${AWS::AccountId}:distribution/${Distribution}'"
        ),
        terraform=(
            'resource "aws_cloudfront_origin_access_control" "site" {\n  name                              = "site"\n'
            '  origin_access_control_origin_type = "s3"\n  signing_behavior                  = "always"\n'
            '  signing_protocol                  = "sigv4"\n}'
        ),
    ),
    modes=("live",),
    resource_types=(Bucket.KIND, Distribution.KIND),
    tested_with="moto server for website hosting; Inventory built directly for CloudFront origins "
    "(moto's distribution listing drops origin access controls)",
    frameworks=Mapping_(fsbp=("CloudFront.13",), nist_800_53=("AC-3",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    served: dict[tuple[str, str], list[tuple[Distribution, Origin]]] = defaultdict(list)
    for dist in ctx.inventory.of(Distribution):
        for origin in dist.origins:
            if origin.s3_bucket:
                served[(dist.account, origin.s3_bucket)].append((dist, origin))
        yield _distribution(dist)
    for bucket in ctx.inventory.of(Bucket):
        yield _bucket(bucket, served.get((bucket.account, bucket.native_id), []))


def _distribution(dist: Distribution) -> Outcome:
    name = f"distribution {dist.display_name}"
    problems: list[str] = []
    s3_origins = 0
    for origin in dist.origins:
        website = origin.s3_website_bucket
        if website:
            s3_origins += 1
            problems.append(f"origin {origin.origin_id} is the website endpoint of bucket {website}")
        elif origin.s3_bucket or origin.kind == "s3":
            s3_origins += 1
            if not (origin.origin_access_control_id or origin.origin_access_identity):
                problems.append(f"origin {origin.origin_id} reads {origin.domain_name} without OAC or OAI")
    if not s3_origins:
        return not_applicable(dist, f"{name} has no S3 origin")
    if problems:
        return failed(dist, f"{name}: {'; '.join(problems)}; the bucket must then be readable by anyone")
    return passed(dist, f"{name} reaches its S3 origins through origin access control or identity")


def _bucket(bucket: Bucket, uses: list[tuple[Distribution, Origin]]) -> Outcome:
    name = f"bucket {bucket.native_id}"
    problems: list[str] = []
    unknowns: list[str] = []
    reason = bucket.unknown("website_enabled")
    if reason or bucket.website_enabled is None:
        unknowns.append(f"website hosting not known: {reason or 'not stated'}")
    elif bucket.website_enabled:
        problems.append("website hosting is on (plain HTTP from a public website endpoint)")
    if uses:
        _policy(bucket, uses, problems, unknowns)
    via = sorted({d.native_id for d, _ in uses})
    served = f"CloudFront origin of {', '.join(via)}" if via else "not a CloudFront origin"
    if problems:
        return failed(bucket, f"{name}: {'; '.join(problems)}")
    if unknowns:
        return unknown(bucket, f"{name}: {'; '.join(unknowns)}")
    return passed(bucket, f"{name}: no website hosting; {served}")


def _policy(
    bucket: Bucket, uses: list[tuple[Distribution, Origin]], problems: list[str], unknowns: list[str]
) -> None:
    reason = bucket.unknown("policy")
    if reason:
        unknowns.append(f"bucket policy not readable: {reason}")
        return
    try:
        statements = parse_policy(bucket.policy)
    except ValueError as exc:
        unknowns.append(f"bucket policy not understood: {exc}")
        return
    oac_arns = {d.arn for d, o in uses if o.origin_access_control_id}
    oai_ids = {o.oai_id for _, o in uses if o.oai_id is not None}
    for index, statement in enumerate(statements):
        if statement.effect != "Allow":
            continue
        extra = _extra_principals(statement, oac_arns, oai_ids)
        if extra:
            problems.append(f"statement {label(statement, index)} grants {'; '.join(extra)}")


def _extra_principals(statement: Statement, oac_arns: set[str], oai_ids: set[str]) -> list[str]:
    """What the statement grants besides the distributions' own principal."""
    if principal_is_anyone(statement.principal):
        return ["Principal '*'"]
    extra: list[str] = []
    for kind, value in _principals(statement.principal):
        if kind == "Service" and value == CLOUDFRONT:
            sources = condition_values(statement, SOURCE_ARN_OPERATORS, "aws:SourceArn")
            if not sources:
                extra.append(
                    f"{CLOUDFRONT} without an AWS:SourceArn condition (any distribution, any account)"
                )
            else:
                others = sorted(s for s in sources if s not in oac_arns)
                if others:
                    extra.append(
                        f"{CLOUDFRONT} for {', '.join(others)}, not the distributions using it with OAC"
                    )
        elif kind == "AWS" and value.startswith(OAI_PREFIX) and value[len(OAI_PREFIX) :] in oai_ids:
            continue
        else:
            extra.append(f"{kind} {value}")
    return extra


def _principals(principal: Any) -> list[tuple[str, str]]:
    if isinstance(principal, str):
        return [("AWS", principal)]
    out: list[tuple[str, str]] = []
    if isinstance(principal, Mapping):
        for kind, values in principal.items():
            for value in [values] if isinstance(values, str) else list(values or []):
                out.append((str(kind), str(value)))
    return out
