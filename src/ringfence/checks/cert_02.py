"""CERT-02: imported certificates (e.g. EV) are renewed well ahead of expiry.

AWS cannot renew an imported ACM certificate: a person must obtain a new one from the CA and
re-import it. Each imported certificate in use must expire later than params.imported_warn_days; the
finding lists every resource that uses it (ACM's InUseBy and the inventory's references), so whoever
renews it knows what to check afterwards. Imported certificates not in use are not applicable (CERT-01
reports them at low severity).
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.cert_01 import NOT_ISSUED
from ringfence.checks.cert_usage import CertificateUsage, certificate_usage, days_left, describe_days, now_utc
from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Listener, Remediation, Severity
from ringfence.model.apigateway import ApiDomainName
from ringfence.model.certificates import Certificate
from ringfence.model.cloudfront import Distribution

META = CheckMeta(
    id="CERT-02",
    title="Imported certificates (e.g. EV) are renewed well ahead of expiry",
    severity=Severity.MEDIUM,
    rationale=(
        "ACM renews the certificates it issues, never the ones imported into it: an EV or other "
        "third-party certificate needs a purchase, validation by the CA and a re-import, which take "
        "weeks, so the warning must come long before CERT-01's."
    ),
    remediation=Remediation(
        text=(
            "Order the renewal from the issuing CA now and re-import it over the same certificate ARN, "
            "so the resources listed in the finding pick it up without a change of their own."
        ),
        cli=(
            "aws acm import-certificate --certificate-arn CERT_ARN --certificate fileb://renewed.pem "
            "--private-key fileb://key.pem --certificate-chain fileb://chain.pem"
        ),
        cloudformation=(
            "# Imported certificates are not managed by CloudFormation: re-import the renewed certificate\n"
            "# with `aws acm import-certificate --certificate-arn ...` and keep the ARN in a parameter.\n"
            "Parameters:\n  ApiCertificateArn:\n    Type: String"
        ),
        terraform=(
            'resource "aws_acm_certificate" "ev" {\n  private_key       = file("key.pem")\n'
            '  certificate_body  = file("renewed.pem")\n  certificate_chain = file("chain.pem")\n}'
        ),
    ),
    modes=("live",),
    resource_types=(Certificate.KIND, Listener.KIND, Distribution.KIND, ApiDomainName.KIND),
    tested_with="moto server (imported certificates with chosen dates); Inventory built directly for "
    "unknown use",
    frameworks=Mapping_(fsbp=("ACM.1",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    window = float(ctx.param("imported_warn_days"))
    usage = certificate_usage(ctx.inventory)
    for cert in ctx.inventory.of(Certificate):
        if cert.imported:
            yield _judge(cert, usage, window)


def _judge(cert: Certificate, usage: CertificateUsage, window: float) -> Outcome:
    name = f"imported certificate {cert.display_name}"
    if cert.status in NOT_ISSUED:
        return not_applicable(cert, f"{name} is {cert.status}")
    in_use = usage.in_use(cert)
    users = usage.users(cert)
    if in_use is False:
        return not_applicable(cert, f"{name} is not in use (CERT-01 reports unused certificates)")
    days = days_left(cert, now_utc())
    if days is None:
        return unknown(
            cert, f"the expiry of {name} is not known: {cert.unknown('not_after') or 'not stated'}"
        )
    used = f"used by {', '.join(users)}" if users else "in use (ACM names no resources)"
    when = f"{describe_days(days)} ({cert.not_after})"
    if days > window:
        return passed(cert, f"{name} {when}; {used}")
    if in_use is None:
        return unknown(
            cert, f"{name} {when}, within {window:g} days, but whether it is in use could not be read"
        )
    return failed(
        cert,
        f"{name} {when}, within {window:g} days, and AWS cannot renew it; renew and re-import it: {used}",
    )
