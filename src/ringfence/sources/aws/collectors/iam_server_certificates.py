"""IAM server certificates: the certificates Classic Load Balancers (and, by id, CloudFront) may use."""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.model.certificates import Certificate, iso_time
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.registry import collector
from ringfence.sources.aws.session import DEFAULT_HOME_REGION, PARTITION_HOME


@collector(
    "iam.server_certificates",
    service="iam",
    scope="global",
    iam_actions=("iam:ListServerCertificates",),
    produces=(Certificate,),
)
def collect_server_certificates(ctx: CollectContext) -> Iterator[Certificate]:
    region = ctx.factory.options.home_region or PARTITION_HOME.get(ctx.partition, DEFAULT_HOME_REGION)
    for meta in ctx.iter_pages("list_server_certificates", "ServerCertificateMetadataList", region=region):
        arn = str(meta["Arn"])
        yield Certificate(
            arn=arn,
            native_id=arn,
            account=ctx.account,
            region="",
            source="iam",
            certificate_name=meta.get("ServerCertificateName"),
            server_certificate_id=meta.get("ServerCertificateId"),
            not_after=iso_time(meta.get("Expiration")),
        )
