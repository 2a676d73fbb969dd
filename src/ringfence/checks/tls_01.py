"""TLS-01: load balancer TLS listeners use an approved security policy.

Judged: HTTPS and TLS listeners of ALBs/NLBs, HTTPS and SSL listeners of Classic Load Balancers.
Listeners that do not terminate TLS (HTTP, TCP, UDP, GENEVE) are not reported here: plaintext
listeners are TLS-02's, and a TCP listener passes TLS through to targets whose policy no load
balancer API shows. A load balancer whose listeners could not be read is reported UNKNOWN.

IaC: an HTTPS/TLS listener (a Classic Load Balancer's HTTPS/SSL listener) that sets no SslPolicy
gets AWS's default, ELBSecurityPolicy-2016-08, and is judged as using it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Listener, LoadBalancer, Remediation, Severity
from ringfence.model.elb import CLASSIC

IAC_DEFAULT_POLICY = "ELBSecurityPolicy-2016-08"

META = CheckMeta(
    id="TLS-01",
    title="Load balancer TLS listeners use an approved security policy",
    severity=Severity.HIGH,
    rationale=(
        "The security policy decides which TLS versions and cipher suites a listener accepts; older "
        "policies (ELBSecurityPolicy-2016-08, the API default) still accept TLS 1.0/1.1 and CBC suites "
        "that a client or an attacker in the path can downgrade to."
    ),
    remediation=Remediation(
        text=(
            "Switch the listener to an approved policy such as ELBSecurityPolicy-TLS13-1-2-2021-06. "
            "Classic Load Balancers offer no TLS 1.3 policy: move the service to an ALB or NLB."
        ),
        cli=(
            "aws elbv2 modify-listener --listener-arn LISTENER_ARN "
            "--ssl-policy ELBSecurityPolicy-TLS13-1-2-2021-06"
        ),
        cloudformation=(
            "Type: AWS::ElasticLoadBalancingV2::Listener\nProperties:\n  Protocol: HTTPS\n"
            "  SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06"
        ),
        terraform=(
            'resource "aws_lb_listener" "https" {\n  protocol   = "HTTPS"\n'
            '  ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"\n}'
        ),
    ),
    modes=("live", "iac"),
    resource_types=(Listener.KIND, LoadBalancer.KIND),
    tested_with="moto server; unreadable listeners and policies via an Inventory; IaC templates (tests/iac)",
    frameworks=Mapping_(fsbp=("ELB.8", "ELB.17"), nist_800_53=("SC-8", "SC-8(1)", "SC-13")),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    allowed = {str(p) for p in ctx.param("allowed_policies")}
    for lb in ctx.inventory.of(LoadBalancer):
        reason = lb.unknown("listeners")
        if reason:
            yield unknown(
                lb,
                f"the listeners of {lb.display_name} could not be read: {reason}",
                resource_type=lb.resource_type,
            )
    for listener in ctx.inventory.of(Listener):
        if listener.terminates_tls:
            yield _judge(listener, allowed, iac=ctx.mode == "iac")


def _judge(listener: Listener, allowed: set[str], *, iac: bool = False) -> Outcome:
    kind = listener.resource_type
    reason = listener.unknown("ssl_policy")
    if iac and not reason and not listener.ssl_policy:
        verdict = passed if IAC_DEFAULT_POLICY in allowed else failed
        return verdict(
            listener,
            f"{listener.label} sets no SslPolicy, so AWS applies {IAC_DEFAULT_POLICY}, which is "
            f"{'an' if IAC_DEFAULT_POLICY in allowed else 'not an'} approved policy",
            resource_type=kind,
        )
    if reason or not listener.ssl_policy:
        return unknown(
            listener,
            f"the security policy of {listener.label} is not known: {reason or 'not stated'}",
            resource_type=kind,
        )
    if listener.ssl_policy in allowed:
        return passed(listener, f"{listener.label} uses {listener.ssl_policy}", resource_type=kind)
    note = ""
    if listener.lb_type == CLASSIC:
        note = " (Classic Load Balancers offer no TLS 1.3 policy: an ALB or NLB is the fix)"
    return failed(
        listener,
        f"{listener.label} uses {listener.ssl_policy}, which is not an approved policy{note}",
        resource_type=kind,
    )
