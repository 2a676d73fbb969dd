import json
from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Bucket, Inventory, Status

from support import ACCOUNT, REGION, Aws, findings_for, status_of


def deny_http(bucket: str, resources: list[str] | None = None, action: Any = "s3:*") -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": action,
        "Resource": resources or [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def test_a_full_deny_of_plain_http_passes_partial_or_missing_ones_fail(aws: Aws) -> None:
    s3 = aws.client("s3")
    policies = {
        "rf-tls-only": [deny_http("rf-tls-only")],
        "rf-split": [
            deny_http("rf-split", ["arn:aws:s3:::rf-split"]),
            {**deny_http("rf-split", ["arn:aws:s3:::rf-split/*"]), "Sid": "Objects"},
        ],
        "rf-objects-only": [deny_http("rf-objects-only", ["arn:aws:s3:::rf-objects-only/*"])],
        "rf-get-only": [deny_http("rf-get-only", action="s3:GetObject")],
        "rf-no-policy": [],
    }
    for name, statements in policies.items():
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        if statements:
            s3.put_bucket_policy(
                Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": statements})
            )

    result = aws.scan(controls=["TLS-06"])

    assert status_of(result, "TLS-06", ":::rf-tls-only") is Status.PASS
    assert status_of(result, "TLS-06", ":::rf-split") is Status.PASS
    assert status_of(result, "TLS-06", ":::rf-objects-only") is Status.FAIL
    assert status_of(result, "TLS-06", ":::rf-get-only") is Status.FAIL
    assert status_of(result, "TLS-06", ":::rf-no-policy") is Status.FAIL
    messages = {f.resource_id.rsplit(":", 1)[-1]: f.message for f in findings_for(result, "TLS-06")}
    assert "covers the bucket" in messages["rf-objects-only"]
    assert "not every S3 action" in messages["rf-get-only"]


def test_unreadable_or_malformed_policies_are_unknown() -> None:
    def bucket(name: str, **kw: Any) -> Bucket:
        return Bucket(arn=f"arn:aws:s3:::{name}", native_id=name, account=ACCOUNT, region=REGION, **kw)

    inventory = Inventory(
        [
            bucket("rf-denied", unresolved={"policy": "access denied: s3:GetBucketPolicy (AccessDenied)"}),
            bucket("rf-garbled", policy="{not json"),
            bucket(
                "rf-ifexists",
                policy=json.dumps(
                    {
                        "Statement": [
                            {
                                **deny_http("rf-ifexists"),
                                "Principal": {"AWS": "*"},
                                "Action": "*",
                                "Condition": {"BoolIfExists": {"aws:securetransport": False}},
                            }
                        ]
                    }
                ),
            ),
        ]
    )
    found = {f.resource_id: f for f in evaluate(inventory, [all_checks()["TLS-06"]], strict=True)}
    assert found["arn:aws:s3:::rf-denied"].status is Status.UNKNOWN
    assert "AccessDenied" in found["arn:aws:s3:::rf-denied"].message
    assert found["arn:aws:s3:::rf-garbled"].status is Status.UNKNOWN
    assert found["arn:aws:s3:::rf-ifexists"].status is Status.PASS
