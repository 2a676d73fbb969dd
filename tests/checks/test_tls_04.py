from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, Status
from ringfence.model.cloudfront import CacheBehavior, Distribution, Origin, ViewerCertificate

from support import ACCOUNT, Aws, findings_for, status_of

CACHE_POLICY = "658327ea-f89d-4fab-a63d-7e88639e58f6"  # AWS managed CachingOptimized


def _distribution(aws: Aws, ref: str, viewer: str, origin_policy: str, protocols: list[str]) -> str:
    config: dict[str, Any] = {
        "CallerReference": ref,
        "Comment": ref,
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "app",
                    "DomainName": f"{ref}.origin.example.com",
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": origin_policy,
                        "OriginSslProtocols": {"Quantity": len(protocols), "Items": protocols},
                    },
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "app",
            "ViewerProtocolPolicy": viewer,
            "CachePolicyId": CACHE_POLICY,
        },
    }
    reply = aws.client("cloudfront", "us-east-1").create_distribution(DistributionConfig=config)
    return str(reply["Distribution"]["Id"])


def test_https_only_viewers_and_origins_pass_plain_http_fails(aws: Aws) -> None:
    good = _distribution(aws, "good", "redirect-to-https", "https-only", ["TLSv1.2"])
    viewer_http = _distribution(aws, "viewer", "allow-all", "https-only", ["TLSv1.2"])
    origin_http = _distribution(aws, "origin", "https-only", "match-viewer", ["TLSv1", "TLSv1.2"])

    result = aws.scan(controls=["TLS-04"])

    assert status_of(result, "TLS-04", f"distribution/{good}") is Status.PASS
    assert status_of(result, "TLS-04", f"distribution/{viewer_http}") is Status.FAIL
    assert status_of(result, "TLS-04", f"distribution/{origin_http}") is Status.FAIL
    messages = {f.resource_id.rsplit("/", 1)[-1]: f.message for f in findings_for(result, "TLS-04")}
    assert "allow-all" in messages[viewer_http]
    assert "match-viewer" in messages[origin_http]
    assert "TLSv1" in messages[origin_http]
    assert "TLSv1 minimum that cannot be changed" in messages[good]  # the default certificate's note


def _with_certificate(dist_id: str, minimum: str) -> Distribution:
    return Distribution(
        arn=f"arn:aws:cloudfront::{ACCOUNT}:distribution/{dist_id}",
        native_id=dist_id,
        account=ACCOUNT,
        region="",
        behaviors=(CacheBehavior("*", "https-only"), CacheBehavior("/api/*", "redirect-to-https")),
        origins=(Origin("s3", "assets.s3.eu-west-1.amazonaws.com", "s3", origin_access_control_id="E1OAC"),),
        viewer_certificate=ViewerCertificate(
            default_certificate=False,
            acm_certificate_arn=f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/abc",
            minimum_protocol_version=minimum,
            ssl_support_method="sni-only",
        ),
    )


def test_a_custom_certificate_needs_tls_1_2_2021_or_later() -> None:
    inventory = Inventory(
        [
            _with_certificate("E2021", "TLSv1.2_2021"),
            _with_certificate("E2025", "TLSv1.3_2025"),
            _with_certificate("E2019", "TLSv1.2_2019"),
            _with_certificate("ENEW", "TLSv1.4_2031"),
        ]
    )
    found = {
        f.resource_id.rsplit("/", 1)[-1]: f
        for f in evaluate(inventory, [all_checks()["TLS-04"]], strict=True)
    }
    assert found["E2021"].status is Status.PASS
    assert found["E2025"].status is Status.PASS
    assert found["E2019"].status is Status.FAIL
    assert "TLSv1.2_2019" in found["E2019"].message
    assert found["ENEW"].status is Status.UNKNOWN
