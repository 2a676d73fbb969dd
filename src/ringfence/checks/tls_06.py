"""TLS-06: S3 bucket policies deny requests that are not over TLS.

A bucket passes when Deny statements for everyone, on every S3 action, with the condition
Bool (or BoolIfExists) aws:SecureTransport false, cover the bucket and all its objects. A Deny for
some actions, some principals or some objects only leaves the rest reachable over HTTP and fails,
naming what it misses. An Allow conditioned on aws:SecureTransport true is not a Deny: another
statement (or an IAM policy) can still allow the same request over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.bucket_policies import (
    acts_on_all_s3,
    applies_to_everyone,
    combined,
    condition_values,
    label,
    partition_of,
)
from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.support import Statement, parse_policy
from ringfence.model import Bucket, Remediation, Severity

BOOL_OPERATORS = ("Bool", "BoolIfExists")

META = CheckMeta(
    id="TLS-06",
    title="S3 bucket policies deny requests that are not over TLS",
    severity=Severity.MEDIUM,
    rationale=(
        "S3 answers plain HTTP on its endpoints; without a Deny on aws:SecureTransport false, a "
        "misconfigured client or SDK sends credentials-signed requests and object data in cleartext."
    ),
    remediation=Remediation(
        text=(
            "Add a Deny statement for Principal '*', Action s3:*, on the bucket and its objects "
            "(arn:aws:s3:::BUCKET and arn:aws:s3:::BUCKET/*) with Condition Bool aws:SecureTransport false."
        ),
        cli=(
            'aws s3api put-bucket-policy --bucket BUCKET --policy \'{"Version":"2012-10-17","Statement":'
            '[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",'
            '"Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],'
            '"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}\'  # merge with the existing policy'
        ),
        cloudformation=(
            "Type: AWS::S3::BucketPolicy\nProperties:\n  Bucket: !Ref Bucket\n  PolicyDocument:\n"
            "    Statement:\n      - Sid: DenyInsecureTransport\n        Effect: Deny\n        Principal: '*'\n"
            "        Action: 's3:*'\n        Resource:\n          - !GetAtt Bucket.Arn\n"
            "          - !Sub '${Bucket.Arn}/*'\n        Condition:\n          Bool:\n"
            "            aws:SecureTransport: 'false'"
        ),
        terraform=(
            'data "aws_iam_policy_document" "tls_only" {\n  statement {\n    sid     = "DenyInsecureTransport"\n'
            '    effect  = "Deny"\n    actions = ["s3:*"]\n'
            '    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]\n'
            '    principals {\n      type        = "*"\n      identifiers = ["*"]\n    }\n'
            '    condition {\n      test     = "Bool"\n      variable = "aws:SecureTransport"\n'
            '      values   = ["false"]\n    }\n  }\n}'
        ),
    ),
    modes=("live",),
    resource_types=(Bucket.KIND,),
    tested_with="moto server; Inventory built directly for unreadable policies",
    frameworks=Mapping_(cis=("2.1.1",), fsbp=("S3.5",), nist_800_53=("SC-8", "SC-8(1)")),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for bucket in ctx.inventory.of(Bucket):
        yield _judge(bucket)


def _denies_plaintext(statement: Statement) -> bool:
    values = condition_values(statement, BOOL_OPERATORS, "aws:SecureTransport")
    return statement.effect == "Deny" and values is not None and "false" in {v.lower() for v in values}


def _judge(bucket: Bucket) -> Outcome:
    name = f"bucket {bucket.native_id}"
    reason = bucket.unknown("policy")
    if reason:
        return unknown(bucket, f"the policy of {name} could not be read: {reason}")
    try:
        statements = parse_policy(bucket.policy)
    except ValueError as exc:
        return unknown(bucket, f"the policy of {name} is not understood: {exc}")
    if bucket.policy is None:
        return failed(bucket, f"{name} has no bucket policy, so nothing denies requests over plain HTTP")
    denies = [(i, s) for i, s in enumerate(statements) if _denies_plaintext(s)]
    if not denies:
        return failed(bucket, f"{name}: no Deny statement with Bool aws:SecureTransport false")
    full = [s for _, s in denies if applies_to_everyone(s) and acts_on_all_s3(s)]
    partial = [
        f"{label(s, i)} ({'not for everyone' if not applies_to_everyone(s) else 'not every S3 action'})"
        for i, s in denies
        if s not in full
    ]
    covered = combined(full, bucket.native_id, partition_of(bucket.arn))
    if covered.bucket and covered.objects:
        return passed(bucket, f"{name} denies every request not made over TLS, on the bucket and its objects")
    missing = covered.describe_missing()
    detail = f"; statement(s) {', '.join(partial)} deny only part of the requests" if partial else ""
    return failed(
        bucket, f"{name}: no Deny of non-TLS requests for everyone and every action covers {missing}{detail}"
    )
