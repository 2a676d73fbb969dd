"""WAF-01: internet-facing ALBs, CloudFront distributions and API stages have a WAF web ACL.

ALBs: the web ACL wafv2:GetWebACLForResource names (internal ALBs are not applicable). CloudFront:
DistributionConfig.WebACLId, a WAFv2 web ACL ARN (a bare id is a WAF Classic web ACL, which fails:
WAF Classic is retired). REST API stages of EDGE and REGIONAL APIs: the stage's webAclArn, confirmed
by GetWebACLForResource when absent (PRIVATE APIs are reached only through VPC endpoints: not
applicable). HTTP and WebSocket APIs cannot take a web ACL at all: not applicable, with that reason.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Inventory, LoadBalancer, Remediation, Resource, Severity
from ringfence.model.apigateway import ApiStage, HttpApi, RestApi
from ringfence.model.cloudfront import Distribution
from ringfence.model.waf import WebAclAssociation

META = CheckMeta(
    id="WAF-01",
    title="Internet-facing ALBs, CloudFront distributions and API stages have a WAF web ACL",
    severity=Severity.HIGH,
    rationale=(
        "An internet-facing HTTP entry point without a web ACL passes every request to the application "
        "unfiltered: no managed rules against injection and known exploits, no rate limits, no IP "
        "reputation lists."
    ),
    remediation=Remediation(
        text=(
            "Associate a WAFv2 web ACL (REGIONAL scope for ALBs and API stages, CLOUDFRONT scope in "
            "us-east-1 for distributions) with at least the AWS managed core rule set."
        ),
        cli=(
            "aws wafv2 associate-web-acl --web-acl-arn WEB_ACL_ARN --resource-arn RESOURCE_ARN\n"
            "aws cloudfront update-distribution --id DIST_ID --if-match ETAG "
            "--distribution-config file://config-with-WebACLId.json"
        ),
        cloudformation=(
            "Type: AWS::WAFv2::WebACLAssociation\nProperties:\n  ResourceArn: !Ref LoadBalancer\n"
            "  WebACLArn: !GetAtt WebAcl.Arn"
        ),
        terraform=(
            'resource "aws_wafv2_web_acl_association" "alb" {\n  resource_arn = aws_lb.web.arn\n'
            "  web_acl_arn  = aws_wafv2_web_acl.web.arn\n}"
        ),
    ),
    modes=("live",),
    resource_types=(
        LoadBalancer.KIND,
        WebAclAssociation.KIND,
        Distribution.KIND,
        RestApi.KIND,
        ApiStage.KIND,
        HttpApi.KIND,
    ),
    tested_with="moto server; Inventory built directly for unreadable associations and WAF Classic ids",
    frameworks=Mapping_(fsbp=("ELB.16", "CloudFront.6", "APIGateway.4"), nist_800_53=("SC-7",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    for lb in inv.of(LoadBalancer):
        if lb.lb_type == "application":
            yield _load_balancer(inv, lb)
    for dist in inv.of(Distribution):
        yield _acl_outcome(dist, f"distribution {dist.display_name}", dist.web_acl_id)
    for api in inv.of(RestApi):
        reason = api.unknown("stages")
        if reason:
            yield unknown(api, f"the stages of REST API {api.display_name} could not be read: {reason}")
    for stage in inv.of(ApiStage):
        yield _stage(inv, stage)
    for http in inv.of(HttpApi):
        yield not_applicable(
            http, f"{http.protocol_type or 'HTTP'} API {http.display_name}: such APIs cannot take a web ACL"
        )


def _load_balancer(inv: Inventory, lb: LoadBalancer) -> Outcome:
    name = f"ALB {lb.display_name}"
    if lb.scheme == "internal":
        return not_applicable(lb, f"{name} is internal")
    if lb.scheme != "internet-facing":
        return unknown(lb, f"the scheme of {name} is not known")
    assoc = inv.get(WebAclAssociation, lb.account, lb.region, lb.arn)
    if assoc is None:
        why = (
            "the load balancer was not asked about (created during the scan?)"
            if inv.listing_complete(WebAclAssociation, lb.account, lb.region)
            else "wafv2:GetWebACLForResource could not be read (see coverage gaps)"
        )
        return unknown(lb, f"the web ACL of {name} is not known: {why}")
    reason = assoc.unknown("web_acl_arn")
    if reason:
        return unknown(lb, f"the web ACL of {name} is not known: {reason}")
    return _acl_outcome(lb, name, assoc.web_acl_arn)


def _stage(inv: Inventory, stage: ApiStage) -> Outcome:
    name = f"stage {stage.stage_name} of REST API {stage.api_id}"
    api = inv.get(RestApi, stage.account, stage.region, stage.api_id)
    if api is None:
        return unknown(stage, f"{name}: the API is not in the inventory, so its endpoint type is not known")
    if api.is_private:
        return not_applicable(stage, f"{name}: the API is PRIVATE, reached only through VPC endpoints")
    if not api.endpoint_types:
        return unknown(stage, f"{name}: the API's endpoint type is not known")
    reason = stage.unknown("web_acl_arn")
    if reason:
        return unknown(stage, f"the web ACL of {name} is not known: {reason}")
    return _acl_outcome(stage, f"{name} ({'/'.join(api.endpoint_types)})", stage.web_acl_arn)


def _acl_outcome(resource: Resource, name: str, acl: str | None) -> Outcome:
    if not acl:
        return failed(resource, f"{name} has no WAF web ACL")
    if ":wafv2:" not in acl:
        return failed(resource, f"{name} is protected by WAF Classic ({acl}), which is retired: use WAFv2")
    return passed(resource, f"{name} is protected by web ACL {acl.rsplit('/', 2)[-2] if '/' in acl else acl}")
