"""API Gateway custom domain names, as both API versions list them, with the APIs mapped to each.

A custom domain name is one resource that apigateway and apigatewayv2 both list (v2 sees regional
ones; private ones only v1): the two listings are merged by ARN. Mappings are read from both sides
too (base path mappings, API mappings) and merged. If either listing fails, what the other listed is
still kept and the collection is marked incomplete.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.model.apigateway import ApiDomainName, ApiMapping, MutualTls
from ringfence.sources.aws.collectors.apigateway import api_arn
from ringfence.sources.aws.context import CollectContext, CollectionStopped
from ringfence.sources.aws.registry import collector

NOT_FOUND = ("NotFoundException",)


@collector(
    "apigateway.domain_names",
    service="apigateway",
    iam_actions=("apigateway:GET",),
    produces=(ApiDomainName,),
)
def collect_domain_names(ctx: CollectContext) -> Iterator[ApiDomainName]:
    merged: dict[str, ApiDomainName] = {}
    stopped: CollectionStopped | None = None
    try:
        for item in ctx.paginate("get_domain_names", "items"):
            domain = _v1(ctx, item)
            if domain is not None:
                merged[domain.arn] = domain
    except CollectionStopped as exc:
        stopped = exc
    try:
        for item in ctx.paginate("get_domain_names", "Items", service="apigatewayv2"):
            domain = _v2(ctx, item)
            if domain is not None:
                merged[domain.arn] = _merge(merged[domain.arn], domain) if domain.arn in merged else domain
    except CollectionStopped as exc:
        stopped = exc
    yield from merged.values()
    if stopped is not None:
        raise stopped


def _v1(ctx: CollectContext, item: Mapping[str, Any]) -> ApiDomainName | None:
    name = str(item["domainName"])
    domain_id = item.get("domainNameId")
    native = f"{name}+{domain_id}" if domain_id else name
    kwargs: dict[str, Any] = {"domainName": name}
    if domain_id:
        kwargs["domainNameId"] = domain_id
    mappings, gone, error = _pages(ctx, "get_base_path_mappings", "items", "position", "position", **kwargs)
    if gone:
        return None
    mtls = item.get("mutualTlsAuthentication")
    endpoint = item.get("endpointConfiguration") or {}
    return ApiDomainName(
        arn=str(item.get("domainNameArn") or api_arn(ctx, f"/domainnames/{native}")),
        native_id=native,
        account=ctx.account,
        region=ctx.region,
        tags=dict(item.get("tags") or {}),
        domain_name=name,
        endpoint_types=tuple(endpoint.get("types") or ()),
        security_policy=item.get("securityPolicy"),
        certificate_arns=tuple(
            str(item[k]) for k in ("certificateArn", "regionalCertificateArn") if item.get(k)
        ),
        mutual_tls=MutualTls(
            truststore_uri=mtls.get("truststoreUri"),
            truststore_version=mtls.get("truststoreVersion"),
            truststore_warnings=tuple(mtls.get("truststoreWarnings") or ()),
        )
        if mtls and mtls.get("truststoreUri")
        else None,
        mappings=tuple(
            ApiMapping(api_id=str(m["restApiId"]), stage=m.get("stage"), path=m.get("basePath"))
            for m in mappings
            if m.get("restApiId")
        ),
        status=item.get("domainNameStatus"),
        listed_by=("apigateway",),
        unresolved={"mappings": error} if error else {},
    )


def _v2(ctx: CollectContext, item: Mapping[str, Any]) -> ApiDomainName | None:
    name = str(item["DomainName"])
    mappings, gone, error = _pages(
        ctx, "get_api_mappings", "Items", "NextToken", "NextToken", service="apigatewayv2", DomainName=name
    )
    if gone:
        return None
    configs = item.get("DomainNameConfigurations") or []
    mtls = item.get("MutualTlsAuthentication")
    policies = [c["SecurityPolicy"] for c in configs if c.get("SecurityPolicy")]
    return ApiDomainName(
        arn=str(item.get("DomainNameArn") or api_arn(ctx, f"/domainnames/{name}")),
        native_id=name,
        account=ctx.account,
        region=ctx.region,
        tags=dict(item.get("Tags") or {}),
        domain_name=name,
        endpoint_types=tuple(dict.fromkeys(str(c["EndpointType"]) for c in configs if c.get("EndpointType"))),
        security_policy=policies[0] if policies else None,
        certificate_arns=tuple(
            dict.fromkeys(str(c["CertificateArn"]) for c in configs if c.get("CertificateArn"))
        ),
        mutual_tls=MutualTls(
            truststore_uri=mtls.get("TruststoreUri"),
            truststore_version=mtls.get("TruststoreVersion"),
            truststore_warnings=tuple(mtls.get("TruststoreWarnings") or ()),
        )
        if mtls and mtls.get("TruststoreUri")
        else None,
        mappings=tuple(
            ApiMapping(api_id=str(m["ApiId"]), stage=m.get("Stage"), path=m.get("ApiMappingKey"))
            for m in mappings
            if m.get("ApiId")
        ),
        listed_by=("apigatewayv2",),
        unresolved={"mappings": error} if error else {},
    )


def _merge(v1: ApiDomainName, v2: ApiDomainName) -> ApiDomainName:
    """One domain seen by both APIs: v1's description, both sides' mappings and certificates."""
    unresolved = {**v2.unresolved, **v1.unresolved}
    return ApiDomainName(
        arn=v1.arn,
        native_id=v1.native_id,
        account=v1.account,
        region=v1.region,
        tags={**v2.tags, **v1.tags},
        domain_name=v1.domain_name,
        endpoint_types=v1.endpoint_types or v2.endpoint_types,
        security_policy=v1.security_policy or v2.security_policy,
        certificate_arns=tuple(dict.fromkeys((*v1.certificate_arns, *v2.certificate_arns))),
        mutual_tls=v1.mutual_tls or v2.mutual_tls,
        mappings=tuple(dict.fromkeys((*v1.mappings, *v2.mappings))),
        status=v1.status or v2.status,
        listed_by=(*v1.listed_by, *v2.listed_by),
        unresolved=unresolved,
    )


def _pages(
    ctx: CollectContext,
    operation: str,
    key: str,
    token_in: str,
    token_out: str,
    *,
    service: str | None = None,
    **kwargs: Any,
) -> tuple[list[Mapping[str, Any]], bool, str | None]:
    """(items, domain gone, error) of a per-domain listing; one unreadable domain does not stop the rest."""
    items: list[Mapping[str, Any]] = []
    token: str | None = None
    while True:
        page = {token_in: token} if token else {}
        reply = ctx.call(operation, service=service, absent=NOT_FOUND, **kwargs, **page)
        if reply.absent:
            return [], True, None
        if reply.error:
            return [], False, reply.error
        items.extend(reply.data.get(key, []))
        token = reply.data.get(token_out)
        if not token:
            return items, False, None
