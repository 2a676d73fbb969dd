"""CERT-03 (live): an ACM Private CA does not expire before the certificates it may issue.

Each CA with a certificate installed must expire later than every ACM certificate it issued (found
by DescribeCertificate's CertificateAuthorityArn, in any scanned region) and, while it can still
issue (ACTIVE), later than now + params.max_issued_validity_days: a certificate issued today for that
long would outlive its issuer and stop validating when the CA expires. Certificates issued straight
through acm-pca:IssueCertificate never reach ACM and cannot be seen here (the probe part of the
control judges served chains). CAs with no certificate yet, deleted or failed are not applicable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, register
from ringfence.model import Inventory, Remediation, Severity
from ringfence.model.certificates import Certificate, CertificateAuthority

NO_CERTIFICATE = frozenset({"CREATING", "PENDING_CERTIFICATE", "DELETED", "FAILED"})

META = CheckMeta(
    id="CERT-03",
    title="A subordinate CA does not expire before the certificates it may issue",
    severity=Severity.HIGH,
    rationale=(
        "A certificate stops validating when any CA above it expires, whatever its own date says; a CA "
        "that expires before the certificates it issues turns every one of them into an outage on the "
        "CA's date."
    ),
    remediation=Remediation(
        text=(
            "Renew the CA's certificate (for a subordinate CA, have its parent issue a new one with a "
            "later expiry and install it) well before the latest date of the certificates it issues, or "
            "issue shorter-lived certificates."
        ),
        cli=(
            "aws acm-pca get-certificate-authority-csr --certificate-authority-arn CA_ARN > ca.csr\n"
            "aws acm-pca import-certificate-authority-certificate --certificate-authority-arn CA_ARN "
            "--certificate fileb://ca.pem --certificate-chain fileb://parent-chain.pem"
        ),
        cloudformation=(
            "Type: AWS::ACMPCA::Certificate\nProperties:\n  CertificateAuthorityArn: !Ref ParentCa\n"
            "  CertificateSigningRequest: !GetAtt SubordinateCa.CertificateSigningRequest\n"
            "  SigningAlgorithm: SHA256WITHRSA\n  TemplateArn: arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1\n"
            "  Validity:\n    Type: YEARS\n    Value: 5"
        ),
        terraform=(
            'resource "aws_acmpca_certificate" "subordinate" {\n'
            "  certificate_authority_arn   = aws_acmpca_certificate_authority.root.arn\n"
            "  certificate_signing_request = aws_acmpca_certificate_authority.sub.certificate_signing_request\n"
            '  signing_algorithm           = "SHA256WITHRSA"\n'
            '  template_arn = "arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1"\n'
            '  validity {\n    type  = "YEARS"\n    value = 5\n  }\n}'
        ),
    ),
    modes=("live",),
    resource_types=(CertificateAuthority.KIND, Certificate.KIND),
    tested_with="Inventory built directly (moto's private CAs have no installed certificate dates)",
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    horizon_days = float(ctx.param("max_issued_validity_days"))
    now = dt.datetime.now(dt.UTC)
    for ca in ctx.inventory.of(CertificateAuthority):
        yield _judge(ctx.inventory, ca, now, horizon_days)


def _judge(inv: Inventory, ca: CertificateAuthority, now: dt.datetime, horizon_days: float) -> Outcome:
    name = f"{(ca.ca_type or 'private').lower()} CA {ca.display_name}"
    if ca.status in NO_CERTIFICATE:
        return not_applicable(ca, f"{name} is {ca.status}: it has no CA certificate to expire")
    expires = ca.expires
    if expires is None:
        return unknown(ca, f"the expiry of {name} is not known: {ca.unknown('not_after') or 'not stated'}")
    problems: list[str] = []
    if expires <= now:
        problems.append(f"it expired on {ca.not_after}")
    horizon = now + dt.timedelta(days=horizon_days)
    if ca.status == "ACTIVE" and now < expires < horizon:
        problems.append(
            f"it expires on {ca.not_after}, before a certificate issued today for {horizon_days:g} days would"
        )
    issued = [c for c in inv.of(Certificate) if c.issuer_ca_arn == ca.arn]
    outlive = sorted(
        f"{c.display_name} (expires {c.not_after})" for c in issued if (c.expires or expires) > expires
    )
    if outlive:
        problems.append(f"it expires on {ca.not_after}, before certificates it issued: {', '.join(outlive)}")
    if problems:
        return failed(ca, f"{name}: {'; '.join(problems)}")
    unread = sorted(
        {c.region for c in inv.of(Certificate) if c.source.startswith("acm") and c.unknown("issuer_ca_arn")}
    )
    acm_complete = inv.listing_complete(Certificate, ca.account, ca.region)
    if unread or not acm_complete:
        where = ", ".join(unread) or ca.region
        return unknown(
            ca,
            f"{name} expires on {ca.not_after}, but the issuers of ACM certificates in {where} could not be read",
        )
    return passed(
        ca,
        f"{name} expires on {ca.not_after}, after the {len(issued)} ACM certificate(s) it issued and after "
        f"now + {horizon_days:g} days",
    )
