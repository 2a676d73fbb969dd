"""Certificates and the authorities that issue them.

A `Certificate` is one X.509 server certificate wherever it lives: ACM (requested, private or
imported), IAM server certificates (the only store a Classic Load Balancer or an old CloudFront
distribution may use) or, later, one a probe saw on the wire. `source` says which. ACM and IAM
certificates are referred to by their ARN everywhere (listeners, API Gateway domains, CloudFront's
ACMCertificateArn), so `native_id` is the ARN; CloudFront names an IAM certificate by its
ServerCertificateId, kept in `server_certificate_id`.

Times are ISO 8601 strings in UTC (the JSON codec keeps them as they are); `expires` parses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ringfence.model.base import Resource, resource_kind

ACM_RESOURCE_TYPE = "AWS::CertificateManager::Certificate"
IAM_RESOURCE_TYPE = "AWS::IAM::ServerCertificate"
SOURCES = ("acm", "acm-imported", "iam", "probe")


def iso_time(value: Any) -> str | None:
    """A timestamp as botocore returns it (datetime, epoch seconds or text) as ISO 8601 UTC."""
    if value is None or value == "":
        return None
    when: dt.datetime | None = None
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        when = dt.datetime.fromtimestamp(value, dt.UTC)
    elif isinstance(value, str):
        when = parse_time(value)
    if when is None:
        return str(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def parse_time(text: str | None) -> dt.datetime | None:
    """An ISO 8601 time as an aware datetime (UTC when no zone is given); None if not a time."""
    if not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


@resource_kind
@dataclass(frozen=True, kw_only=True)
class Certificate(Resource):
    KIND = "certificate"
    RESOURCE_TYPE = ACM_RESOURCE_TYPE

    source: str = "acm"  # acm | acm-imported | iam | probe (see SOURCES)
    domain_name: str | None = None
    subject_alternative_names: tuple[str, ...] = ()
    # ACM: ISSUED | EXPIRED | PENDING_VALIDATION | INACTIVE | REVOKED | FAILED | VALIDATION_TIMED_OUT
    status: str | None = None
    certificate_type: str | None = None  # ACM: AMAZON_ISSUED | IMPORTED | PRIVATE
    key_algorithm: str | None = None
    not_before: str | None = None
    not_after: str | None = None
    in_use: bool | None = None  # ACM ListCertificates InUse
    in_use_by: tuple[str, ...] = ()  # ACM DescribeCertificate InUseBy: ARNs of the resources using it
    issuer: str | None = None
    issuer_ca_arn: str | None = None  # the ACM Private CA that issued it (CertificateAuthorityArn)
    renewal_eligibility: str | None = None  # ACM: ELIGIBLE | INELIGIBLE
    server_certificate_id: str | None = None  # IAM: the ServerCertificateId CloudFront refers to
    certificate_name: str | None = None  # IAM: ServerCertificateName

    @property
    def resource_type(self) -> str:
        return IAM_RESOURCE_TYPE if self.source == "iam" else ACM_RESOURCE_TYPE

    @property
    def expires(self) -> dt.datetime | None:
        return parse_time(self.not_after)

    @property
    def imported(self) -> bool:
        return self.source == "acm-imported"

    @property
    def display_name(self) -> str:
        label = self.domain_name or self.certificate_name or ""
        tail = self.arn.rsplit("/", 1)[-1]
        return f"{label} ({tail})" if label else self.arn


@resource_kind
@dataclass(frozen=True, kw_only=True)
class CertificateAuthority(Resource):
    """An ACM Private CA; `not_after` is its own CA certificate's expiry (none until it is installed)."""

    KIND = "acm_pca.certificate_authority"
    RESOURCE_TYPE = "AWS::ACMPCA::CertificateAuthority"

    ca_type: str | None = None  # ROOT | SUBORDINATE
    # CREATING | PENDING_CERTIFICATE | ACTIVE | DELETED | DISABLED | EXPIRED | FAILED
    status: str | None = None
    not_before: str | None = None
    not_after: str | None = None
    usage_mode: str | None = None  # GENERAL_PURPOSE | SHORT_LIVED_CERTIFICATE
    common_name: str | None = None

    @property
    def expires(self) -> dt.datetime | None:
        return parse_time(self.not_after)

    @property
    def display_name(self) -> str:
        tail = self.arn.rsplit("/", 1)[-1]
        return f"{self.common_name} ({tail})" if self.common_name else self.arn
