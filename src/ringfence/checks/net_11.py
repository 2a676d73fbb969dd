"""NET-11: VPC endpoint policies are not full access.

An endpoint fails while its policy allows anyone every action on every resource: the default policy
{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"} or its equivalents (a service
wildcard such as "s3:*", NotAction, NotResource) without a condition that restricts who may use it
(controls.yaml's restricting condition) or which organisation's resources it reaches.

S3 gateway endpoints are held to more: every Allow statement must name buckets (a Resource whose
bucket part is not "*") or carry an organisation or account condition (aws:PrincipalOrgID,
aws:ResourceOrgID, aws:PrincipalOrgPaths, aws:ResourceOrgPaths, aws:PrincipalAccount,
aws:ResourceAccount, s3:ResourceAccount); a Deny statement with such a condition covers them all.
Otherwise the endpoint is a path to any bucket of any account, the classic exfiltration route.

Gateway Load Balancer endpoints take no policy: NOT_APPLICABLE.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, register
from ringfence.checks.support import Statement, has_restricting_condition, parse_policy, principal_is_anyone
from ringfence.model import Remediation, Severity, VpcEndpoint

VPC_KEYS = frozenset({"aws:sourcevpc", "aws:sourcevpce"})
ORG_KEYS = frozenset(
    {
        "aws:principalorgid",
        "aws:resourceorgid",
        "aws:principalorgpaths",
        "aws:resourceorgpaths",
        "aws:principalaccount",
        "aws:resourceaccount",
        "s3:resourceaccount",
    }
)

META = CheckMeta(
    id="NET-11",
    title="VPC endpoint policies are not full access",
    severity=Severity.MEDIUM,
    rationale=(
        "A full-access endpoint policy lets anything in the VPC use the endpoint against any account's "
        "resources, so stolen data can be written to an attacker's bucket without ever touching the "
        "internet; a policy naming the organisation's resources closes that path."
    ),
    remediation=Remediation(
        text=(
            "Replace the default policy with one that allows only the organisation's principals and "
            "resources (aws:PrincipalOrgID and aws:ResourceOrgID), or names the buckets the workloads use."
        ),
        cli=(
            "aws ec2 modify-vpc-endpoint --vpc-endpoint-id VPCE_ID --policy-document "
            '\'{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*",'
            '"Condition":{"StringEquals":{"aws:ResourceOrgID":"o-EXAMPLE","aws:PrincipalOrgID":"o-EXAMPLE"}}}]}\''
        ),
        cloudformation=(
            "S3Endpoint:\n  Type: AWS::EC2::VPCEndpoint\n  Properties:\n    PolicyDocument:\n      Statement:\n"
            "        - Effect: Allow\n          Principal: '*'\n          Action: 's3:*'\n          Resource: '*'\n"
            "          Condition:\n            StringEquals:\n              aws:ResourceOrgID: o-EXAMPLE\n"
            "              aws:PrincipalOrgID: o-EXAMPLE"
        ),
        terraform=(
            'resource "aws_vpc_endpoint" "s3" {\n  policy = jsonencode({\n    Statement = [{\n'
            '      Effect = "Allow", Principal = "*", Action = "s3:*", Resource = "*"\n'
            '      Condition = { StringEquals = { "aws:ResourceOrgID" = "o-EXAMPLE" } }\n    }]\n  })\n}'
        ),
    ),
    modes=("live",),
    resource_types=(VpcEndpoint.KIND,),
    tested_with="moto server; Inventory built directly for endpoints without a policy document",
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for endpoint in ctx.inventory.of(VpcEndpoint):
        if endpoint.endpoint_type == "GatewayLoadBalancer":
            yield not_applicable(endpoint, "Gateway Load Balancer endpoints take no endpoint policy")
            continue
        reason = endpoint.unknown("policy")
        if reason or not endpoint.policy:
            yield unknown(endpoint, f"the endpoint policy is not known: {reason or 'none returned'}")
            continue
        try:
            statements = parse_policy(endpoint.policy)
        except ValueError as exc:
            yield unknown(endpoint, f"the endpoint policy cannot be read: {exc}")
            continue
        yield _judge(endpoint, statements)


def _judge(endpoint: VpcEndpoint, statements: Sequence[Statement]) -> Outcome:
    name = f"{endpoint.endpoint_type.lower()} endpoint {endpoint.display_name} ({endpoint.service_name})"
    full = [s for s in statements if _full_access(s)]
    if full:
        return failed(
            endpoint, f"{name} has a full-access policy: {_labels(full)} allow(s) anyone everything"
        )
    if _is_s3_gateway(endpoint):
        if any(s.effect == "Deny" and _org_condition(s) for s in statements):
            return passed(endpoint, f"{name}: a Deny statement limits it to the organisation's resources")
        broad = [
            s for s in statements if s.effect == "Allow" and not _names_buckets(s) and not _org_condition(s)
        ]
        if broad:
            return failed(
                endpoint,
                f"{name}: {_labels(broad)} allow(s) any bucket without an organisation or account condition",
            )
        return passed(endpoint, f"{name}: every Allow names buckets or carries an organisation condition")
    return passed(endpoint, f"{name}: the policy is narrower than full access")


def _full_access(statement: Statement) -> bool:
    if statement.effect != "Allow":
        return False
    anyone = statement.principal is None or principal_is_anyone(statement.principal)
    every_action = bool(statement.not_actions) or any(a == "*" or a.endswith(":*") for a in statement.actions)
    every_resource = not statement.resources or "*" in statement.resources
    return anyone and every_action and every_resource and not _restricted(statement)


def _restricted(statement: Statement) -> bool:
    """A restricting condition (controls.yaml) that means something in an endpoint policy: every request
    through the endpoint comes from its own VPC, so aws:SourceVpc/aws:SourceVpce restrict nothing."""
    kept = {
        operator: {k: v for k, v in clauses.items() if k.lower() not in VPC_KEYS}
        for operator, clauses in statement.condition.items()
        if isinstance(clauses, dict)
    }
    return has_restricting_condition(dataclasses.replace(statement, condition=kept)) or _org_condition(
        statement
    )


def _org_condition(statement: Statement) -> bool:
    return any(
        key.lower() in ORG_KEYS
        for clauses in statement.condition.values()
        if isinstance(clauses, dict)
        for key in clauses
    )


def _names_buckets(statement: Statement) -> bool:
    if not statement.resources:
        return False  # NotResource: everything but what it names
    for resource in statement.resources:
        if resource == "*" or not resource.startswith("arn:"):
            return False
        bucket = resource.split(":", 5)[-1].split("/", 1)[0]
        if bucket in ("", "*"):
            return False
    return True


def _is_s3_gateway(endpoint: VpcEndpoint) -> bool:
    return endpoint.endpoint_type == "Gateway" and endpoint.service_name.endswith(".s3")


def _labels(statements: Sequence[Statement]) -> str:
    return ", ".join(f"statement {s.sid!r}" if s.sid else "an unnamed statement" for s in statements)
