"""LOG-05: load balancers keep access logs.

Judged on ALBs and NLBs by the attribute access_logs.s3.enabled (DescribeLoadBalancerAttributes, read
by the elbv2 collector). Gateway Load Balancers have no access logs (not applicable). An NLB writes
access logs only for its TLS listeners: one without a TLS listener passes with that note. Classic
Load Balancers are outside the criterion and not reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Listener, LoadBalancer, Remediation, Severity

ENABLED = "access_logs.s3.enabled"
BUCKET = "access_logs.s3.bucket"

META = CheckMeta(
    id="LOG-05",
    title="Load balancers keep access logs",
    severity=Severity.LOW,
    rationale=(
        "Access logs are the only record of who sent which request through a load balancer; without "
        "them an incident cannot be traced to a client address, a path or a time."
    ),
    remediation=Remediation(
        text="Turn on access logs to an S3 bucket whose policy lets the ELB log delivery write to it.",
        cli=(
            "aws elbv2 modify-load-balancer-attributes --load-balancer-arn LB_ARN --attributes "
            "Key=access_logs.s3.enabled,Value=true Key=access_logs.s3.bucket,Value=LOG_BUCKET"
        ),
        cloudformation=(
            "Type: AWS::ElasticLoadBalancingV2::LoadBalancer\nProperties:\n  LoadBalancerAttributes:\n"
            "    - Key: access_logs.s3.enabled\n      Value: 'true'\n"
            "    - Key: access_logs.s3.bucket\n      Value: !Ref LogBucket"
        ),
        terraform=(
            'resource "aws_lb" "this" {\n  access_logs {\n    bucket  = aws_s3_bucket.lb_logs.id\n'
            "    enabled = true\n  }\n}"
        ),
    ),
    modes=("live",),
    resource_types=(LoadBalancer.KIND, Listener.KIND),
    tested_with="moto server; Inventory built directly for unreadable attributes",
    frameworks=Mapping_(fsbp=("ELB.5",), nist_800_53=("AU-2", "AU-12")),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    with_tls = {li.load_balancer_arn for li in ctx.inventory.of(Listener) if li.protocol == "TLS"}
    for lb in ctx.inventory.of(LoadBalancer):
        if lb.lb_type == "gateway":
            yield not_applicable(
                lb, f"{lb.display_name} is a Gateway Load Balancer, which has no access logs"
            )
        elif lb.lb_type in ("application", "network"):
            yield _judge(lb, lb.arn in with_tls)


def _judge(lb: LoadBalancer, has_tls_listener: bool) -> Outcome:
    kind = "ALB" if lb.lb_type == "application" else "NLB"
    name = f"{kind} {lb.display_name}"
    reason = lb.unknown("attributes")
    value = lb.attributes.get(ENABLED)
    if reason or value is None:
        return unknown(lb, f"the access log setting of {name} is not known: {reason or 'not reported'}")
    if value.lower() != "true":
        return failed(lb, f"{name} keeps no access logs ({ENABLED}={value})")
    where = f" to bucket {lb.attributes[BUCKET]}" if lb.attributes.get(BUCKET) else ""
    note = ""
    if lb.lb_type == "network" and not has_tls_listener:
        note = " (an NLB logs only connections to its TLS listeners, and this one has none)"
    return passed(lb, f"{name} writes access logs{where}{note}")
