"""ACM: every certificate of the region (requested, private and imported) with its use and issuer.

ListCertificates returns only RSA_1024 and RSA_2048 certificates unless Includes.keyTypes names the
key types wanted, so it names every one: an EC or RSA-4096 certificate must not vanish from the scan.
DescribeCertificate adds what the listing lacks: InUseBy (the resources using it) and the private CA
that issued it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.model.certificates import Certificate, iso_time
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.registry import collector

# Every KeyAlgorithm ACM knows (the acm service model's enum).
KEY_TYPES = (
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
    "EC_secp384r1",
    "EC_secp521r1",
)
DESCRIBED = ("in_use_by", "issuer_ca_arn", "issuer", "subject_alternative_names")


@collector(
    "acm.certificates",
    service="acm",
    iam_actions=("acm:ListCertificates", "acm:DescribeCertificate"),
    produces=(Certificate,),
)
def collect_certificates(ctx: CollectContext) -> Iterator[Certificate]:
    listed = ctx.paginate(
        "list_certificates", "CertificateSummaryList", Includes={"keyTypes": list(KEY_TYPES)}
    )
    for summary in listed:
        certificate = _read(ctx, summary)
        if certificate is not None:
            yield certificate


def _read(ctx: CollectContext, summary: Mapping[str, Any]) -> Certificate | None:
    arn = str(summary["CertificateArn"])
    reply = ctx.call("describe_certificate", absent=("ResourceNotFoundException",), CertificateArn=arn)
    if reply.absent:
        return None  # deleted since the listing
    detail: Mapping[str, Any] = reply.data.get("Certificate", {})
    unresolved = dict.fromkeys(DESCRIBED, reply.error) if reply.error else {}

    def field(key: str) -> Any:
        return detail.get(key, summary.get(key))

    cert_type = field("Type")
    in_use_by = tuple(str(a) for a in detail.get("InUseBy", []))
    listed_in_use = summary.get("InUse")
    in_use: bool | None = bool(in_use_by) or bool(listed_in_use)
    if reply.error and listed_in_use is None:
        in_use = None
    return Certificate(
        arn=arn,
        native_id=arn,
        account=ctx.account,
        region=ctx.region,
        source="acm-imported" if cert_type == "IMPORTED" else "acm",
        domain_name=field("DomainName"),
        subject_alternative_names=tuple(
            detail.get("SubjectAlternativeNames") or summary.get("SubjectAlternativeNameSummaries") or ()
        ),
        status=field("Status"),
        certificate_type=cert_type,
        key_algorithm=field("KeyAlgorithm"),
        not_before=iso_time(field("NotBefore")),
        not_after=iso_time(field("NotAfter")),
        in_use=in_use,
        in_use_by=in_use_by,
        issuer=detail.get("Issuer"),
        issuer_ca_arn=detail.get("CertificateAuthorityArn"),
        renewal_eligibility=field("RenewalEligibility"),
        unresolved=unresolved,
    )
