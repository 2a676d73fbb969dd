"""TLS-07: endpoints designated for mutual TLS require client certificates.

Designated: load balancers and API Gateway custom domains tagged params.designation_tag ("KEY=VALUE",
several values separated by "|", the key matched case-insensitively), and anything params.mtls_endpoints
names: an ARN, a load balancer name or DNS name, a domain name, or HOST:PORT for one listener.

- ALB: every HTTPS listener must verify (MutualAuthentication Mode=verify) against a trust store that
  exists, is ACTIVE and holds CA certificates, with IgnoreClientCertificateExpiry false; passthrough
  hands the certificate to targets unverified and fails. An HTTP listener that only redirects to HTTPS
  is not applicable; one that serves fails (no client certificate can be asked over plain HTTP).
- NLB (and Classic Load Balancer): their TLS/SSL listeners cannot ask for client certificates (fail);
  a TCP listener passes TLS through, which is the way to mTLS behind them, and passes with the note
  that the targets must verify (TLS-09 probes it).
- API Gateway domain: MutualTlsAuthentication with a truststore, and every API mapped to it must set
  disableExecuteApiEndpoint, or the default execute-api endpoint serves it without mTLS.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Inventory, Listener, LoadBalancer, Remediation, Resource, Severity
from ringfence.model.apigateway import ApiDomainName, HttpApi, RestApi
from ringfence.model.elb import CLASSIC, TrustStore

META = CheckMeta(
    id="TLS-07",
    title="Endpoints designated for mutual TLS require client certificates",
    severity=Severity.HIGH,
    rationale=(
        "An endpoint the architecture relies on to admit only certificate-holding clients is open to "
        "anyone who can reach it when it does not verify them, or when another path (a plain listener, "
        "the default execute-api endpoint) serves the same backend."
    ),
    remediation=Remediation(
        text=(
            "ALB: set MutualAuthentication Mode=verify with an ACTIVE trust store and "
            "IgnoreClientCertificateExpiry=false on every HTTPS listener. NLB: use a TCP listener to "
            "targets that verify client certificates. API Gateway: configure mutual TLS on the custom "
            "domain and disable the default execute-api endpoint of every mapped API."
        ),
        cli=(
            "aws elbv2 modify-listener --listener-arn LISTENER_ARN --mutual-authentication "
            "Mode=verify,TrustStoreArn=TRUST_STORE_ARN,IgnoreClientCertificateExpiry=false\n"
            "aws apigateway update-rest-api --rest-api-id API_ID "
            "--patch-operations op=replace,path=/disableExecuteApiEndpoint,value=true"
        ),
        cloudformation=(
            "Type: AWS::ElasticLoadBalancingV2::Listener\nProperties:\n  Protocol: HTTPS\n"
            "  MutualAuthentication:\n    Mode: verify\n    TrustStoreArn: !Ref TrustStore\n"
            "    IgnoreClientCertificateExpiry: false"
        ),
        terraform=(
            'resource "aws_lb_listener" "mtls" {\n  protocol = "HTTPS"\n  mutual_authentication {\n'
            '    mode                             = "verify"\n    trust_store_arn                  = aws_lb_trust_store.clients.arn\n'
            "    ignore_client_certificate_expiry = false\n  }\n}"
        ),
    ),
    modes=("live",),
    resource_types=(
        LoadBalancer.KIND,
        Listener.KIND,
        TrustStore.KIND,
        ApiDomainName.KIND,
        RestApi.KIND,
        HttpApi.KIND,
    ),
    tested_with="Inventory built directly (moto keeps no listener MutualAuthentication, trust stores or "
    "REST domain mTLS); moto server for the designation by tag and for API domains",
    frameworks=Mapping_(nist_800_53=("IA-5(2)",)),
)


class Designation:
    def __init__(self, tag_spec: str | None, endpoints: Iterable[str]) -> None:
        key, _, values = (tag_spec or "").partition("=")
        self.key = key.strip()
        self.values = {v.strip().lower() for v in values.split("|") if v.strip()}
        self.endpoints = {str(e).strip().lower() for e in endpoints if str(e).strip()}

    def tagged(self, resource: Resource) -> bool:
        if not self.key:
            return False
        value = resource.tag(self.key)
        return value is not None and (not self.values or value.strip().lower() in self.values)

    def named(self, *names: str | None) -> bool:
        return any(n and n.lower() in self.endpoints for n in names)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    want = Designation(ctx.params.get("designation_tag"), ctx.params.get("mtls_endpoints") or ())
    by_lb: dict[str, list[Listener]] = defaultdict(list)
    for li in inv.of(Listener):
        by_lb[li.load_balancer_arn].append(li)
    for lb in inv.of(LoadBalancer):
        whole = want.tagged(lb) or want.named(lb.arn, lb.lb_name, lb.dns_name)
        listeners = by_lb.get(lb.arn, [])
        chosen = [li for li in listeners if whole or want.named(li.arn, f"{lb.dns_name}:{li.port}")]
        if whole and lb.unknown("listeners"):
            yield unknown(lb, f"{lb.display_name} is designated for mTLS but its listeners could not be read")
        for listener in chosen:
            yield _listener(inv, listener)
    for domain in inv.of(ApiDomainName):
        if want.tagged(domain) or want.named(domain.arn, domain.domain_name, f"{domain.domain_name}:443"):
            yield _domain(inv, domain)


def _listener(inv: Inventory, li: Listener) -> Outcome:
    kind = li.resource_type
    name = li.label
    protocol = li.protocol.upper()
    if li.lb_type == "application" and protocol == "HTTPS":
        return _alb_https(inv, li, name)
    if protocol == "HTTP":
        actions = [*li.default_actions, *(a for r in li.rules for a in r.actions)]
        if actions and all(a.type == "redirect" and a.redirect_protocol == "HTTPS" for a in actions):
            return not_applicable(li, f"{name} only redirects to HTTPS", resource_type=kind)
        return failed(
            li, f"{name} serves plain HTTP, where no client certificate can be asked", resource_type=kind
        )
    if protocol in ("TLS", "SSL", "HTTPS"):
        what = "Classic Load Balancer" if li.lb_type == CLASSIC else "NLB"
        return failed(
            li,
            f"{name} terminates TLS, and a {what} cannot ask for client certificates: use a TCP listener "
            "to targets that verify them",
            resource_type=kind,
        )
    if protocol == "TCP":
        return passed(
            li,
            f"{name} passes TLS through to its targets; they must verify client certificates (not visible "
            "to AWS APIs: TLS-09 probes it)",
            resource_type=kind,
        )
    return not_applicable(li, f"{name} carries {protocol}, not TLS", resource_type=kind)


def _alb_https(inv: Inventory, li: Listener, name: str) -> Outcome:
    kind = li.resource_type
    mtls = li.mutual_authentication
    if mtls is None or mtls.mode == "off":
        return failed(
            li, f"{name} does not ask for client certificates (mutual authentication off)", resource_type=kind
        )
    if mtls.mode != "verify":
        return failed(
            li,
            f"{name} uses mutual authentication mode {mtls.mode}: the certificate goes to the targets unverified",
            resource_type=kind,
        )
    if not mtls.trust_store_arn:
        return failed(li, f"{name} verifies client certificates but names no trust store", resource_type=kind)
    if mtls.ignore_client_certificate_expiry is None:
        return unknown(
            li, f"whether {name} ignores client certificate expiry is not stated", resource_type=kind
        )
    if mtls.ignore_client_certificate_expiry:
        return failed(
            li,
            f"{name} accepts expired client certificates (IgnoreClientCertificateExpiry)",
            resource_type=kind,
        )
    store = inv.get(TrustStore, li.account, li.region, mtls.trust_store_arn)
    if store is None:
        why = (
            "it is not in the inventory"
            if inv.listing_complete(TrustStore, li.account, li.region)
            else "the trust stores could not be listed (see coverage gaps)"
        )
        return unknown(
            li, f"{name} verifies against trust store {mtls.trust_store_arn}, but {why}", resource_type=kind
        )
    if store.status != "ACTIVE":
        return unknown(
            li,
            f"{name}: trust store {store.store_name} is {store.status or 'in an unknown state'}",
            resource_type=kind,
        )
    if not store.ca_certificate_count:
        return failed(
            li, f"{name}: trust store {store.store_name} holds no CA certificate", resource_type=kind
        )
    return passed(
        li,
        f"{name} verifies client certificates against trust store {store.store_name} "
        f"({store.ca_certificate_count} CA certificate(s)) and refuses expired ones",
        resource_type=kind,
    )


def _domain(inv: Inventory, domain: ApiDomainName) -> Outcome:
    name = f"custom domain {domain.display_name}"
    if domain.mutual_tls is None:
        return failed(domain, f"{name} does not ask for client certificates (no mutual TLS truststore)")
    reason = domain.unknown("mappings")
    if reason:
        return unknown(domain, f"the APIs mapped to {name} could not be read: {reason}")
    open_apis: list[str] = []
    unknown_apis: list[str] = []
    for api_id in sorted({m.api_id for m in domain.mappings}):
        api: RestApi | HttpApi | None = inv.get(RestApi, domain.account, domain.region, api_id) or inv.get(
            HttpApi, domain.account, domain.region, api_id
        )
        if api is None or api.disable_execute_api_endpoint is None:
            unknown_apis.append(api_id)
        elif not api.disable_execute_api_endpoint:
            open_apis.append(api.display_name)
    if open_apis:
        return failed(
            domain,
            f"{name} requires client certificates, but mapped API(s) {', '.join(open_apis)} still answer on "
            "their default execute-api endpoint without them",
        )
    if unknown_apis:
        return unknown(
            domain,
            f"{name}: whether mapped API(s) {', '.join(unknown_apis)} disable their default endpoint is not known",
        )
    warnings = domain.mutual_tls.truststore_warnings
    note = f" (truststore warnings: {'; '.join(warnings)})" if warnings else ""
    mapped = (
        f"; its {len(domain.mappings)} mapping(s) disable the default endpoint"
        if domain.mappings
        else "; no API is mapped yet"
    )
    return passed(
        domain, f"{name} requires client certificates from {domain.mutual_tls.truststore_uri}{mapped}{note}"
    )
