"""TLS-03: API Gateway custom domains use a TLS 1.2+ security policy.

TLS_1_0 (which still accepts TLS 1.0 and 1.1) fails; TLS_1_2 and the enhanced policies
(SecurityPolicy_TLS13_*, SecurityPolicy_TLS12_*: TLS 1.2 or 1.3 only) pass. A domain whose policy
is not stated, or is a name this check does not know, is UNKNOWN rather than guessed at.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Remediation, Severity
from ringfence.model.apigateway import ApiDomainName

LEGACY = "TLS_1_0"
MODERN_PREFIXES = ("SecurityPolicy_TLS13_", "SecurityPolicy_TLS12_")

META = CheckMeta(
    id="TLS-03",
    title="API Gateway custom domains use a TLS 1.2+ security policy",
    severity=Severity.HIGH,
    rationale=(
        "A custom domain with the TLS_1_0 policy still negotiates TLS 1.0 and 1.1 and their CBC-SHA1 "
        "suites with any client that asks, so a downgraded or outdated client talks to the API over "
        "protocols with known weaknesses."
    ),
    remediation=Remediation(
        text="Set the domain's security policy to TLS_1_2 or an enhanced SecurityPolicy_TLS13_* policy.",
        cli=(
            "aws apigateway update-domain-name --domain-name DOMAIN "
            "--patch-operations op=replace,path=/securityPolicy,value=TLS_1_2\n"
            "aws apigatewayv2 update-domain-name --domain-name DOMAIN --domain-name-configurations "
            "CertificateArn=CERT_ARN,EndpointType=REGIONAL,SecurityPolicy=TLS_1_2"
        ),
        cloudformation=(
            "Type: AWS::ApiGateway::DomainName\nProperties:\n  DomainName: api.example.com\n"
            "  RegionalCertificateArn: !Ref Certificate\n  EndpointConfiguration:\n    Types: [REGIONAL]\n"
            "  SecurityPolicy: TLS_1_2"
        ),
        terraform=(
            'resource "aws_api_gateway_domain_name" "api" {\n  domain_name              = "api.example.com"\n'
            "  regional_certificate_arn = aws_acm_certificate.api.arn\n"
            '  security_policy          = "TLS_1_2"\n}'
        ),
    ),
    modes=("live",),
    resource_types=(ApiDomainName.KIND,),
    tested_with="moto server; Inventory built directly for enhanced policy names and unstated policies",
    frameworks=Mapping_(nist_800_53=("SC-8", "SC-8(1)", "SC-13")),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for domain in ctx.inventory.of(ApiDomainName):
        yield _judge(domain)


def _judge(domain: ApiDomainName) -> Outcome:
    name = domain.display_name
    policy = domain.security_policy
    reason = domain.unknown("security_policy")
    if reason or not policy:
        return unknown(domain, f"the security policy of {name} is not known: {reason or 'not stated'}")
    if policy == LEGACY:
        return failed(domain, f"{name} uses {LEGACY}, which still accepts TLS 1.0 and TLS 1.1")
    if policy == "TLS_1_2" or policy.startswith(MODERN_PREFIXES):
        return passed(domain, f"{name} uses {policy} (TLS 1.2 or later)")
    return unknown(domain, f"{name} uses {policy}, a security policy this check does not know")
