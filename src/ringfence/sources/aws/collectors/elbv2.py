"""Elastic Load Balancing v2 (ALB, NLB, GWLB): load balancers with their attributes, listeners
(with every certificate, not only the default one) and ALB listener rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ringfence.model import Listener, ListenerAction, ListenerRule, LoadBalancer, MutualAuthentication
from ringfence.sources.aws.context import CollectContext, tags_of
from ringfence.sources.aws.registry import collector

TAG_BATCH = 20  # DescribeTags takes at most 20 ARNs
PAGE_SIZE = 400  # the largest page the detail listings accept


@collector(
    "elbv2.load_balancers",
    service="elbv2",
    iam_actions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeListenerCertificates",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTags",
    ),
    produces=(LoadBalancer, Listener),
)
def collect_load_balancers(ctx: CollectContext) -> Iterator[LoadBalancer | Listener]:
    balancers = ctx.paginate("describe_load_balancers", "LoadBalancers")
    tags, tag_errors = _tags(ctx, [lb["LoadBalancerArn"] for lb in balancers])
    for lb in balancers:
        arn = lb["LoadBalancerArn"]
        yield from _load_balancer(ctx, lb, tags.get(arn, {}), tag_errors.get(arn))


def _load_balancer(
    ctx: CollectContext, lb: Mapping[str, Any], tags: dict[str, str], tag_error: str | None
) -> Iterator[LoadBalancer | Listener]:
    arn = str(lb["LoadBalancerArn"])
    name = str(lb.get("LoadBalancerName", ""))
    lb_type = str(lb.get("Type", "application"))
    unresolved: dict[str, str] = {}
    if tag_error:
        unresolved["tags"] = tag_error
    gone = ("LoadBalancerNotFound",)
    attributes = ctx.call("describe_load_balancer_attributes", absent=gone, LoadBalancerArn=arn)
    if attributes.absent:
        return  # deleted while the scan ran
    if attributes.error:
        unresolved["attributes"] = attributes.error
    listeners, deleted, error = detail_pages(
        ctx, "describe_listeners", "Listeners", gone, LoadBalancerArn=arn
    )
    if deleted:
        return
    if error:
        unresolved["listeners"] = error
    zones = lb.get("AvailabilityZones", [])
    yield LoadBalancer(
        arn=arn,
        native_id=arn,
        account=ctx.account,
        region=ctx.region,
        tags=tags,
        lb_name=name,
        lb_type=lb_type,
        scheme=lb.get("Scheme"),
        state=(lb.get("State") or {}).get("Code"),
        vpc_id=lb.get("VpcId"),
        subnet_ids=tuple(z["SubnetId"] for z in zones if z.get("SubnetId")),
        availability_zones=tuple(z["ZoneName"] for z in zones if z.get("ZoneName")),
        security_group_ids=tuple(lb.get("SecurityGroups", [])),
        dns_name=lb.get("DNSName"),
        attributes={str(a["Key"]): str(a.get("Value", "")) for a in attributes.data.get("Attributes", [])},
        unresolved=unresolved,
    )
    for raw in listeners:
        listener = _listener(ctx, raw, name, lb_type)
        if listener is not None:
            yield listener


def _listener(ctx: CollectContext, raw: Mapping[str, Any], lb_name: str, lb_type: str) -> Listener | None:
    arn = str(raw["ListenerArn"])
    protocol = str(raw.get("Protocol", ""))
    unresolved: dict[str, str] = {}
    gone = ("ListenerNotFound",)
    certificates = [c["CertificateArn"] for c in raw.get("Certificates", []) if c.get("CertificateArn")]
    if protocol in ("HTTPS", "TLS"):
        # DescribeListeners names only the default certificate; the SNI ones are listed here.
        extra, deleted, error = detail_pages(
            ctx, "describe_listener_certificates", "Certificates", gone, ListenerArn=arn
        )
        if deleted:
            return None
        if error:
            unresolved["certificate_arns"] = error
        certificates += [c["CertificateArn"] for c in extra if c.get("CertificateArn")]
    rules: list[Mapping[str, Any]] = []
    if lb_type == "application":
        rules, deleted, error = detail_pages(ctx, "describe_rules", "Rules", gone, ListenerArn=arn)
        if deleted:
            return None
        if error:
            unresolved["rules"] = error
    mtls = raw.get("MutualAuthentication")
    return Listener(
        arn=arn,
        native_id=arn,
        account=ctx.account,
        region=ctx.region,
        load_balancer_arn=str(raw.get("LoadBalancerArn", "")),
        load_balancer_name=lb_name,
        lb_type=lb_type,
        protocol=protocol,
        port=raw.get("Port"),
        ssl_policy=raw.get("SslPolicy"),
        certificate_arns=tuple(dict.fromkeys(certificates)),
        default_actions=actions_of(raw.get("DefaultActions", [])),
        rules=tuple(
            ListenerRule(
                arn=str(r["RuleArn"]),
                priority=str(r.get("Priority", "")),
                actions=actions_of(r.get("Actions", [])),
            )
            for r in rules
            if not r.get("IsDefault")  # the default rule is the listener's default actions
        ),
        mutual_authentication=MutualAuthentication(
            mode=str(mtls.get("Mode", "off")),
            trust_store_arn=mtls.get("TrustStoreArn"),
            ignore_client_certificate_expiry=mtls.get("IgnoreClientCertificateExpiry"),
        )
        if mtls
        else None,
        unresolved=unresolved,
    )


def actions_of(raw: Iterable[Mapping[str, Any]]) -> tuple[ListenerAction, ...]:
    actions: list[ListenerAction] = []
    for action in sorted(raw, key=lambda a: int(a.get("Order", 0))):
        redirect = action.get("RedirectConfig") or {}
        fixed = action.get("FixedResponseConfig") or {}
        groups = [action["TargetGroupArn"]] if action.get("TargetGroupArn") else []
        forward = action.get("ForwardConfig") or {}
        groups += [g["TargetGroupArn"] for g in forward.get("TargetGroups", []) if g.get("TargetGroupArn")]
        actions.append(
            ListenerAction(
                type=str(action.get("Type", "")),
                redirect_protocol=redirect.get("Protocol"),
                redirect_port=redirect.get("Port"),
                status_code=redirect.get("StatusCode") or fixed.get("StatusCode"),
                target_group_arns=tuple(dict.fromkeys(groups)),
                order=action.get("Order"),
            )
        )
    return tuple(actions)


def detail_pages(
    ctx: CollectContext, operation: str, key: str, absent: tuple[str, ...], **kwargs: Any
) -> tuple[list[Mapping[str, Any]], bool, str | None]:
    """(items, absent, error) of a per-resource listing, across Marker/NextMarker pages.

    Through `ctx.call`, not `ctx.iter_pages`: one load balancer whose listeners cannot be read
    records a gap and is marked unresolved; it does not stop the collector for the others."""
    items: list[Mapping[str, Any]] = []
    marker: str | None = None
    while True:
        page = {"Marker": marker} if marker else {}
        reply = ctx.call(operation, absent=absent, PageSize=PAGE_SIZE, **kwargs, **page)
        if reply.absent:
            return [], True, None
        if reply.error:
            return [], False, reply.error
        items.extend(reply.data.get(key, []))
        marker = reply.data.get("NextMarker")
        if not marker:
            return items, False, None


def _tags(ctx: CollectContext, arns: list[str]) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Tags by ARN, and the reason for each ARN whose tags could not be read."""
    found: dict[str, dict[str, str]] = {}
    errors: dict[str, str] = {}
    for start in range(0, len(arns), TAG_BATCH):
        batch = arns[start : start + TAG_BATCH]
        reply = ctx.call("describe_tags", ResourceArns=batch)
        if reply.error:
            errors.update(dict.fromkeys(arns[start:], reply.error))  # the rest would fail alike
            break
        for item in reply.data.get("TagDescriptions", []):
            found[str(item.get("ResourceArn"))] = tags_of(item.get("Tags"))
    return found, errors
