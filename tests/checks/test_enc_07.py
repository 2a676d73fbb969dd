from typing import Any

from ringfence.model import Status

from support import REGION, Aws, status_of


def bucket(aws: Aws, name: str, default: dict[str, Any] | None) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    if default:
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": default}]},
        )


def test_kms_defaults_pass_and_sse_s3_or_none_fail(aws: Aws) -> None:
    bucket(aws, "rf-kms", {"SSEAlgorithm": "aws:kms"})
    bucket(aws, "rf-dsse", {"SSEAlgorithm": "aws:kms:dsse", "KMSMasterKeyID": "alias/data"})
    bucket(aws, "rf-sse-s3", {"SSEAlgorithm": "AES256"})
    bucket(aws, "rf-none", None)  # real AWS answers AES256 here since 2023; moto answers "none"

    result = aws.scan(controls=["ENC-07"])

    assert status_of(result, "ENC-07", ":::rf-kms") is Status.PASS
    assert status_of(result, "ENC-07", ":::rf-dsse") is Status.PASS
    assert status_of(result, "ENC-07", ":::rf-sse-s3") is Status.FAIL
    assert status_of(result, "ENC-07", ":::rf-none") is Status.FAIL
