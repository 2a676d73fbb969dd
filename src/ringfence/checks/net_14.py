"""NET-14: private APIs sit behind internal load balancers and VPC-endpoint-restricted policies.

API: a PRIVATE REST API passes when its resource policy limits aws:SourceVpce (or aws:SourceVpc):
either a Deny for everyone on execute-api:Invoke unless the source endpoint matches, or every Allow
conditioned on it. An API with no policy cannot be invoked at all, but nothing limits it once a
policy is added: it fails with that note. (endpointConfiguration.vpcEndpointIds only creates DNS
aliases; it restricts nothing.)

Load balancer: one fronts private APIs when one of its target groups has as IP targets the addresses
of an execute-api interface endpoint (the usual ALB/NLB-in-front-of-private-API pattern). Such a
load balancer must be internal; internet-facing puts the private APIs on the internet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ringfence.checks.bucket_policies import condition_values, label
from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.support import Statement, parse_policy, principal_is_anyone
from ringfence.model import Inventory, LoadBalancer, NetworkInterface, Remediation, Severity, VpcEndpoint
from ringfence.model.apigateway import RestApi
from ringfence.model.elb import TargetGroup

KEYS = ("aws:SourceVpce", "aws:SourceVpc")
NEGATED = ("StringNotEquals", "StringNotEqualsIfExists", "StringNotLike", "StringNotLikeIfExists")
POSITIVE = (
    "StringEquals",
    "StringEqualsIfExists",
    "StringLike",
    "StringLikeIfExists",
    "ForAnyValue:StringEquals",
)
INVOKE = ("*", "execute-api:*", "execute-api:invoke")

META = CheckMeta(
    id="NET-14",
    title="Private APIs sit behind internal load balancers and VPC-endpoint-restricted policies",
    severity=Severity.MEDIUM,
    rationale=(
        "A PRIVATE API is private only through its resource policy: without a condition on the source "
        "VPC endpoint any endpoint, in any account, may call it, and an internet-facing load balancer in "
        "front of its endpoint publishes it to the internet."
    ),
    remediation=Remediation(
        text=(
            "Give the API a resource policy that denies execute-api:Invoke unless aws:SourceVpce is one of "
            "your endpoints, and put only internal load balancers in front of the execute-api endpoint."
        ),
        cli=(
            "aws apigateway update-rest-api --rest-api-id API_ID --patch-operations "
            "op=replace,path=/policy,value='<policy JSON with a StringNotEquals aws:SourceVpce Deny>'"
        ),
        cloudformation=(
            "Type: AWS::ApiGateway::RestApi\nProperties:\n  EndpointConfiguration:\n    Types: [PRIVATE]\n"
            "  Policy:\n    Statement:\n      - Effect: Allow\n        Principal: '*'\n"
            "        Action: execute-api:Invoke\n        Resource: execute-api:/*\n      - Effect: Deny\n"
            "        Principal: '*'\n        Action: execute-api:Invoke\n        Resource: execute-api:/*\n"
            "        Condition:\n          StringNotEquals:\n            aws:SourceVpce: !Ref ApiEndpoint"
        ),
        terraform=(
            'resource "aws_lb" "private_api" {\n  internal           = true\n  load_balancer_type = "application"\n}'
        ),
    ),
    modes=("live",),
    resource_types=(
        RestApi.KIND,
        LoadBalancer.KIND,
        TargetGroup.KIND,
        VpcEndpoint.KIND,
        NetworkInterface.KIND,
    ),
    tested_with="moto server for API policies; Inventory built directly for load balancers fronting the "
    "execute-api endpoint",
    frameworks=Mapping_(nist_800_53=("AC-3", "SC-7")),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    for api in inv.of(RestApi):
        if api.is_private:
            yield _api(api)
    yield from _fronting(inv)


def _invokes(statement: Statement) -> bool:
    return any(a.lower() in INVOKE for a in statement.actions)


def _conditioned(statement: Statement) -> bool:
    """An Allow that applies only when the source endpoint or VPC is one of named ones."""
    for key in KEYS:
        values = condition_values(statement, POSITIVE, key)
        if values and not any("*" in v for v in values):
            return True
    return False


def _api(api: RestApi) -> Outcome:
    name = f"private API {api.display_name}"
    reason = api.unknown("policy")
    if reason:
        return unknown(api, f"the resource policy of {name} could not be read: {reason}")
    if not api.policy:
        return failed(
            api,
            f"{name} has no resource policy limiting aws:SourceVpce (it cannot be invoked until one is added)",
        )
    try:
        statements = parse_policy(api.policy)
    except ValueError as exc:
        return unknown(api, f"the resource policy of {name} is not understood: {exc}")
    limiting: list[str] = []
    for index, s in enumerate(statements):
        if s.effect == "Deny" and principal_is_anyone(s.principal) and _invokes(s):
            values = [v for key in KEYS for v in condition_values(s, NEGATED, key) or []]
            if values and not any("*" in v for v in values):
                limiting.append(f"{label(s, index)} denies all but {', '.join(values)}")
    allows = [(i, s) for i, s in enumerate(statements) if s.effect == "Allow"]
    open_allows = [label(s, i) for i, s in allows if not _conditioned(s)]
    if limiting:
        return passed(api, f"{name}: {'; '.join(limiting)}")
    if allows and not open_allows:
        return passed(api, f"{name}: every Allow is conditioned on aws:SourceVpce or aws:SourceVpc")
    return failed(
        api,
        f"{name}: statement(s) {', '.join(open_allows) or '(none)'} allow invocation from any VPC endpoint "
        "(no aws:SourceVpce limit)",
    )


def _fronting(inv: Inventory) -> Iterator[Outcome]:
    """Load balancers whose IP targets are the addresses of an execute-api endpoint."""
    endpoint_of_ip: dict[tuple[str, str, str], str] = {}
    for endpoint in inv.of(VpcEndpoint):
        if not endpoint.service_name.endswith(".execute-api"):
            continue
        for eni_id in endpoint.network_interface_ids:
            eni = inv.get(NetworkInterface, endpoint.account, endpoint.region, eni_id)
            for ip in eni.private_ips if eni else ():
                endpoint_of_ip[(endpoint.account, endpoint.region, ip)] = endpoint.native_id
    fronted: dict[str, set[str]] = defaultdict(set)
    for group in inv.of(TargetGroup):
        if group.target_type != "ip":
            continue
        hits = {
            endpoint_of_ip[key]
            for t in group.targets
            if (key := (group.account, group.region, t.target_id)) in endpoint_of_ip
        }
        for lb_arn in group.load_balancer_arns if hits else ():
            fronted[lb_arn].update(hits)
    for lb_arn, endpoints in sorted(fronted.items()):
        lb = inv.by_arn(lb_arn)
        if not isinstance(lb, LoadBalancer):
            continue
        via = ", ".join(sorted(endpoints))
        name = f"{lb.lb_type} load balancer {lb.display_name}"
        if lb.scheme == "internal":
            yield passed(lb, f"{name} fronts private APIs (execute-api endpoint {via}) and is internal")
        elif lb.scheme == "internet-facing":
            yield failed(
                lb, f"{name} is internet-facing and fronts private APIs through execute-api endpoint {via}"
            )
        else:
            yield unknown(lb, f"{name} fronts private APIs (endpoint {via}) but its scheme is not known")
