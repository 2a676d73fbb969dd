"""TLS-02: no load balancer serves plain HTTP except to redirect to HTTPS.

Judged: every HTTP listener (ALB: its default action and every rule's actions must all be redirects
with Protocol HTTPS; "#{protocol}" keeps the request on HTTP; a Classic Load Balancer cannot
redirect, so its HTTP listeners fail), and every plain TCP (or TCP_UDP) listener on port 80 of an
NLB or a Classic Load Balancer, which carries HTTP in plaintext. A fixed-response action serves no
content but is not a redirect: it fails, and the message says what it answers. Listeners that
terminate TLS are TLS-01's and are not reported here, nor are other TCP/UDP ports and GENEVE.

IaC: the same, on listeners declared apart from their load balancers with their listener rules
joined to them; a listener whose load balancer the files do not declare takes its type from its
protocol.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Listener, ListenerAction, LoadBalancer, Remediation, Severity
from ringfence.model.elb import CLASSIC

PLAINTEXT_HTTP_PORT = 80

META = CheckMeta(
    id="TLS-02",
    title="No load balancer serves plain HTTP except to redirect to HTTPS",
    severity=Severity.HIGH,
    rationale=(
        "Anything a load balancer serves over plain HTTP (pages, cookies, tokens, API answers) can be "
        "read and changed on the way; a listener on port 80 should only send clients to HTTPS."
    ),
    remediation=Remediation(
        text=(
            "Make the HTTP listener's default action (and every rule) a redirect to HTTPS; for a Classic "
            "Load Balancer or an NLB TCP listener on 80, serve HTTPS/TLS instead or move to an ALB that "
            "redirects."
        ),
        cli=(
            "aws elbv2 modify-listener --listener-arn LISTENER_ARN --default-actions "
            "'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'"
        ),
        cloudformation=(
            "Type: AWS::ElasticLoadBalancingV2::Listener\nProperties:\n  Protocol: HTTP\n  Port: 80\n"
            "  DefaultActions:\n    - Type: redirect\n      RedirectConfig:\n        Protocol: HTTPS\n"
            "        Port: '443'\n        StatusCode: HTTP_301"
        ),
        terraform=(
            'resource "aws_lb_listener" "http" {\n  port     = 80\n  protocol = "HTTP"\n  default_action {\n'
            '    type = "redirect"\n    redirect {\n      protocol    = "HTTPS"\n      port        = "443"\n'
            '      status_code = "HTTP_301"\n    }\n  }\n}'
        ),
    ),
    modes=("live", "iac"),
    resource_types=(Listener.KIND, LoadBalancer.KIND),
    tested_with="moto server; unreadable rules via an Inventory; IaC templates (tests/iac)",
    frameworks=Mapping_(fsbp=("ELB.1", "ELB.3"), nist_800_53=("SC-8", "SC-8(1)", "SC-23")),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for lb in ctx.inventory.of(LoadBalancer):
        reason = lb.unknown("listeners")
        if reason:
            yield unknown(
                lb,
                f"the listeners of {lb.display_name} could not be read: {reason}",
                resource_type=lb.resource_type,
            )
    for listener in ctx.inventory.of(Listener):
        outcome = _judge(listener)
        if outcome is not None:
            yield outcome


def _judge(listener: Listener) -> Outcome | None:
    protocol = listener.protocol.upper()
    kind = listener.resource_type
    if protocol == "HTTP":
        if listener.lb_type == CLASSIC:
            return failed(
                listener,
                f"{listener.label} serves plain HTTP (a Classic Load Balancer cannot redirect to HTTPS)",
                resource_type=kind,
            )
        return _http_listener(listener)
    plain_tcp = protocol in ("TCP", "TCP_UDP") and listener.lb_type in ("network", CLASSIC)
    if plain_tcp and listener.port == PLAINTEXT_HTTP_PORT:
        return failed(
            listener,
            f"{listener.label} passes plaintext TCP on port 80 (HTTP) through to its targets",
            resource_type=kind,
        )
    return None


def _http_listener(listener: Listener) -> Outcome:
    kind = listener.resource_type
    if not listener.default_actions:
        reason = listener.unknown("default_actions")
        what = f"its default action is not known: {reason}" if reason else "states no default action"
        return unknown(listener, f"{listener.label} {what}", resource_type=kind)
    offending = [f"default action: {_explain(a)}" for a in listener.default_actions if not _to_https(a)]
    for rule in listener.rules:
        offending += [f"rule {rule.priority}: {_explain(a)}" for a in rule.actions if not _to_https(a)]
    if offending:
        return failed(
            listener,
            f"{listener.label} does not only redirect to HTTPS: {'; '.join(offending)}",
            resource_type=kind,
        )
    reason = listener.unknown("rules", "default_actions")
    if reason:
        return unknown(
            listener,
            f"{listener.label} redirects to HTTPS by default, but its rules could not be read: {reason}",
            resource_type=kind,
        )
    rules = f" and all {len(listener.rules)} rules" if listener.rules else ""
    return passed(
        listener, f"{listener.label} redirects to HTTPS (default action{rules})", resource_type=kind
    )


def _to_https(action: ListenerAction) -> bool:
    return action.type == "redirect" and (action.redirect_protocol or "").upper() == "HTTPS"


def _explain(action: ListenerAction) -> str:
    if action.type == "fixed-response":
        return f"{action.describe()} (serves no content, but is not a redirect)"
    if action.type == "redirect":
        return f"{action.describe()} (stays on HTTP)"
    return action.describe()
