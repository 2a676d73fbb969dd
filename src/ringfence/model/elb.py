"""Elastic Load Balancing: ALB/NLB/GWLB (elbv2) and Classic Load Balancers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ringfence.model.base import Resource, resource_kind


@resource_kind
@dataclass(frozen=True, kw_only=True)
class LoadBalancer(Resource):
    KIND = "elb.load_balancer"
    RESOURCE_TYPE = "AWS::ElasticLoadBalancingV2::LoadBalancer"

    lb_type: str = "application"  # application | network | gateway | classic
    scheme: str | None = None  # internet-facing | internal
    vpc_id: str | None = None
    subnet_ids: tuple[str, ...] = ()
    availability_zones: tuple[str, ...] = ()
    security_group_ids: tuple[str, ...] = ()
    dns_name: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ListenerAction:
    type: str  # forward | redirect | fixed-response | authenticate-oidc | authenticate-cognito
    redirect_protocol: str | None = None  # HTTPS | HTTP | #{protocol}
    redirect_port: str | None = None
    status_code: str | None = None
    target_group_arns: tuple[str, ...] = ()


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
    lb_type: str = "application"
    protocol: str = ""  # HTTP | HTTPS | TCP | TLS | UDP | TCP_UDP | GENEVE | SSL (classic)
    port: int | None = None
    # elbv2: the SslPolicy. Classic: the Reference-Security-Policy of the listener's
    # SSLNegotiationPolicyType policy, or the custom policy's own name when it has none.
    ssl_policy: str | None = None
    certificate_arns: tuple[str, ...] = ()
    default_actions: tuple[ListenerAction, ...] = ()
    rules: tuple[ListenerRule, ...] = ()  # non-default rules
    mutual_authentication: MutualAuthentication | None = None
    instance_port: int | None = None  # classic only
    instance_protocol: str | None = None  # classic only
