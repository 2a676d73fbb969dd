"""Classic Load Balancers and their listeners, with each TLS listener's security policy resolved.

A classic HTTPS/SSL listener names its policies (PolicyNames); the one of type
SSLNegotiationPolicyType decides the protocols and ciphers. When that policy was made from a
predefined one its "Reference-Security-Policy" attribute names it; a custom policy (its own list
of protocols and ciphers) has none and is reported by its own name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ringfence.model import Listener, LoadBalancer
from ringfence.model.elb import CLASSIC
from ringfence.sources.aws.context import CollectContext, tags_of
from ringfence.sources.aws.registry import collector

TAG_BATCH = 20  # DescribeTags takes at most 20 names
NEGOTIATION = "SSLNegotiationPolicyType"
REFERENCE = "Reference-Security-Policy"
SECURE = ("HTTPS", "SSL")


@collector(
    "elb.classic_load_balancers",
    service="elb",
    iam_actions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerPolicies",
        "elasticloadbalancing:DescribeTags",
    ),
    produces=(LoadBalancer, Listener),
)
def collect_classic_load_balancers(ctx: CollectContext) -> Iterator[LoadBalancer | Listener]:
    balancers = ctx.paginate("describe_load_balancers", "LoadBalancerDescriptions")
    tags, tag_errors = _tags(ctx, [lb["LoadBalancerName"] for lb in balancers])
    for lb in balancers:
        name = str(lb["LoadBalancerName"])
        arn = ctx.arn("elasticloadbalancing", f"loadbalancer/{name}")
        unresolved = {"tags": tag_errors[name]} if name in tag_errors else {}
        yield LoadBalancer(
            arn=arn,
            native_id=arn,
            account=ctx.account,
            region=ctx.region,
            tags=tags.get(name, {}),
            lb_name=name,
            lb_type=CLASSIC,
            scheme=lb.get("Scheme"),
            vpc_id=lb.get("VPCId"),
            subnet_ids=tuple(lb.get("Subnets", [])),
            availability_zones=tuple(lb.get("AvailabilityZones", [])),
            security_group_ids=tuple(lb.get("SecurityGroups", [])),
            dns_name=lb.get("DNSName"),
            instance_ids=tuple(i["InstanceId"] for i in lb.get("Instances", []) if i.get("InstanceId")),
            unresolved=unresolved,
        )
        descriptions = lb.get("ListenerDescriptions", [])
        policies, error = _negotiation_policies(ctx, name, descriptions)
        for description in descriptions:
            yield _listener(ctx, arn, name, description, policies, error)


def _listener(
    ctx: CollectContext,
    lb_arn: str,
    lb_name: str,
    description: Mapping[str, Any],
    policies: Mapping[str, str],
    policy_error: str | None,
) -> Listener:
    raw = description.get("Listener", {})
    protocol = str(raw.get("Protocol", "")).upper()
    port = int(raw["LoadBalancerPort"])
    names = tuple(str(n) for n in description.get("PolicyNames", []))
    ssl_policy = next((policies[n] for n in names if n in policies), None)
    unresolved: dict[str, str] = {}
    if protocol in SECURE and ssl_policy is None:
        unresolved["ssl_policy"] = policy_error or (
            f"no {NEGOTIATION} policy among the listener's policies ({', '.join(names) or 'none'})"
        )
    arn = f"{lb_arn}/listener/{port}"
    return Listener(
        arn=arn,
        native_id=arn,
        account=ctx.account,
        region=ctx.region,
        load_balancer_arn=lb_arn,
        load_balancer_name=lb_name,
        lb_type=CLASSIC,
        protocol=protocol,
        port=port,
        ssl_policy=ssl_policy,
        certificate_arns=(str(raw["SSLCertificateId"]),) if raw.get("SSLCertificateId") else (),
        instance_port=raw.get("InstancePort"),
        instance_protocol=str(raw["InstanceProtocol"]).upper() if raw.get("InstanceProtocol") else None,
        policy_names=names,
        unresolved=unresolved,
    )


def _negotiation_policies(
    ctx: CollectContext, lb_name: str, descriptions: Iterable[Mapping[str, Any]]
) -> tuple[dict[str, str], str | None]:
    """{policy name: security policy it stands for} for the TLS listeners' negotiation policies."""
    wanted = {
        str(n)
        for d in descriptions
        if str(d.get("Listener", {}).get("Protocol", "")).upper() in SECURE
        for n in d.get("PolicyNames", [])
    }
    if not wanted:
        return {}, None
    reply = ctx.call("describe_load_balancer_policies", LoadBalancerName=lb_name)
    if reply.error:
        return {}, reply.error
    described = list(reply.data.get("PolicyDescriptions", []))
    missing = wanted - {str(p.get("PolicyName")) for p in described}
    if missing:
        # A listener may name a predefined policy directly: those are described without an LB name.
        predefined = ctx.call("describe_load_balancer_policies", PolicyNames=sorted(missing))
        if predefined.error:
            return _resolve(described), predefined.error
        described += predefined.data.get("PolicyDescriptions", [])
    return _resolve(described), None


def _resolve(descriptions: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    resolved: dict[str, str] = {}
    for policy in descriptions:
        if policy.get("PolicyTypeName") != NEGOTIATION:
            continue
        name = str(policy["PolicyName"])
        attributes = {
            str(a.get("AttributeName")): a.get("AttributeValue")
            for a in policy.get("PolicyAttributeDescriptions", [])
        }
        resolved[name] = str(attributes.get(REFERENCE) or name)
    return resolved


def _tags(ctx: CollectContext, names: list[str]) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    errors: dict[str, str] = {}
    for start in range(0, len(names), TAG_BATCH):
        reply = ctx.call("describe_tags", LoadBalancerNames=names[start : start + TAG_BATCH])
        if reply.error:
            errors.update(dict.fromkeys(names[start:], reply.error))  # the rest would fail alike
            break
        for item in reply.data.get("TagDescriptions", []):
            found[str(item.get("LoadBalancerName"))] = tags_of(item.get("Tags"))
    return found, errors
