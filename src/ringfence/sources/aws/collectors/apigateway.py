"""API Gateway REST APIs (v1) with their resource policy and stages, and HTTP/WebSocket APIs (v2).

A stage's web ACL is the webAclArn GetStages reports; where a stage of an EDGE or REGIONAL API reports
none, wafv2:GetWebACLForResource is asked to confirm it, so that "no web ACL" is WAF's own answer.

Every API Gateway management read is the IAM action apigateway:GET. The REST API's policy comes back
as JSON text with its quotes escaped ({\\"Version\\": ...}); it is unescaped here so that the model holds
plain policy JSON like every other resource's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.model.apigateway import ApiStage, HttpApi, RestApi
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.registry import collector


def api_arn(ctx: CollectContext, path: str) -> str:
    """The ARN IAM and WAF give an API Gateway resource: arn:PARTITION:apigateway:REGION::PATH."""
    return f"arn:{ctx.partition}:apigateway:{ctx.region}::{path}"


@collector(
    "apigateway.rest_apis",
    service="apigateway",
    iam_actions=("apigateway:GET", "wafv2:GetWebACLForResource"),
    produces=(RestApi, ApiStage),
)
def collect_rest_apis(ctx: CollectContext) -> Iterator[RestApi | ApiStage]:
    for api in ctx.paginate("get_rest_apis", "items"):
        api_id = str(api["id"])
        stages = ctx.call("get_stages", absent=("NotFoundException",), restApiId=api_id)
        if stages.absent:
            continue  # deleted since the listing
        endpoint = api.get("endpointConfiguration") or {}
        yield RestApi(
            arn=api_arn(ctx, f"/restapis/{api_id}"),
            native_id=api_id,
            account=ctx.account,
            region=ctx.region,
            tags=dict(api.get("tags") or {}),
            api_name=str(api.get("name", "")),
            endpoint_types=tuple(endpoint.get("types") or ()),
            vpc_endpoint_ids=tuple(endpoint.get("vpcEndpointIds") or ()),
            policy=policy_text(api.get("policy")),
            disable_execute_api_endpoint=api.get("disableExecuteApiEndpoint"),
            unresolved={"stages": stages.error} if stages.error else {},
        )
        public = set(endpoint.get("types") or ()) != {"PRIVATE"}
        for stage in stages.data.get("item", []):
            yield _stage(ctx, api_id, stage, public)


def _stage(ctx: CollectContext, api_id: str, stage: Mapping[str, Any], public: bool) -> ApiStage:
    name = str(stage["stageName"])
    arn = api_arn(ctx, f"/restapis/{api_id}/stages/{name}")
    web_acl = stage.get("webAclArn") or None
    unresolved: dict[str, str] = {}
    if web_acl is None and public:
        # The stage names its web ACL; WAFv2 confirms an absence (the answer WAF-01 fails on).
        reply = ctx.call(
            "get_web_acl_for_resource",
            service="wafv2",
            absent=("WAFNonexistentItemException",),
            ResourceArn=arn,
        )
        if reply.error:
            unresolved["web_acl_arn"] = reply.error
        web_acl = (reply.data.get("WebACL") or {}).get("ARN")
    return ApiStage(
        arn=arn,
        native_id=f"{api_id}/{name}",
        account=ctx.account,
        region=ctx.region,
        tags=dict(stage.get("tags") or {}),
        api_id=api_id,
        stage_name=name,
        web_acl_arn=web_acl,
        unresolved=unresolved,
    )


@collector(
    "apigatewayv2.apis",
    service="apigatewayv2",
    iam_actions=("apigateway:GET",),
    produces=(HttpApi,),
)
def collect_http_apis(ctx: CollectContext) -> Iterator[HttpApi]:
    for api in ctx.paginate("get_apis", "Items"):
        api_id = str(api["ApiId"])
        yield HttpApi(
            arn=api_arn(ctx, f"/apis/{api_id}"),
            native_id=api_id,
            account=ctx.account,
            region=ctx.region,
            tags=dict(api.get("Tags") or {}),
            api_name=str(api.get("Name", "")),
            protocol_type=api.get("ProtocolType"),
            disable_execute_api_endpoint=api.get("DisableExecuteApiEndpoint"),
        )


def policy_text(raw: str | None) -> str | None:
    """The policy as plain JSON text: API Gateway escapes its quotes (and slashes)."""
    if not raw:
        return None
    for candidate in (raw, raw.replace('\\"', '"').replace("\\/", "/").replace("\\\\", "\\")):
        try:
            json.loads(candidate)
        except ValueError:
            continue
        return candidate
    return raw  # kept as it came: the check says it cannot read it
