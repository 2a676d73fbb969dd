"""ENC-07 in IaC: buckets default to SSE-KMS."""

from pathlib import Path

from iac_support import finding, scan_text, status

from ringfence.model import Status

TEMPLATE = """
Resources:
  Kms:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: "aws:kms:dsse"}
  S3Managed:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: AES256}
  Undeclared:
    Type: AWS::S3::Bucket
"""


def test_kms_passes_and_sse_s3_or_nothing_fails(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["ENC-07"]).result

    assert status(result, "ENC-07", "Kms") is Status.PASS
    assert status(result, "ENC-07", "S3Managed") is Status.FAIL
    undeclared = finding(result, "ENC-07", "Undeclared")
    assert undeclared.status is Status.FAIL
    assert "declares no default encryption" in undeclared.message
