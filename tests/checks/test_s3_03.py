"""S3-03 over moto (website hosting) and built inventories (moto's distribution listing drops origin
access controls, so CloudFront origins are built as the real ListDistributions returns them)."""

import json
from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Bucket, Inventory, Status
from ringfence.model.cloudfront import CacheBehavior, Distribution, Origin

from support import ACCOUNT, REGION, Aws, status_of

CHECK = all_checks()["S3-03"]


def test_website_hosting_fails_a_plain_bucket_passes(aws: Aws) -> None:
    s3 = aws.client("s3")
    for name in ("rf-site", "rf-assets"):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_website(Bucket="rf-site", WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})

    result = aws.scan(controls=["S3-03"])

    assert status_of(result, "S3-03", ":::rf-site") is Status.FAIL
    assert status_of(result, "S3-03", ":::rf-assets") is Status.PASS


def _dist(dist_id: str, *origins: Origin) -> Distribution:
    return Distribution(
        arn=f"arn:aws:cloudfront::{ACCOUNT}:distribution/{dist_id}",
        native_id=dist_id,
        account=ACCOUNT,
        region="",
        behaviors=(CacheBehavior("*", "https-only"),),
        origins=origins,
    )


def _bucket(name: str, *statements: dict[str, Any]) -> Bucket:
    policy = json.dumps({"Version": "2012-10-17", "Statement": list(statements)}) if statements else None
    return Bucket(
        arn=f"arn:aws:s3:::{name}",
        native_id=name,
        account=ACCOUNT,
        region=REGION,
        policy=policy,
        website_enabled=False,
    )


def _grant(bucket: str, principal: Any, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    if condition:
        statement["Condition"] = condition
    return statement


def test_cloudfront_origins_need_oac_or_oai_and_buckets_grant_only_that_principal() -> None:
    oac = _dist(
        "EOAC", Origin("s3", "rf-oac.s3.eu-west-1.amazonaws.com", "s3", origin_access_control_id="E2OAC")
    )
    oai = _dist(
        "EOAI",
        Origin(
            "s3",
            "rf-oai.s3.amazonaws.com",
            "s3",
            origin_access_identity="origin-access-identity/cloudfront/E3OAI",
        ),
    )
    naked = _dist("ENAKED", Origin("s3", "rf-public.s3.eu-west-1.amazonaws.com", "s3"))
    website = _dist("EWEB", Origin("web", "rf-web.s3-website-eu-west-1.amazonaws.com", "custom"))
    custom = _dist("EAPP", Origin("app", "app.example.com", "custom", "https-only", ("TLSv1.2",)))
    cloudfront = {"Service": "cloudfront.amazonaws.com"}
    source = {"StringEquals": {"AWS:SourceArn": oac.arn}}
    inventory = Inventory(
        [
            oac,
            oai,
            naked,
            website,
            custom,
            _bucket("rf-oac", _grant("rf-oac", cloudfront, source)),
            _bucket(
                "rf-oai",
                _grant(
                    "rf-oai", {"AWS": "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E3OAI"}
                ),
            ),
            _bucket("rf-public", _grant("rf-public", "*")),
        ]
    )
    found = {
        f.resource_id.rsplit("/", 1)[-1].rsplit(":", 1)[-1]: f
        for f in evaluate(inventory, [CHECK], strict=True)
    }
    assert found["EOAC"].status is Status.PASS
    assert found["EOAI"].status is Status.PASS
    assert found["ENAKED"].status is Status.FAIL
    assert found["EWEB"].status is Status.FAIL
    assert "website endpoint" in found["EWEB"].message
    assert found["EAPP"].status is Status.NOT_APPLICABLE
    assert found["rf-oac"].status is Status.PASS
    assert "CloudFront origin of EOAC" in found["rf-oac"].message
    assert found["rf-oai"].status is Status.PASS
    assert found["rf-public"].status is Status.FAIL

    # The service principal without a SourceArn lets any distribution of any account read the bucket.
    loose = Inventory([oac, _bucket("rf-oac", _grant("rf-oac", cloudfront))])
    [_, bucket] = sorted(evaluate(loose, [CHECK], strict=True), key=lambda f: f.resource_id)
    assert bucket.status is Status.FAIL
    assert "any distribution" in bucket.message
