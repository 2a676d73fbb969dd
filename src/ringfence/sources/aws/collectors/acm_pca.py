"""ACM Private CA: the account's certificate authorities and their own certificates' validity.

ListCertificateAuthorities answers with each CA's full description (NotBefore/NotAfter included);
DescribeCertificateAuthority is asked only for a CA whose listing lacks NotAfter although it has a
certificate (states ACTIVE, DISABLED, EXPIRED).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.model.certificates import CertificateAuthority, iso_time
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.registry import collector

WITH_CERTIFICATE = ("ACTIVE", "DISABLED", "EXPIRED")


@collector(
    "acm_pca.certificate_authorities",
    service="acm-pca",
    iam_actions=("acm-pca:ListCertificateAuthorities", "acm-pca:DescribeCertificateAuthority"),
    produces=(CertificateAuthority,),
)
def collect_certificate_authorities(ctx: CollectContext) -> Iterator[CertificateAuthority]:
    for listed in ctx.iter_pages("list_certificate_authorities", "CertificateAuthorities"):
        ca: Mapping[str, Any] = listed
        unresolved: dict[str, str] = {}
        if not ca.get("NotAfter") and ca.get("Status") in WITH_CERTIFICATE:
            reply = ctx.call(
                "describe_certificate_authority",
                absent=("ResourceNotFoundException",),
                CertificateAuthorityArn=ca["Arn"],
            )
            if reply.absent:
                continue
            if reply.error:
                unresolved["not_after"] = reply.error
            ca = {**ca, **reply.data.get("CertificateAuthority", {})}
        if ca.get("OwnerAccount", ctx.account) != ctx.account:
            continue
        config = ca.get("CertificateAuthorityConfiguration") or {}
        yield CertificateAuthority(
            arn=str(ca["Arn"]),
            native_id=str(ca["Arn"]),
            account=ctx.account,
            region=ctx.region,
            ca_type=ca.get("Type"),
            status=ca.get("Status"),
            not_before=iso_time(ca.get("NotBefore")),
            not_after=iso_time(ca.get("NotAfter")),
            usage_mode=ca.get("UsageMode"),
            common_name=(config.get("Subject") or {}).get("CommonName"),
            unresolved=unresolved,
        )
