"""Terraform load balancing -> model: aws_lb/aws_alb, aws_lb_listener/aws_alb_listener (with
aws_lb_listener_rule joined), and Classic Load Balancers (aws_elb, whose TLS policy comes from
aws_load_balancer_listener_policy + aws_load_balancer_policy).

An HTTPS/TLS listener whose ssl_policy the configuration leaves unset gets AWS's default policy;
the plan records that as not set (None), and TLS-01 names the default.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ringfence.model import Listener, ListenerAction, ListenerRule, LoadBalancer, Resource
from ringfence.model.elb import CLASSIC
from ringfence.sources.iac.terraform import Plan, TfFields, TfResource, first_block, tf_joins, tf_maps
from ringfence.sources.iac.values import Unknown

LBS = ("aws_lb", "aws_alb")
LISTENERS = ("aws_lb_listener", "aws_alb_listener")
_TYPE_BY_PROTOCOL = {
    "HTTP": "application",
    "HTTPS": "application",
    "TCP": "network",
    "TLS": "network",
    "UDP": "network",
    "TCP_UDP": "network",
    "GENEVE": "gateway",
}


def _actions(f: TfFields, r: TfResource, key: str, field_name: str) -> tuple[ListenerAction, ...]:
    value = r.get(key)
    if isinstance(value, Unknown):
        if r.configured(key):
            f.unresolved[field_name] = value.reason
        return ()
    out: list[ListenerAction] = []
    for item in value or ():
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            f.unresolved.setdefault(field_name, f"{r.address}: an action's type is known only after apply")
            continue
        redirect = first_block(item.get("redirect"))
        fixed = first_block(item.get("fixed_response"))
        protocol = redirect.get("protocol")
        out.append(
            ListenerAction(
                type=item["type"],
                redirect_protocol=str(protocol).upper() if isinstance(protocol, str) and protocol else None,
                redirect_port=str(redirect["port"]) if redirect.get("port") else None,
                status_code=str(redirect.get("status_code") or fixed.get("status_code") or "") or None,
                target_group_arns=tuple(
                    a for a in [item.get("target_group_arn")] if isinstance(a, str) and a
                ),
                order=item.get("order") if isinstance(item.get("order"), int) else None,
            )
        )
    return tuple(out)


@tf_maps(*LBS)
def load_balancer(r: TfResource, plan: Plan) -> Iterator[Resource]:
    f = TfFields(r, plan)
    subnets = r.after.get("subnets")
    groups = r.after.get("security_groups")
    yield LoadBalancer(
        **f.base(
            lb_name=str(r.after.get("name") or r.address),
            lb_type=str(r.after.get("load_balancer_type") or "application"),
            scheme="internal" if r.after.get("internal") is True else "internet-facing",
            subnet_ids=tuple(s for s in subnets or () if isinstance(s, str))
            if isinstance(subnets, list)
            else (),
            security_group_ids=tuple(g for g in groups or () if isinstance(g, str))
            if isinstance(groups, list)
            else (),
        )
    )


@tf_joins("aws_lb_listener_rule", "aws_alb_listener_rule")
def listener_rule(r: TfResource, plan: Plan) -> None:
    listener = plan.target(r, ("listener_arn",), LISTENERS)
    if listener is None:
        return
    f = TfFields(r, plan)
    rule = ListenerRule(
        arn=r.address, priority=str(r.after.get("priority") or "?"), actions=_actions(f, r, "action", "rules")
    )
    plan.file_for("listener-rule", listener[0].address, (rule, f.unresolved.get("rules")))


@tf_maps(*LISTENERS)
def listener(r: TfResource, plan: Plan) -> Iterator[Resource]:
    f = TfFields(r, plan)
    lb = plan.target(r, ("load_balancer_arn",), LBS)
    protocol = f.text(("protocol",), "protocol")
    lb_type = str(lb[0].after.get("load_balancer_type") or "application") if lb else None
    if protocol is None and "protocol" not in f.unresolved:
        protocol = {"application": "HTTP", "gateway": "GENEVE"}.get(lb_type or "")
        if protocol is None:
            f.unresolved["protocol"] = "protocol is unset and the load balancer's type is not known"
    protocol = (protocol or "").upper()
    lb_type = lb_type or _TYPE_BY_PROTOCOL.get(protocol, "application")
    rules: list[ListenerRule] = []
    for rule, reason in plan.take("listener-rule", r.address):
        rules.append(rule)
        if reason:
            f.unresolved.setdefault("rules", f"rule {rule.arn}: {reason}")
    certificate = r.after.get("certificate_arn")
    yield Listener(
        **f.base(
            load_balancer_arn=lb[0].address if lb else str(r.after.get("load_balancer_arn") or "?"),
            load_balancer_name=str(lb[0].after.get("name") or lb[0].address)
            if lb
            else str(r.after.get("load_balancer_arn") or "?"),
            lb_type=lb_type,
            protocol=protocol,
            port=r.after.get("port") if isinstance(r.after.get("port"), int) else None,
            ssl_policy=f.text(("ssl_policy",), "ssl_policy"),
            certificate_arns=(certificate,) if isinstance(certificate, str) and certificate else (),
            default_actions=_actions(f, r, "default_action", "default_actions"),
            rules=tuple(rules),
        )
    )


# --- Classic Load Balancers ---------------------------------------------------------------------------


@tf_joins("aws_load_balancer_listener_policy", "aws_load_balancer_policy")
def classic_policy(r: TfResource, plan: Plan) -> None:
    elb = plan.target(r, ("load_balancer_name",), ("aws_elb",))
    target = elb[0].address if elb else f"elsewhere:{r.after.get('load_balancer_name')}"
    plan.file_for("classic-" + r.type.rsplit("_", 1)[-1], target, r)


@tf_maps("aws_elb")
def classic(r: TfResource, plan: Plan) -> Iterator[Resource]:
    f = TfFields(r, plan)
    name = str(r.after.get("name") or r.address)
    yield LoadBalancer(
        **f.base(
            lb_name=name,
            lb_type=CLASSIC,
            scheme="internal" if r.after.get("internal") is True else "internet-facing",
        )
    )
    policies = {str(p.after.get("policy_name")): p for p in plan.take("classic-policy", r.address)}
    attached: dict[int, list[str]] = {}
    for item in plan.take("classic-listener_policy", r.address):
        port = item.after.get("load_balancer_port")
        if isinstance(port, int):
            attached.setdefault(port, []).extend(str(n) for n in item.after.get("policy_names") or ())
    for block in r.after.get("listener") or ():
        if not isinstance(block, dict):
            continue
        lf = TfFields(r, plan)
        port = block.get("lb_port") if isinstance(block.get("lb_port"), int) else None
        names = attached.get(port, []) if port is not None else []
        yield Listener(
            **lf.base(
                arn=f"{r.address}/listener/{port}",
                native_id=f"{r.address}/listener/{port}",
                load_balancer_arn=r.address,
                load_balancer_name=name,
                lb_type=CLASSIC,
                protocol=str(block.get("lb_protocol") or "").upper(),
                port=port,
                ssl_policy=_negotiation_policy([policies[n] for n in names if n in policies]),
                certificate_arns=tuple(
                    c for c in [block.get("ssl_certificate_id")] if isinstance(c, str) and c
                ),
                instance_port=block.get("instance_port")
                if isinstance(block.get("instance_port"), int)
                else None,
                instance_protocol=block.get("instance_protocol")
                if isinstance(block.get("instance_protocol"), str)
                else None,
                policy_names=tuple(names),
            )
        )


def _negotiation_policy(policies: list[TfResource]) -> str | None:
    for policy in policies:
        if policy.after.get("policy_type_name") != "SSLNegotiationPolicyType":
            continue
        for attribute in _list(policy.after.get("policy_attribute")):
            if isinstance(attribute, dict) and attribute.get("name") == "Reference-Security-Policy":
                value = attribute.get("value")
                return str(value) if value else None
        return str(policy.after.get("policy_name") or "") or None
    return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
