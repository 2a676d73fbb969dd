"""ENC-07: S3 buckets default to server-side encryption with KMS.

SSE-KMS (aws:kms) and DSSE-KMS (aws:kms:dsse) pass, whichever key they use (ENC-03 judges the key).
SSE-S3 (AES256), which AWS applies to every bucket since January 2023, falls short.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.support import bucket_kms_rule
from ringfence.model import Bucket, Remediation, Severity

META = CheckMeta(
    id="ENC-07",
    title="S3 buckets default to server-side encryption with KMS",
    severity=Severity.MEDIUM,
    rationale=(
        "With SSE-S3 anyone allowed to read an object gets it decrypted; with SSE-KMS reading also "
        "needs permission to use the key, key use is logged in CloudTrail, and access can be cut off "
        "at the key."
    ),
    remediation=Remediation(
        text=(
            "Set the bucket's default encryption to SSE-KMS with a customer-managed key and turn on "
            "S3 Bucket Keys; existing objects keep their encryption until copied in place."
        ),
        cli=(
            "aws s3api put-bucket-encryption --bucket BUCKET --server-side-encryption-configuration "
            '\'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms",'
            '"KMSMasterKeyID":"KEY_ARN"},"BucketKeyEnabled":true}]}\''
        ),
        cloudformation=(
            "Type: AWS::S3::Bucket\nProperties:\n  BucketEncryption:\n    ServerSideEncryptionConfiguration:\n"
            "      - ServerSideEncryptionByDefault:\n          SSEAlgorithm: aws:kms\n"
            "          KMSMasterKeyID: !GetAtt DataKey.Arn\n        BucketKeyEnabled: true"
        ),
        terraform=(
            'resource "aws_s3_bucket_server_side_encryption_configuration" "this" {\n'
            "  bucket = aws_s3_bucket.this.id\n  rule {\n    apply_server_side_encryption_by_default {\n"
            '      sse_algorithm     = "aws:kms"\n      kms_master_key_id = aws_kms_key.data.arn\n    }\n'
            "    bucket_key_enabled = true\n  }\n}"
        ),
    ),
    modes=("live", "iac"),
    resource_types=(Bucket.KIND,),
    tested_with="moto server; IaC templates and a Terraform plan (tests/iac)",
    frameworks=Mapping_(fsbp=("S3.17",), nist_800_53=("SC-28",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for bucket in ctx.inventory.of(Bucket):
        reason = bucket.unknown("encryption_rules")
        rule = bucket_kms_rule(bucket)
        if reason:
            yield unknown(bucket, f"default encryption could not be read: {reason}")
        elif rule is not None:
            key = rule.kms_key_id or "the AWS-managed key aws/s3"
            yield passed(bucket, f"default encryption is {rule.sse_algorithm} with {key}")
        elif bucket.encryption_rules:
            algorithms = ", ".join(sorted({r.sse_algorithm for r in bucket.encryption_rules}))
            yield failed(bucket, f"bucket {bucket.native_id} defaults to SSE-S3 ({algorithms}), not SSE-KMS")
        elif ctx.mode == "iac":
            yield failed(
                bucket, f"bucket {bucket.native_id} declares no default encryption (S3 then applies SSE-S3), not SSE-KMS"
            )
        else:
            yield failed(bucket, f"bucket {bucket.native_id} has no default encryption configuration")
