"""CloudFormation load balancing -> model: ALB/NLB/GWLB, their listeners (declared apart from the
load balancer, with their listener rules joined to them) and Classic Load Balancers, whose
listeners are inline and whose TLS policy is one of their SSLNegotiationPolicyType policies.

A listener whose load balancer the files do not declare is still judged: its type follows from
its protocol (HTTP/HTTPS only exist on ALBs, TCP/TLS/UDP on NLBs, GENEVE on GWLBs).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ringfence.model import Listener, ListenerAction, ListenerRule, LoadBalancer, Resource
from ringfence.model.elb import CLASSIC, CLASSIC_LISTENER_TYPE
from ringfence.sources.iac import values as v
from ringfence.sources.iac.cloudformation import Declared, Fields, Unit, ident, idents, joins, maps
from ringfence.sources.iac.values import as_list, as_map

V2 = "AWS::ElasticLoadBalancingV2::LoadBalancer"
LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
_TYPE_BY_PROTOCOL = {
    "HTTP": "application",
    "HTTPS": "application",
    "TCP": "network",
    "TLS": "network",
    "UDP": "network",
    "TCP_UDP": "network",
    "GENEVE": "gateway",
}


def actions(f: Fields, value: Any, field_name: str, prop: str) -> tuple[ListenerAction, ...]:
    """Listener actions; an action whose type is not knowable is left out and noted."""
    if value is None:
        return ()
    if not isinstance(value, list):
        f.note(field_name, prop, value)
        return ()
    out: list[ListenerAction] = []
    for item in value:
        kind = v.scalar_text(item.get("Type")) if isinstance(item, dict) else None
        if kind is None or not isinstance(item, dict):
            f.note(field_name, prop, item.get("Type") if isinstance(item, dict) else item)
            continue
        redirect = as_map(item.get("RedirectConfig"))
        fixed = as_map(item.get("FixedResponseConfig"))
        protocol = redirect.get("Protocol")
        if kind.lower() == "redirect" and protocol is not None and v.scalar_text(protocol) is None:
            f.note(field_name, f"{prop} RedirectConfig.Protocol", protocol)
            continue
        forward = as_map(item.get("ForwardConfig"))
        groups = as_list(forward.get("TargetGroups"))
        out.append(
            ListenerAction(
                type=kind.lower(),
                redirect_protocol=(v.scalar_text(protocol) or "").upper() or None,
                redirect_port=v.scalar_text(redirect.get("Port")),
                status_code=v.scalar_text(redirect.get("StatusCode") or fixed.get("StatusCode")),
                target_group_arns=idents(item.get("TargetGroupArn"))
                + tuple(i for g in groups if isinstance(g, dict) for i in idents(g.get("TargetGroupArn"))),
                order=v.to_int(item.get("Order")),
            )
        )
    return tuple(out)


@maps(V2)
def load_balancer(d: Declared, unit: Unit) -> Iterator[Resource]:
    f = Fields(d, unit)
    attributes = d.get("LoadBalancerAttributes")
    subnets = idents(d.get("Subnets"))
    mappings = d.get("SubnetMappings")
    if isinstance(mappings, list):
        subnets += tuple(i for m in mappings if isinstance(m, dict) for i in idents(m.get("SubnetId")))
    yield LoadBalancer(
        **f.base(
            lb_name=v.scalar_text(d.get("Name")) or d.qid,
            lb_type=(f.text(d.get("Type"), "lb_type", "Type") or "application").lower(),
            scheme=(f.text(d.get("Scheme"), "scheme", "Scheme") or "internet-facing").lower(),
            subnet_ids=subnets,
            security_group_ids=idents(d.get("SecurityGroups")),
            attributes={
                str(a.get("Key")): v.display(a.get("Value")) or ""
                for a in (attributes if isinstance(attributes, list) else ())
                if isinstance(a, dict)
            },
        )
    )


@joins("AWS::ElasticLoadBalancingV2::ListenerRule")
def listener_rule(d: Declared, unit: Unit) -> None:
    target = unit.find(d.get("ListenerArn"), (LISTENER,))
    if target is None:
        return  # the rule of a listener declared elsewhere is judged with that listener, not here
    f = Fields(d, unit)
    rule = ListenerRule(
        arn=d.qid,
        priority=v.display(d.get("Priority")) or "?",
        actions=actions(f, d.get("Actions"), "rules", f"{d.logical_id} Actions"),
    )
    unit.file("listener-rule", target.qid, (rule, f.unresolved.get("rules")))


@maps(LISTENER)
def listener(d: Declared, unit: Unit) -> Iterator[Resource]:
    f = Fields(d, unit)
    protocol = (f.text(d.get("Protocol"), "protocol", "Protocol") or "").upper()
    lb_ref = d.get("LoadBalancerArn")
    lb = unit.find(lb_ref, (V2,))
    lb_type = _TYPE_BY_PROTOCOL.get(protocol, "application")
    lb_name = ident(lb_ref) or "?"
    if lb is not None:
        lb_type = (v.scalar_text(lb.get("Type")) or "application").lower()
        lb_name = v.scalar_text(lb.get("Name")) or lb.qid
    if not protocol and lb_type == "gateway":
        protocol = "GENEVE"
    rules: list[ListenerRule] = []
    for rule, reason in unit.take("listener-rule", d.qid):
        rules.append(rule)
        if reason:
            f.unresolved.setdefault("rules", f"rule {rule.arn}: {reason}")
    certificates = d.get("Certificates")
    yield Listener(
        **f.base(
            load_balancer_arn=lb.qid if lb else lb_name,
            load_balancer_name=lb_name,
            lb_type=lb_type,
            protocol=protocol,
            port=f.integer(d.get("Port"), "port", "Port"),
            ssl_policy=f.text(d.get("SslPolicy"), "ssl_policy", "SslPolicy"),
            certificate_arns=tuple(
                i
                for c in (certificates if isinstance(certificates, list) else ())
                if isinstance(c, dict)
                for i in idents(c.get("CertificateArn"))
            ),
            default_actions=actions(f, d.get("DefaultActions"), "default_actions", "DefaultActions"),
            rules=tuple(rules),
        )
    )


# --- Classic Load Balancers ---------------------------------------------------------------------


@maps("AWS::ElasticLoadBalancing::LoadBalancer")
def classic(d: Declared, unit: Unit) -> Iterator[Resource]:
    f = Fields(d, unit)
    name = v.scalar_text(d.get("LoadBalancerName")) or d.qid
    listeners = d.get("Listeners")
    if not isinstance(listeners, list):
        f.note("listeners", "Listeners", listeners)
        listeners = []
    policies = {
        v.scalar_text(p.get("PolicyName")): p for p in _list(d.get("Policies")) if isinstance(p, dict)
    }
    yield LoadBalancer(
        **f.base(
            lb_name=name,
            lb_type=CLASSIC,
            scheme=(v.scalar_text(d.get("Scheme")) or "internet-facing").lower(),
            subnet_ids=idents(d.get("Subnets")),
            security_group_ids=idents(d.get("SecurityGroups")),
            instance_ids=idents(d.get("Instances")),
        )
    )
    for item in listeners:
        if not isinstance(item, dict):
            continue
        lf = Fields(d, unit)
        port = lf.integer(item.get("LoadBalancerPort"), "port", "LoadBalancerPort")
        protocol = (lf.text(item.get("Protocol"), "protocol", "Protocol") or "").upper()
        names = [v.scalar_text(n) for n in _list(item.get("PolicyNames"))]
        names += [
            n for n, p in policies.items() if port is not None and port in _ports(p.get("LoadBalancerPorts"))
        ]
        ssl_policy = _negotiation_policy(lf, [policies[n] for n in names if n in policies])
        yield Listener(
            **lf.base(
                arn=f"{d.qid}/listener/{port if port is not None else '?'}",
                native_id=f"{d.qid}/listener/{port if port is not None else '?'}",
                source_type=CLASSIC_LISTENER_TYPE,
                load_balancer_arn=d.qid,
                load_balancer_name=name,
                lb_type=CLASSIC,
                protocol=protocol,
                port=port,
                ssl_policy=ssl_policy,
                certificate_arns=idents(item.get("SSLCertificateId")),
                instance_port=v.to_int(item.get("InstancePort")),
                instance_protocol=v.scalar_text(item.get("InstanceProtocol")),
                policy_names=tuple(n for n in names if n),
            )
        )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _ports(value: Any) -> set[int]:
    return {p for p in (v.to_int(x) for x in _list(value)) if p is not None}


def _negotiation_policy(f: Fields, policies: list[dict[str, Any]]) -> str | None:
    """The Reference-Security-Policy of the listener's SSLNegotiationPolicyType policy, or the
    custom policy's own name (as the live collector reports it); None: no policy (AWS's default)."""
    for policy in policies:
        if v.scalar_text(policy.get("PolicyType")) != "SSLNegotiationPolicyType":
            continue
        for attribute in _list(policy.get("Attributes")):
            if isinstance(attribute, dict) and attribute.get("Name") == "Reference-Security-Policy":
                return f.text(attribute.get("Value"), "ssl_policy", "Reference-Security-Policy")
        return v.scalar_text(policy.get("PolicyName"))
    return None
