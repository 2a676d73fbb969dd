"""API Gateway: REST APIs and their stages (v1), HTTP and WebSocket APIs (v2), and custom domain names.

Custom domain names are one resource that both API versions list (apigateway GetDomainNames and
apigatewayv2 GetDomainNames); the collector merges them by name, and `mappings` holds the APIs
mapped to the domain whichever API listed the mapping. ARNs are the ones IAM and WAF use:
arn:PARTITION:apigateway:REGION::/restapis/ID, .../restapis/ID/stages/NAME, .../apis/ID and
.../domainnames/NAME.
"""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind

PRIVATE = "PRIVATE"


@resource_kind
@dataclass(frozen=True, kw_only=True)
class RestApi(Resource):
    KIND = "apigateway.rest_api"
    RESOURCE_TYPE = "AWS::ApiGateway::RestApi"

    api_name: str = ""
    endpoint_types: tuple[str, ...] = ()  # EDGE | REGIONAL | PRIVATE
    vpc_endpoint_ids: tuple[str, ...] = ()  # endpointConfiguration.vpcEndpointIds (PRIVATE)
    policy: str | None = None  # the resource policy as JSON text; None: no policy
    disable_execute_api_endpoint: bool | None = None

    @property
    def is_private(self) -> bool:
        return PRIVATE in self.endpoint_types

    @property
    def display_name(self) -> str:
        return f"{self.api_name} ({self.native_id})" if self.api_name else self.native_id


@resource_kind
@dataclass(frozen=True, kw_only=True)
class ApiStage(Resource):
    """A REST API stage; `native_id` is API_ID/STAGE."""

    KIND = "apigateway.stage"
    RESOURCE_TYPE = "AWS::ApiGateway::Stage"

    api_id: str = ""
    stage_name: str = ""
    web_acl_arn: str | None = None  # GetStages webAclArn: the web ACL associated with the stage


@resource_kind
@dataclass(frozen=True, kw_only=True)
class HttpApi(Resource):
    """An apigatewayv2 API (HTTP or WebSocket)."""

    KIND = "apigatewayv2.api"
    RESOURCE_TYPE = "AWS::ApiGatewayV2::Api"

    api_name: str = ""
    protocol_type: str | None = None  # HTTP | WEBSOCKET
    disable_execute_api_endpoint: bool | None = None

    @property
    def display_name(self) -> str:
        return f"{self.api_name} ({self.native_id})" if self.api_name else self.native_id


@dataclass(frozen=True, slots=True)
class ApiMapping:
    api_id: str
    stage: str | None = None
    path: str | None = None  # base path (v1) or API mapping key (v2); "" or "(none)" is the root


@dataclass(frozen=True, slots=True)
class MutualTls:
    truststore_uri: str | None = None
    truststore_version: str | None = None
    truststore_warnings: tuple[str, ...] = ()


@resource_kind
@dataclass(frozen=True, kw_only=True)
class ApiDomainName(Resource):
    """A custom domain name; `native_id` is the domain name (with +ID for a private one)."""

    KIND = "apigateway.domain_name"
    RESOURCE_TYPE = "AWS::ApiGateway::DomainName"

    domain_name: str = ""
    endpoint_types: tuple[str, ...] = ()  # EDGE | REGIONAL | PRIVATE
    security_policy: str | None = None  # TLS_1_0 | TLS_1_2 | SecurityPolicy_TLS13_... (None: not stated)
    certificate_arns: tuple[str, ...] = ()  # edge and regional certificates
    mutual_tls: MutualTls | None = None
    mappings: tuple[ApiMapping, ...] = ()
    status: str | None = None
    listed_by: tuple[str, ...] = ()  # "apigateway" and/or "apigatewayv2"

    @property
    def display_name(self) -> str:
        return self.domain_name or self.native_id
