"""Which resources use each certificate, for the certificate controls (CERT-01/02/05).

ACM's own answer (InUseBy) is joined with every reference the inventory holds: load balancer
listeners (ACM and IAM certificates, by ARN), CloudFront viewer certificates (ACM by ARN, IAM by
ServerCertificateId) and API Gateway custom domains. IAM server certificates have no InUseBy at all:
the references are the only evidence. A user is named by its ARN; a listener by its load balancer's
ARN, as ACM names it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from ringfence.model import Inventory, Listener, Resource
from ringfence.model.apigateway import ApiDomainName
from ringfence.model.certificates import Certificate
from ringfence.model.cloudfront import Distribution


@dataclass(frozen=True)
class Reference:
    """A resource that names a certificate (`ref`: an ARN, or iam-id:ID for CloudFront's IAM ids)."""

    ref: str
    referrer: Resource
    user: str  # the ARN reported as the certificate's user


@dataclass
class CertificateUsage:
    by_ref: dict[str, list[Reference]] = field(default_factory=lambda: defaultdict(list))

    def users(self, cert: Certificate) -> tuple[str, ...]:
        """Every resource known to use `cert`, sorted."""
        found = set(cert.in_use_by)
        for ref in _refs_of(cert):
            found.update(r.user for r in self.by_ref.get(ref, ()))
        return tuple(sorted(found))

    def in_use(self, cert: Certificate) -> bool | None:
        """True/False, or None when ACM could not say and nothing in the inventory refers to it."""
        if self.users(cert) or cert.in_use:
            return True
        if cert.source.startswith("acm") and cert.in_use is None:
            return None
        return False

    def dangling(self, inventory: Inventory) -> Iterator[tuple[str, list[Reference]]]:
        """References to certificates the inventory does not hold (ref, referrers)."""
        known: set[str] = set()
        for cert in inventory.of(Certificate):
            known.update(_refs_of(cert))
        for ref, refs in sorted(self.by_ref.items()):
            if ref not in known:
                yield ref, refs


def _refs_of(cert: Certificate) -> tuple[str, ...]:
    refs = [cert.arn]
    if cert.server_certificate_id:
        refs.append(f"iam-id:{cert.server_certificate_id}")
    return tuple(refs)


def certificate_usage(inventory: Inventory) -> CertificateUsage:
    usage = CertificateUsage()
    for listener in inventory.of(Listener):
        for arn in listener.certificate_arns:
            user = listener.load_balancer_arn or listener.arn
            usage.by_ref[arn].append(Reference(arn, listener, user))
    for dist in inventory.of(Distribution):
        viewer = dist.viewer_certificate
        if viewer and viewer.acm_certificate_arn:
            usage.by_ref[viewer.acm_certificate_arn].append(
                Reference(viewer.acm_certificate_arn, dist, dist.arn)
            )
        if viewer and viewer.iam_certificate_id:
            ref = f"iam-id:{viewer.iam_certificate_id}"
            usage.by_ref[ref].append(Reference(ref, dist, dist.arn))
    for domain in inventory.of(ApiDomainName):
        for arn in domain.certificate_arns:
            usage.by_ref[arn].append(Reference(arn, domain, domain.arn))
    return usage


def days_left(cert: Certificate, now: dt.datetime) -> float | None:
    expires = cert.expires
    return None if expires is None else (expires - now).total_seconds() / 86400


def describe_days(days: float) -> str:
    if days < 0:
        return f"expired {int(-days)} day(s) ago"
    return f"expires in {int(days)} day(s)"


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
