"""The certificate authorities RDS offers in a region (rds:DescribeCertificates), with their validity.

They are AWS's, not the account's: each is kept with region "" and the region that listed it, so
that a region is never "in use" for holding them (see RdsCertificateAuthority).
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.model.certificates import iso_time
from ringfence.model.database import RdsCertificateAuthority
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.registry import collector


@collector(
    "rds.certificate_authorities",
    service="rds",
    iam_actions=("rds:DescribeCertificates",),
    produces=(RdsCertificateAuthority,),
)
def collect_rds_certificate_authorities(ctx: CollectContext) -> Iterator[RdsCertificateAuthority]:
    for cert in ctx.iter_pages("describe_certificates", "Certificates"):
        identifier = str(cert["CertificateIdentifier"])
        yield RdsCertificateAuthority(
            arn=ctx.arn("rds", f"cert:{identifier}"),
            native_id=RdsCertificateAuthority.id_for(ctx.region, identifier),
            account=ctx.account,
            region="",
            identifier=identifier,
            listed_in=ctx.region,
            certificate_type=cert.get("CertificateType"),
            valid_from=iso_time(cert.get("ValidFrom")),
            valid_till=iso_time(cert.get("ValidTill")),
            customer_override=cert.get("CustomerOverride"),
            customer_override_valid_till=iso_time(cert.get("CustomerOverrideValidTill")),
        )
