"""Elastic Load Balancing: ALB/NLB/GWLB (elbv2) and Classic Load Balancers.

Both generations share these classes; `lb_type` says which. elbv2 resources carry their AWS ARNs.
A Classic Load Balancer has no ARN in its API, so its id is built the way IAM policies name it
(arn:PARTITION:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/NAME) and each of its listeners is
that id + "/listener/PORT" (a classic listener is identified by its front-end port).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ringfence.model.base import Resource, resource_kind

CLASSIC = "classic"
CLASSIC_RESOURCE_TYPE = "AWS::ElasticLoadBalancing::LoadBalancer"
CLASSIC_LISTENER_TYPE = "AWS::ElasticLoadBalancing::LoadBalancer.Listeners"
TLS_PROTOCOLS = frozenset({"HTTPS", "TLS", "SSL"})  # SSL: classic only


@resource_kind
@dataclass(frozen=True, kw_only=True)
class LoadBalancer(Resource):
    """`native_id` is the ARN (elbv2) or the built ARN (classic): names are not unique across the
    two generations."""

    KIND = "elb.load_balancer"
    RESOURCE_TYPE = "AWS::ElasticLoadBalancingV2::LoadBalancer"

    lb_name: str = ""
    lb_type: str = "application"  # application | network | gateway | classic
    scheme: str | None = None  # internet-facing | internal
    state: str | None = None  # active | provisioning | failed ... (elbv2)
    vpc_id: str | None = None
    subnet_ids: tuple[str, ...] = ()
    availability_zones: tuple[str, ...] = ()
    security_group_ids: tuple[str, ...] = ()
    dns_name: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)  # elbv2 DescribeLoadBalancerAttributes
    instance_ids: tuple[str, ...] = ()  # classic: registered instances

    @property
    def resource_type(self) -> str:
        """The CloudFormation type of this load balancer (the class constant is elbv2's)."""
        return CLASSIC_RESOURCE_TYPE if self.lb_type == CLASSIC else self.RESOURCE_TYPE

    @property
    def display_name(self) -> str:
        return self.name or self.lb_name or self.native_id


@dataclass(frozen=True, slots=True)
class ListenerAction:
    type: str  # forward | redirect | fixed-response | authenticate-oidc | authenticate-cognito
    redirect_protocol: str | None = None  # HTTPS | HTTP | #{protocol}
    redirect_port: str | None = None
    # redirect: HTTP_301 | HTTP_302; fixed-response: the HTTP status it answers with ("403")
    status_code: str | None = None
    target_group_arns: tuple[str, ...] = ()
    order: int | None = None

    def describe(self) -> str:
        if self.type == "redirect":
            where = self.redirect_protocol or "#{protocol}"
            port = f":{self.redirect_port}" if self.redirect_port else ""
            return f"redirect to {where}{port}"
        if self.type == "fixed-response":
            return f"fixed-response {self.status_code or '?'}"
        if self.type == "forward":
            return "forward to targets"
        return self.type


@dataclass(frozen=True, slots=True)
class ListenerRule:
    arn: str
    priority: str  # a number, or "default"
    actions: tuple[ListenerAction, ...] = ()


@dataclass(frozen=True, slots=True)
class MutualAuthentication:
    mode: str  # off | passthrough | verify
    trust_store_arn: str | None = None
    ignore_client_certificate_expiry: bool | None = None


@resource_kind
@dataclass(frozen=True, kw_only=True)
class Listener(Resource):
    KIND = "elb.listener"
    RESOURCE_TYPE = "AWS::ElasticLoadBalancingV2::Listener"

    load_balancer_arn: str = ""
    load_balancer_name: str = ""
    lb_type: str = "application"
    protocol: str = ""  # HTTP | HTTPS | TCP | TLS | UDP | TCP_UDP | GENEVE | SSL (classic)
    port: int | None = None
    # elbv2: the SslPolicy, meaningful only on HTTPS/TLS listeners (see terminates_tls).
    # Classic: the Reference-Security-Policy of the listener's SSLNegotiationPolicyType policy, or
    # the custom policy's own name when it has none.
    ssl_policy: str | None = None
    certificate_arns: tuple[str, ...] = ()  # the default certificate first, then the SNI ones
    default_actions: tuple[ListenerAction, ...] = ()
    rules: tuple[ListenerRule, ...] = ()  # non-default rules (ALB)
    mutual_authentication: MutualAuthentication | None = None
    instance_port: int | None = None  # classic only
    instance_protocol: str | None = None  # classic only
    policy_names: tuple[str, ...] = ()  # classic only: every policy enabled on the listener

    @property
    def terminates_tls(self) -> bool:
        return self.protocol.upper() in TLS_PROTOCOLS

    @property
    def label(self) -> str:
        """PROTOCOL:PORT of LB-NAME, the way people name a listener."""
        kind = "Classic Load Balancer" if self.lb_type == CLASSIC else f"{self.lb_type} load balancer"
        return f"{self.protocol}:{self.port} of {kind} {self.load_balancer_name or self.load_balancer_arn}"

    @property
    def resource_type(self) -> str:
        return CLASSIC_LISTENER_TYPE if self.lb_type == CLASSIC else self.RESOURCE_TYPE


@resource_kind
@dataclass(frozen=True, kw_only=True)
class TrustStore(Resource):
    """An elbv2 trust store (the CA bundle an ALB verifies client certificates against)."""

    KIND = "elb.trust_store"
    RESOURCE_TYPE = "AWS::ElasticLoadBalancingV2::TrustStore"

    store_name: str = ""
    status: str | None = None  # ACTIVE | CREATING
    ca_certificate_count: int | None = None
    revoked_entries: int | None = None


@dataclass(frozen=True, slots=True)
class TargetDescription:
    target_id: str  # an instance id, an IP address, a Lambda ARN or an ALB ARN (by target_type)
    port: int | None = None
    availability_zone: str | None = None
    health: str | None = None  # TargetHealth.State


@resource_kind
@dataclass(frozen=True, kw_only=True)
class TargetGroup(Resource):
    KIND = "elb.target_group"
    RESOURCE_TYPE = "AWS::ElasticLoadBalancingV2::TargetGroup"

    group_name: str = ""
    target_type: str | None = None  # instance | ip | lambda | alb
    protocol: str | None = None
    port: int | None = None
    vpc_id: str | None = None
    load_balancer_arns: tuple[str, ...] = ()
    targets: tuple[TargetDescription, ...] = ()
