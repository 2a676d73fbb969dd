"""CloudFront distributions (global, read once per account through us-east-1).

ListDistributions' summaries carry everything the checks read: cache behaviors, origins (with their
origin access control or identity), viewer certificate and web ACL. Its items sit one level down
(DistributionList.Items), so the pages are walked here rather than by `ctx.iter_pages`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.model.cloudfront import CacheBehavior, Distribution, Origin, ViewerCertificate
from ringfence.sources.aws.context import CollectContext, CollectionStopped
from ringfence.sources.aws.registry import collector
from ringfence.sources.aws.session import DEFAULT_HOME_REGION, PARTITION_HOME


@collector(
    "cloudfront.distributions",
    service="cloudfront",
    scope="global",
    iam_actions=("cloudfront:ListDistributions",),
    produces=(Distribution,),
)
def collect_distributions(ctx: CollectContext) -> Iterator[Distribution]:
    region = PARTITION_HOME.get(ctx.partition, DEFAULT_HOME_REGION)
    marker: str | None = None
    while True:
        reply = ctx.call("list_distributions", region=region, **({"Marker": marker} if marker else {}))
        if reply.error:
            raise CollectionStopped("list_distributions")
        listing = reply.data.get("DistributionList") or {}
        for item in listing.get("Items") or ():
            yield _distribution(ctx, item)
        marker = listing.get("NextMarker")
        if not (listing.get("IsTruncated") and marker):
            return


def _items(container: Mapping[str, Any] | None) -> list[Any]:
    return list((container or {}).get("Items") or ())


def _distribution(ctx: CollectContext, item: Mapping[str, Any]) -> Distribution:
    dist_id = str(item["Id"])
    default = item.get("DefaultCacheBehavior") or {}
    behaviors = [
        CacheBehavior("*", default.get("ViewerProtocolPolicy"), default.get("TargetOriginId")),
        *(
            CacheBehavior(
                str(b.get("PathPattern", "")), b.get("ViewerProtocolPolicy"), b.get("TargetOriginId")
            )
            for b in _items(item.get("CacheBehaviors"))
        ),
    ]
    viewer = item.get("ViewerCertificate")
    return Distribution(
        arn=str(item.get("ARN") or f"arn:{ctx.partition}:cloudfront::{ctx.account}:distribution/{dist_id}"),
        native_id=dist_id,
        account=ctx.account,
        region="",
        domain_name=item.get("DomainName"),
        aliases=tuple(str(a) for a in _items(item.get("Aliases"))),
        enabled=item.get("Enabled"),
        status=item.get("Status"),
        behaviors=tuple(behaviors),
        origins=tuple(_origin(o) for o in _items(item.get("Origins"))),
        viewer_certificate=_viewer_certificate(viewer) if viewer else None,
        web_acl_id=item.get("WebACLId") or None,
    )


def _origin(raw: Mapping[str, Any]) -> Origin:
    custom = raw.get("CustomOriginConfig")
    s3 = raw.get("S3OriginConfig")
    kind = (
        "custom" if custom else "vpc" if raw.get("VpcOriginConfig") else "s3" if s3 is not None else "custom"
    )
    return Origin(
        origin_id=str(raw.get("Id", "")),
        domain_name=str(raw.get("DomainName", "")),
        kind=kind,
        origin_protocol_policy=(custom or {}).get("OriginProtocolPolicy"),
        ssl_protocols=tuple(_items((custom or {}).get("OriginSslProtocols"))),
        origin_access_control_id=raw.get("OriginAccessControlId") or None,
        origin_access_identity=(s3 or {}).get("OriginAccessIdentity") or None,
    )


def _viewer_certificate(raw: Mapping[str, Any]) -> ViewerCertificate:
    acm = raw.get("ACMCertificateArn") or None
    iam = raw.get("IAMCertificateId") or None
    return ViewerCertificate(
        # The three certificate fields are exclusive; a named certificate is the one in use.
        default_certificate=bool(raw.get("CloudFrontDefaultCertificate")) and not (acm or iam),
        acm_certificate_arn=acm,
        iam_certificate_id=iam,
        minimum_protocol_version=raw.get("MinimumProtocolVersion"),
        ssl_support_method=raw.get("SSLSupportMethod"),
    )
