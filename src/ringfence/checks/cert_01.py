"""CERT-01: no certificate in use expires within the warning window.

Judged: every ACM certificate (requested, private, imported) and IAM server certificate in the
inventory, and every certificate a listener, distribution or API domain refers to that the inventory
does not hold (UNKNOWN: another region not scanned, e.g. CloudFront's us-east-1, or ACM unreadable).
In use means ACM's InUseBy is not empty or a resource of the inventory refers to it. A certificate in
use that expired is critical, one that expires within params.warn_days high; one not in use that
expired or expires soon is reported at low severity. When ACM could not say whether it is in use and
nothing refers to it, the certificate still fails if it is expiring (either way it does), at the
severity of a certificate in use. Certificates that were never issued (pending validation, failed,
revoked) have no expiry to judge: not applicable.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.cert_usage import CertificateUsage, certificate_usage, days_left, describe_days, now_utc
from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Inventory, Listener, Remediation, Severity
from ringfence.model.apigateway import ApiDomainName
from ringfence.model.certificates import ACM_RESOURCE_TYPE, IAM_RESOURCE_TYPE, Certificate
from ringfence.model.cloudfront import Distribution

LABELS = {
    "acm": "ACM certificate",
    "acm-imported": "imported ACM certificate",
    "iam": "IAM server certificate",
    "probe": "served certificate",
}
NOT_ISSUED = frozenset({"PENDING_VALIDATION", "FAILED", "VALIDATION_TIMED_OUT", "REVOKED"})

META = CheckMeta(
    id="CERT-01",
    title="No certificate in use expires within the warning window",
    severity=Severity.HIGH,
    rationale=(
        "An expired certificate takes its service down for every client that validates it, and renewal "
        "of ACM certificates fails silently when validation records or private CA permissions are gone, "
        "so the expiry date is the last warning."
    ),
    remediation=Remediation(
        text=(
            "Renew or replace the certificate before it expires: fix DNS validation of ACM-issued ones, "
            "re-import a renewed imported certificate under the same ARN, upload a new IAM server "
            "certificate (better: move to ACM); delete certificates nothing uses."
        ),
        cli=(
            "aws acm describe-certificate --certificate-arn CERT_ARN --query Certificate.RenewalSummary\n"
            "aws acm import-certificate --certificate-arn CERT_ARN --certificate fileb://cert.pem "
            "--private-key fileb://key.pem --certificate-chain fileb://chain.pem"
        ),
        cloudformation=(
            "Type: AWS::CertificateManager::Certificate\nProperties:\n  DomainName: app.example.com\n"
            "  ValidationMethod: DNS\n  DomainValidationOptions:\n    - DomainName: app.example.com\n"
            "      HostedZoneId: !Ref Zone"
        ),
        terraform=(
            'resource "aws_acm_certificate" "app" {\n  domain_name       = "app.example.com"\n'
            '  validation_method = "DNS"\n  lifecycle {\n    create_before_destroy = true\n  }\n}'
        ),
    ),
    modes=("live",),
    resource_types=(Certificate.KIND, Listener.KIND, Distribution.KIND, ApiDomainName.KIND),
    tested_with="moto server (imported certificates with chosen dates); Inventory built directly for IAM "
    "certificates, unknown use and certificates outside the inventory",
    frameworks=Mapping_(fsbp=("ACM.1",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    warn = float(ctx.param("warn_days"))
    usage = certificate_usage(ctx.inventory)
    for cert in ctx.inventory.of(Certificate):
        if cert.source != "probe":
            yield _judge(cert, usage, warn)
    yield from _dangling(ctx.inventory, usage)


def _judge(cert: Certificate, usage: CertificateUsage, warn: float) -> Outcome:
    kind = cert.resource_type
    name = f"{LABELS.get(cert.source, 'certificate')} {cert.display_name}"
    if cert.status in NOT_ISSUED:
        return not_applicable(
            cert, f"{name} is {cert.status}: never issued, nothing expires", resource_type=kind
        )
    days = days_left(cert, now_utc())
    if days is None:
        reason = cert.unknown("not_after") or "not stated"
        return unknown(cert, f"the expiry of {name} is not known: {reason}", resource_type=kind)
    in_use = usage.in_use(cert)
    users = usage.users(cert)
    used = f"used by {', '.join(users)}" if users else "in use" if in_use else None
    when = f"{describe_days(days)} ({cert.not_after})"
    if days > warn:
        return passed(cert, f"{name} {when}{'; ' + used if used else ''}", resource_type=kind)
    if days >= 0:
        when += f", within the {warn:g}-day warning window"
    if in_use is False:
        return failed(
            cert,
            f"{name} {when}, but is not in use",
            severity=Severity.LOW,
            resource_type=kind,
        )
    severity = Severity.CRITICAL if days < 0 else Severity.HIGH
    context = used or "whether it is in use could not be read"
    return failed(cert, f"{name} {when}; {context}", severity=severity, resource_type=kind)


def _dangling(inv: Inventory, usage: CertificateUsage) -> Iterator[Outcome]:
    for ref, refs in usage.dangling(inv):
        first = refs[0].referrer
        iam = ref.startswith("iam-id:") or ":server-certificate/" in ref
        users = ", ".join(sorted({r.user for r in refs}))
        yield unknown(
            first,
            f"certificate {ref} used by {users} is not in the inventory (its region was not scanned, e.g. "
            "us-east-1 for CloudFront, or its listing failed): its expiry is not known",
            resource_id=ref,
            resource_type=IAM_RESOURCE_TYPE if iam else ACM_RESOURCE_TYPE,
        )
