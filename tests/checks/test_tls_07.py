"""TLS-07 over built inventories (moto keeps no listener MutualAuthentication and has no trust stores)
and over moto for API Gateway domains designated by tag."""

from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, Listener, ListenerAction, LoadBalancer, MutualAuthentication, Status
from ringfence.model.apigateway import ApiDomainName, ApiMapping, MutualTls, RestApi
from ringfence.model.elb import TrustStore

from support import ACCOUNT, REGION, Aws, findings_for, status_of

CHECK = all_checks()["TLS-07"]
STORE = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:truststore/clients/1"
CERT = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/0f6a2e1c-0000-4000-8000-000000000001"


def _lb(name: str, kind: str = "application", tags: dict[str, str] | None = None) -> LoadBalancer:
    arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/{kind[:3]}/{name}/1"
    return LoadBalancer(
        arn=arn,
        native_id=arn,
        account=ACCOUNT,
        region=REGION,
        lb_name=name,
        lb_type=kind,
        dns_name=f"{name}.elb.example.com",
        tags=tags or {},
    )


def _listener(lb: LoadBalancer, port: int, protocol: str, **kw: Any) -> Listener:
    arn = f"{lb.arn.replace(':loadbalancer/', ':listener/')}/{port}"
    return Listener(
        arn=arn,
        native_id=arn,
        account=ACCOUNT,
        region=REGION,
        load_balancer_arn=lb.arn,
        load_balancer_name=lb.lb_name,
        lb_type=lb.lb_type,
        protocol=protocol,
        port=port,
        **kw,
    )


def verify(ignore_expiry: bool = False) -> MutualAuthentication:
    return MutualAuthentication("verify", STORE, ignore_expiry)


def test_designated_load_balancer_listeners() -> None:
    partner = _lb("partner-api", tags={"MTLS": "Required"})
    nlb = _lb("ledger", "network")
    plain = _lb("website")
    store = TrustStore(
        arn=STORE,
        native_id=STORE,
        account=ACCOUNT,
        region=REGION,
        store_name="clients",
        status="ACTIVE",
        ca_certificate_count=2,
    )
    listeners = [
        _listener(partner, 443, "HTTPS", mutual_authentication=verify()),
        _listener(partner, 8443, "HTTPS", mutual_authentication=MutualAuthentication("passthrough")),
        _listener(partner, 9443, "HTTPS", mutual_authentication=verify(ignore_expiry=True)),
        _listener(
            partner, 80, "HTTP", default_actions=(ListenerAction("redirect", redirect_protocol="HTTPS"),)
        ),
        _listener(partner, 8080, "HTTP", default_actions=(ListenerAction("forward"),)),
        _listener(nlb, 443, "TLS"),
        _listener(nlb, 8443, "TCP"),
        _listener(plain, 443, "HTTPS"),
    ]
    inventory = Inventory([partner, nlb, plain, store, *listeners])
    params = {"TLS-07": {"mtls_endpoints": ["ledger.elb.example.com"]}}
    found = {
        f.resource_id.rsplit("/", 1)[-1] + f.resource_id.split("/")[-3]: f
        for f in evaluate(inventory, [CHECK], params=params, strict=True)
    }

    assert found["443partner-api"].status is Status.PASS
    assert "2 CA certificate(s)" in found["443partner-api"].message
    assert found["8443partner-api"].status is Status.FAIL
    assert "passthrough" in found["8443partner-api"].message
    assert found["9443partner-api"].status is Status.FAIL
    assert found["80partner-api"].status is Status.NOT_APPLICABLE
    assert found["8080partner-api"].status is Status.FAIL
    assert found["443ledger"].status is Status.FAIL
    assert found["8443ledger"].status is Status.PASS
    assert "they must verify client certificates" in found["8443ledger"].message
    assert "443website" not in found  # not designated


def test_a_missing_trust_store_is_unknown_unless_the_listing_failed_too() -> None:
    partner = _lb("partner-api", tags={"mtls": "required"})
    listener = _listener(partner, 443, "HTTPS", mutual_authentication=verify())
    incomplete = Inventory([partner, listener], incomplete=[(ACCOUNT, REGION, TrustStore.KIND)])
    [finding] = evaluate(incomplete, [CHECK], strict=True)
    assert finding.status is Status.UNKNOWN
    assert "could not be listed" in finding.message


def _domain(name: str, mtls: bool, api_ids: tuple[str, ...], tags: dict[str, str]) -> ApiDomainName:
    return ApiDomainName(
        arn=f"arn:aws:apigateway:{REGION}::/domainnames/{name}",
        native_id=name,
        account=ACCOUNT,
        region=REGION,
        tags=tags,
        domain_name=name,
        mutual_tls=MutualTls("s3://truststores/clients.pem") if mtls else None,
        mappings=tuple(ApiMapping(api_id=a, stage="prod") for a in api_ids),
    )


def _rest(api_id: str, disabled: bool) -> RestApi:
    return RestApi(
        arn=f"arn:aws:apigateway:{REGION}::/restapis/{api_id}",
        native_id=api_id,
        account=ACCOUNT,
        region=REGION,
        api_name=api_id,
        disable_execute_api_endpoint=disabled,
    )


def test_api_domains_need_mtls_and_mapped_apis_without_their_default_endpoint() -> None:
    tag = {"mtls": "required"}
    inventory = Inventory(
        [
            _rest("closed1234", True),
            _rest("open123456", False),
            _domain("good.example.com", True, ("closed1234",), tag),
            _domain("bypass.example.com", True, ("closed1234", "open123456"), tag),
            _domain("nomtls.example.com", False, (), tag),
            _domain("ghost.example.com", True, ("gone000000",), tag),
            _domain("other.example.com", False, (), {}),
        ]
    )
    found = {f.resource_id.rsplit("/", 1)[-1]: f for f in evaluate(inventory, [CHECK], strict=True)}
    assert found["good.example.com"].status is Status.PASS
    assert found["bypass.example.com"].status is Status.FAIL
    assert "open123456" in found["bypass.example.com"].message
    assert found["nomtls.example.com"].status is Status.FAIL
    assert found["ghost.example.com"].status is Status.UNKNOWN
    assert "other.example.com" not in found


def test_designation_by_tag_on_a_live_http_api_domain(aws: Aws) -> None:
    v2 = aws.client("apigatewayv2")
    closed = v2.create_api(Name="partners", ProtocolType="HTTP", DisableExecuteApiEndpoint=True)["ApiId"]
    opened = v2.create_api(Name="legacy", ProtocolType="HTTP")["ApiId"]
    for name, api in (("partners.example.com", closed), ("legacy.example.com", opened)):
        v2.create_domain_name(
            DomainName=name,
            DomainNameConfigurations=[
                {"CertificateArn": CERT, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}
            ],
            MutualTlsAuthentication={"TruststoreUri": "s3://truststores/partners.pem"},
            Tags={"mtls": "required"},
        )
        v2.create_api_mapping(DomainName=name, ApiId=api, Stage="$default")

    result = aws.scan(controls=["TLS-07"])

    assert status_of(result, "TLS-07", "/domainnames/partners.example.com") is Status.PASS
    assert status_of(result, "TLS-07", "/domainnames/legacy.example.com") is Status.FAIL
    legacy = next(f for f in findings_for(result, "TLS-07") if "legacy" in f.resource_id)
    assert "execute-api" in legacy.message
