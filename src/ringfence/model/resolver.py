"""Route 53 Resolver: query logging and DNS Firewall associations, and resolver endpoints.

Associations attach configuration to a VPC; an organisation (Firewall Manager, shared query log
configurations) may attach them to every VPC, default ones included, so they keep `region` "" with
the region in `listed_region` (as cloudtrail.TrailListing does): they must not make a region "in
use". Resolver endpoints are infrastructure someone deployed, and are ordinary regional resources.
"""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind


@dataclass(frozen=True, kw_only=True)
class VpcAssociation(Resource):
    """Configuration associated with a VPC (not a kind of its own)."""

    listed_region: str = ""
    vpc_id: str = ""
    status: str | None = None


@resource_kind
@dataclass(frozen=True, kw_only=True)
class QueryLogAssociation(VpcAssociation):
    """A query log configuration associated with a VPC; `arn` is ACCOUNT/REGION/ASSOCIATION-ID."""

    KIND = "route53resolver.query_log_association"
    RESOURCE_TYPE = "AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation"

    # status: CREATING | ACTIVE | ACTION_NEEDED | DELETING | FAILED
    config_id: str | None = None
    error: str | None = None


@resource_kind
@dataclass(frozen=True, kw_only=True)
class FirewallAssociation(VpcAssociation):
    """A DNS Firewall rule group associated with a VPC."""

    KIND = "route53resolver.firewall_association"
    RESOURCE_TYPE = "AWS::Route53Resolver::FirewallRuleGroupAssociation"

    # status: COMPLETE | DELETING | UPDATING
    rule_group_id: str | None = None
    association_name: str | None = None
    priority: int | None = None
    managed_owner: str | None = None  # e.g. Route 53 Resolver DNS Firewall via Firewall Manager


@dataclass(frozen=True, slots=True)
class ResolverIpAddress:
    ip: str | None
    subnet_id: str | None
    status: str | None = None  # ATTACHED, CREATING, ...


@resource_kind
@dataclass(frozen=True, kw_only=True)
class ResolverEndpoint(Resource):
    KIND = "route53resolver.endpoint"
    RESOURCE_TYPE = "AWS::Route53Resolver::ResolverEndpoint"

    endpoint_name: str | None = None
    direction: str | None = None  # INBOUND | OUTBOUND
    status: str | None = None
    vpc_id: str | None = None
    security_group_ids: tuple[str, ...] = ()
    # `unresolved["ip_addresses"]` when ListResolverEndpointIpAddresses failed.
    ip_addresses: tuple[ResolverIpAddress, ...] = ()
