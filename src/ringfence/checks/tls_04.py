"""TLS-04: CloudFront serves viewers over HTTPS only, with a modern minimum protocol.

Every cache behavior (the default one too) must redirect HTTP to HTTPS or refuse it. With a custom
certificate, MinimumProtocolVersion must be TLSv1.2_2021 or later. The default *.cloudfront.net
certificate is judged on its behaviors only: CloudFront pins its minimum to TLSv1 and no setting
changes it (the message says so; a custom certificate is the way to a higher minimum). Custom origins
must be https-only with OriginSslProtocols exactly TLSv1.2 (match-viewer and http-only fail, as does
any older protocol left in the list). S3 REST origins are reached over HTTPS; VPC origins carry
their protocol settings on the VPC origin, which is not read here.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Remediation, Severity
from ringfence.model.cloudfront import Distribution

PROTOCOL_ORDER = (
    "SSLv3",
    "TLSv1",
    "TLSv1_2016",
    "TLSv1.1_2016",
    "TLSv1.2_2018",
    "TLSv1.2_2019",
    "TLSv1.2_2021",
    "TLSv1.2_2025",
    "TLSv1.3_2025",
)
MINIMUM = "TLSv1.2_2021"
HTTPS_POLICIES = ("redirect-to-https", "https-only")

META = CheckMeta(
    id="TLS-04",
    title="CloudFront serves viewers over HTTPS only, with a modern minimum protocol",
    severity=Severity.HIGH,
    rationale=(
        "A behavior that allows HTTP serves content and accepts cookies in plaintext, and a low minimum "
        "protocol or an HTTP (or SSLv3/TLS 1.0) connection to the origin exposes the same traffic on "
        "the leg the viewer cannot see."
    ),
    remediation=Remediation(
        text=(
            "Set every cache behavior's viewer protocol policy to redirect-to-https, use a custom "
            "certificate with security policy TLSv1.2_2021 or later, and set custom origins to "
            "https-only with TLSv1.2 as the only origin SSL protocol."
        ),
        cli=(
            "aws cloudfront get-distribution-config --id DIST_ID > dist.json  # edit the fields, then\n"
            "aws cloudfront update-distribution --id DIST_ID --if-match ETAG --distribution-config file://config.json"
        ),
        cloudformation=(
            "Type: AWS::CloudFront::Distribution\nProperties:\n  DistributionConfig:\n"
            "    DefaultCacheBehavior:\n      ViewerProtocolPolicy: redirect-to-https\n"
            "    ViewerCertificate:\n      AcmCertificateArn: !Ref Certificate\n"
            "      SslSupportMethod: sni-only\n      MinimumProtocolVersion: TLSv1.2_2021\n"
            "    Origins:\n      - Id: app\n        DomainName: app.example.com\n        CustomOriginConfig:\n"
            "          OriginProtocolPolicy: https-only\n          OriginSSLProtocols: [TLSv1.2]"
        ),
        terraform=(
            'resource "aws_cloudfront_distribution" "site" {\n  default_cache_behavior {\n'
            '    viewer_protocol_policy = "redirect-to-https"\n  }\n  viewer_certificate {\n'
            "    acm_certificate_arn      = aws_acm_certificate.site.arn\n"
            '    ssl_support_method       = "sni-only"\n    minimum_protocol_version = "TLSv1.2_2021"\n  }\n'
            "  origin {\n    custom_origin_config {\n"
            '      origin_protocol_policy = "https-only"\n      origin_ssl_protocols   = ["TLSv1.2"]\n'
            "    }\n  }\n}"
        ),
    ),
    modes=("live",),
    resource_types=(Distribution.KIND,),
    tested_with="moto server; Inventory built directly for custom certificates (moto reports the default one)",
    frameworks=Mapping_(
        fsbp=("CloudFront.3", "CloudFront.9", "CloudFront.10"), nist_800_53=("SC-8", "SC-8(1)", "SC-13")
    ),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for dist in ctx.inventory.of(Distribution):
        yield _judge(dist)


def _judge(dist: Distribution) -> Outcome:
    problems: list[str] = []
    unknowns: list[str] = []
    notes: list[str] = []
    for behavior in dist.behaviors:
        label = (
            "the default behavior" if behavior.path_pattern == "*" else f"behavior {behavior.path_pattern}"
        )
        if behavior.viewer_protocol_policy is None:
            unknowns.append(f"the viewer protocol policy of {label} is not stated")
        elif behavior.viewer_protocol_policy not in HTTPS_POLICIES:
            problems.append(f"{label} is {behavior.viewer_protocol_policy} (serves HTTP)")
    _viewer(dist, problems, unknowns, notes)
    for origin in dist.origins:
        if origin.kind != "custom":
            continue
        if origin.origin_protocol_policy != "https-only":
            problems.append(
                f"origin {origin.origin_id} is {origin.origin_protocol_policy or 'not https-only'}"
            )
        older = sorted(set(origin.ssl_protocols) - {"TLSv1.2"})
        if older:
            problems.append(f"origin {origin.origin_id} still allows {', '.join(older)}")
        elif not origin.ssl_protocols:
            unknowns.append(f"the SSL protocols of origin {origin.origin_id} are not stated")
    name = f"distribution {dist.display_name}"
    note = f" ({'; '.join(notes)})" if notes else ""
    if problems:
        return failed(dist, f"{name}: {'; '.join(problems)}{note}")
    if unknowns:
        return unknown(dist, f"{name}: {'; '.join(unknowns)}{note}")
    return passed(dist, f"{name} serves viewers over HTTPS only with modern TLS to its origins{note}")


def _viewer(dist: Distribution, problems: list[str], unknowns: list[str], notes: list[str]) -> None:
    viewer = dist.viewer_certificate
    if viewer is None:
        unknowns.append("the viewer certificate is not stated")
    elif viewer.custom:
        version = viewer.minimum_protocol_version
        if version not in PROTOCOL_ORDER:
            unknowns.append(f"the minimum protocol {version or '(none)'} is not one this check knows")
        elif PROTOCOL_ORDER.index(version) < PROTOCOL_ORDER.index(MINIMUM):
            problems.append(f"the minimum viewer protocol is {version}, below {MINIMUM}")
        else:
            notes.append(f"minimum viewer protocol {version}")
    else:
        notes.append(
            "the default *.cloudfront.net certificate keeps a TLSv1 minimum that cannot be changed; "
            "a custom certificate sets a higher one"
        )
