import json

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Bucket, Inventory, PublicAccessBlock, Status

from support import ACCOUNT, REGION, Aws, findings_for, status_of

ALL_ON = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def policy(name: str, condition: dict[str, object] | None = None) -> str:
    statement: dict[str, object] = {
        "Sid": "Read",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{name}/*",
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_blocked_bucket_passes_and_open_ones_fail(aws: Aws) -> None:
    s3 = aws.client("s3")
    for name in ("rf-closed", "rf-no-block", "rf-public-acl", "rf-open-policy"):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    # the closed bucket's policy is open to '*' only from the organisation: a restricting condition
    s3.put_bucket_policy(
        Bucket="rf-closed", Policy=policy("rf-closed", {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}})
    )
    s3.put_public_access_block(Bucket="rf-closed", PublicAccessBlockConfiguration=ALL_ON)
    s3.put_bucket_acl(Bucket="rf-public-acl", ACL="public-read")
    s3.put_public_access_block(Bucket="rf-public-acl", PublicAccessBlockConfiguration=ALL_ON)
    s3.put_bucket_policy(Bucket="rf-open-policy", Policy=policy("rf-open-policy"))
    s3.put_public_access_block(Bucket="rf-open-policy", PublicAccessBlockConfiguration=ALL_ON)

    result = aws.scan(controls=["S3-02"])

    assert status_of(result, "S3-02", ":::rf-closed") is Status.PASS
    assert status_of(result, "S3-02", ":::rf-no-block") is Status.FAIL
    assert status_of(result, "S3-02", ":::rf-public-acl") is Status.FAIL
    assert status_of(result, "S3-02", ":::rf-open-policy") is Status.FAIL
    messages = {f.resource_id.rsplit(":", 1)[-1]: f.message for f in findings_for(result, "S3-02")}
    assert "READ to AllUsers" in messages["rf-public-acl"]
    assert "Read" in messages["rf-open-policy"]
    assert "account-level Block Public Access is not fully on" in messages["rf-no-block"]


def test_unreadable_settings_are_unknown_unless_something_fails() -> None:
    denied = "access denied: s3:GetBucketPolicy (AccessDenied)"

    def bucket(name: str, **kw: object) -> Bucket:
        return Bucket(arn=f"arn:aws:s3:::{name}", native_id=name, account=ACCOUNT, region=REGION, **kw)  # type: ignore[arg-type]

    blocked = PublicAccessBlock(True, True, True, True)
    inventory = Inventory(
        [
            bucket("rf-unread", public_access_block=blocked, unresolved={"policy": denied}),
            bucket("rf-unblocked", unresolved={"policy": denied}),
        ]
    )
    found = {f.resource_id: f for f in evaluate(inventory, [all_checks()["S3-02"]], strict=True)}
    assert found["arn:aws:s3:::rf-unread"].status is Status.UNKNOWN
    assert denied in found["arn:aws:s3:::rf-unread"].message
    # no bucket-level block fails on its own, whatever the unread policy says
    assert found["arn:aws:s3:::rf-unblocked"].status is Status.FAIL
