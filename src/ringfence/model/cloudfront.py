"""CloudFront distributions: cache behaviors, origins, viewer certificate and web ACL.

CloudFront is global: a distribution's `region` is "" (its ACM certificate and its WAF web ACL live
in us-east-1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind

# BUCKET.s3.amazonaws.com, BUCKET.s3.REGION.amazonaws.com, BUCKET.s3-REGION.amazonaws.com,
# BUCKET.s3.dualstack.REGION.amazonaws.com (.com.cn in China)
_S3_REST = re.compile(r"^(?P<bucket>.+)\.s3(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$")
# BUCKET.s3-website-REGION.amazonaws.com, BUCKET.s3-website.REGION.amazonaws.com
_S3_WEBSITE = re.compile(r"^(?P<bucket>.+)\.s3-website[.-][a-z0-9-]+\.amazonaws\.com(?:\.cn)?$")


@dataclass(frozen=True, slots=True)
class CacheBehavior:
    path_pattern: str  # "*" for the default cache behavior
    viewer_protocol_policy: str | None = None  # allow-all | https-only | redirect-to-https
    target_origin_id: str | None = None


@dataclass(frozen=True, slots=True)
class Origin:
    origin_id: str
    domain_name: str
    kind: str  # s3 (S3OriginConfig) | custom (CustomOriginConfig) | vpc (VpcOriginConfig)
    origin_protocol_policy: str | None = None  # custom: http-only | match-viewer | https-only
    ssl_protocols: tuple[str, ...] = ()  # custom: OriginSslProtocols
    origin_access_control_id: str | None = None
    origin_access_identity: str | None = None  # origin-access-identity/cloudfront/ID

    @property
    def s3_bucket(self) -> str | None:
        """The bucket a REST-endpoint origin names (whatever its config says)."""
        match = _S3_REST.match(self.domain_name.lower())
        return match.group("bucket") if match and not _S3_WEBSITE.match(self.domain_name.lower()) else None

    @property
    def s3_website_bucket(self) -> str | None:
        """The bucket whose website endpoint this origin is."""
        match = _S3_WEBSITE.match(self.domain_name.lower())
        return match.group("bucket") if match else None

    @property
    def oai_id(self) -> str | None:
        return self.origin_access_identity.rsplit("/", 1)[-1] if self.origin_access_identity else None


@dataclass(frozen=True, slots=True)
class ViewerCertificate:
    default_certificate: bool  # *.cloudfront.net; its minimum protocol is TLSv1 and cannot be changed
    acm_certificate_arn: str | None = None
    iam_certificate_id: str | None = None
    minimum_protocol_version: str | None = None
    ssl_support_method: str | None = None  # sni-only | vip | static-ip

    @property
    def custom(self) -> bool:
        return bool(self.acm_certificate_arn or self.iam_certificate_id)


@resource_kind
@dataclass(frozen=True, kw_only=True)
class Distribution(Resource):
    KIND = "cloudfront.distribution"
    RESOURCE_TYPE = "AWS::CloudFront::Distribution"

    domain_name: str | None = None
    aliases: tuple[str, ...] = ()
    enabled: bool | None = None
    status: str | None = None
    behaviors: tuple[CacheBehavior, ...] = ()  # the default cache behavior first
    origins: tuple[Origin, ...] = ()
    viewer_certificate: ViewerCertificate | None = None
    web_acl_id: str | None = None  # WAFv2: the web ACL's ARN; WAF Classic: its id; None: none

    @property
    def display_name(self) -> str:
        label = self.aliases[0] if self.aliases else self.domain_name
        return f"{self.native_id} ({label})" if label else self.native_id
