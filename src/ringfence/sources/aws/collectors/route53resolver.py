"""Route 53 Resolver: query log and DNS Firewall associations with VPCs, and resolver endpoints.

Three collectors, so that one API refused or unavailable (DNS Firewall is not offered everywhere)
leaves the others' answers standing; a failed listing marks its kind incomplete for the region, which
the checks report as UNKNOWN rather than "no association".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.model.resolver import (
    FirewallAssociation,
    QueryLogAssociation,
    ResolverEndpoint,
    ResolverIpAddress,
)
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.registry import collector


@collector(
    "route53resolver.query_log_associations",
    service="route53resolver",
    iam_actions=("route53resolver:ListResolverQueryLogConfigAssociations",),
    produces=(QueryLogAssociation,),
)
def collect_query_log_associations(ctx: CollectContext) -> Iterator[QueryLogAssociation]:
    for item in ctx.iter_pages(
        "list_resolver_query_log_config_associations", "ResolverQueryLogConfigAssociations"
    ):
        resource = str(item.get("ResourceId", ""))
        if not resource.startswith("vpc-"):
            continue
        error = item.get("Error")
        yield QueryLogAssociation(
            arn=f"{ctx.account}/{ctx.region}/{item['Id']}",
            native_id=str(item["Id"]),
            account=ctx.account,
            region="",
            listed_region=ctx.region,
            vpc_id=resource,
            config_id=item.get("ResolverQueryLogConfigId"),
            status=item.get("Status"),
            error=None if error in (None, "", "NONE") else f"{error}: {item.get('ErrorMessage', '')}".strip(),
        )


@collector(
    "route53resolver.firewall_associations",
    service="route53resolver",
    iam_actions=("route53resolver:ListFirewallRuleGroupAssociations",),
    produces=(FirewallAssociation,),
)
def collect_firewall_associations(ctx: CollectContext) -> Iterator[FirewallAssociation]:
    for item in ctx.iter_pages("list_firewall_rule_group_associations", "FirewallRuleGroupAssociations"):
        association_id = str(item["Id"])
        yield FirewallAssociation(
            arn=str(item.get("Arn") or f"{ctx.account}/{ctx.region}/{association_id}"),
            native_id=association_id,
            account=ctx.account,
            region="",
            listed_region=ctx.region,
            vpc_id=str(item.get("VpcId", "")),
            rule_group_id=item.get("FirewallRuleGroupId"),
            association_name=item.get("Name"),
            status=item.get("Status"),
            priority=item.get("Priority"),
            managed_owner=item.get("ManagedOwnerName"),
        )


@collector(
    "route53resolver.endpoints",
    service="route53resolver",
    iam_actions=("route53resolver:ListResolverEndpoints", "route53resolver:ListResolverEndpointIpAddresses"),
    produces=(ResolverEndpoint,),
)
def collect_endpoints(ctx: CollectContext) -> Iterator[ResolverEndpoint]:
    for item in ctx.iter_pages("list_resolver_endpoints", "ResolverEndpoints"):
        yield _endpoint(ctx, item)


def _endpoint(ctx: CollectContext, item: Mapping[str, Any]) -> ResolverEndpoint:
    endpoint_id = str(item["Id"])
    unresolved: dict[str, str] = {}
    addresses: list[ResolverIpAddress] = []
    token: str | None = None
    while True:  # the endpoint's addresses (up to 6 per AZ), a page at a time
        kwargs: dict[str, Any] = {"ResolverEndpointId": endpoint_id}
        if token:
            kwargs["NextToken"] = token
        reply = ctx.call("list_resolver_endpoint_ip_addresses", **kwargs)
        if reply.error:
            unresolved["ip_addresses"] = reply.error
            break
        addresses.extend(
            ResolverIpAddress(
                ip=a.get("Ip") or a.get("Ipv6"), subnet_id=a.get("SubnetId"), status=a.get("Status")
            )
            for a in reply.data.get("IpAddresses", [])
        )
        token = reply.data.get("NextToken")
        if not token:
            break
    return ResolverEndpoint(
        arn=str(item.get("Arn") or ctx.arn("route53resolver", f"resolver-endpoint/{endpoint_id}")),
        native_id=endpoint_id,
        account=ctx.account,
        region=ctx.region,
        endpoint_name=item.get("Name"),
        direction=item.get("Direction"),
        status=item.get("Status"),
        vpc_id=item.get("HostVPCId"),
        security_group_ids=tuple(item.get("SecurityGroupIds") or ()),
        ip_addresses=tuple(addresses),
        unresolved=unresolved,
    )
