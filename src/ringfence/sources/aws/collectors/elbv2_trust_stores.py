"""elbv2 trust stores: the CA bundles ALB listeners verify client certificates against (mTLS)."""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.model.elb import TrustStore
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.registry import collector


@collector(
    "elbv2.trust_stores",
    service="elbv2",
    iam_actions=("elasticloadbalancing:DescribeTrustStores",),
    produces=(TrustStore,),
)
def collect_trust_stores(ctx: CollectContext) -> Iterator[TrustStore]:
    for store in ctx.iter_pages("describe_trust_stores", "TrustStores"):
        arn = str(store["TrustStoreArn"])
        yield TrustStore(
            arn=arn,
            native_id=arn,
            account=ctx.account,
            region=ctx.region,
            store_name=str(store.get("Name", "")),
            status=store.get("Status"),
            ca_certificate_count=store.get("NumberOfCaCertificates"),
            revoked_entries=store.get("TotalRevokedEntries"),
        )
