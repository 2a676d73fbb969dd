from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, Status
from ringfence.model.apigateway import ApiDomainName

from support import ACCOUNT, REGION, Aws, findings_for, status_of

CERT = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/0f6a2e1c-0000-4000-8000-000000000001"


def test_tls_1_0_domains_fail_and_tls_1_2_ones_pass(aws: Aws) -> None:
    v1 = aws.client("apigateway")
    v1.create_domain_name(
        domainName="legacy.example.com",
        regionalCertificateArn=CERT,
        endpointConfiguration={"types": ["REGIONAL"]},
        securityPolicy="TLS_1_0",
    )
    v1.create_domain_name(
        domainName="api.example.com",
        regionalCertificateArn=CERT,
        endpointConfiguration={"types": ["REGIONAL"]},
        securityPolicy="TLS_1_2",
    )
    aws.client("apigatewayv2").create_domain_name(
        DomainName="http.example.com",
        DomainNameConfigurations=[
            {"CertificateArn": CERT, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}
        ],
    )

    result = aws.scan(controls=["TLS-03"])

    assert status_of(result, "TLS-03", "/domainnames/legacy.example.com") is Status.FAIL
    assert status_of(result, "TLS-03", "/domainnames/api.example.com") is Status.PASS
    assert status_of(result, "TLS-03", "/domainnames/http.example.com") is Status.PASS
    legacy = next(f for f in findings_for(result, "TLS-03") if "legacy" in f.resource_id)
    assert "TLS 1.0" in legacy.message
    assert legacy.resource_type == "AWS::ApiGateway::DomainName"


def test_enhanced_policies_pass_and_unstated_or_unknown_ones_are_unknown() -> None:
    def domain(name: str, policy: str | None) -> ApiDomainName:
        arn = f"arn:aws:apigateway:{REGION}::/domainnames/{name}"
        return ApiDomainName(
            arn=arn, native_id=name, account=ACCOUNT, region=REGION, domain_name=name, security_policy=policy
        )

    inventory = Inventory(
        [
            domain("tls13.example.com", "SecurityPolicy_TLS13_1_3_2025_09"),
            domain("edge.example.com", "SecurityPolicy_TLS12_PFS_2025_EDGE"),
            domain("quiet.example.com", None),
            domain("odd.example.com", "SomethingNew_2030"),
        ]
    )
    found = {
        f.resource_id.rsplit("/", 1)[-1]: f
        for f in evaluate(inventory, [all_checks()["TLS-03"]], strict=True)
    }
    assert found["tls13.example.com"].status is Status.PASS
    assert found["edge.example.com"].status is Status.PASS
    assert found["quiet.example.com"].status is Status.UNKNOWN
    assert found["odd.example.com"].status is Status.UNKNOWN
    assert "SomethingNew_2030" in found["odd.example.com"].message
