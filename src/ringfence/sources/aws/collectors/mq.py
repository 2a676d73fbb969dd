"""Amazon MQ brokers and the key that encrypts them at rest (DescribeBroker EncryptionOptions)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.model.messaging import MqBroker
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.registry import collector

DESCRIBED = ("use_aws_owned_key", "kms_key_id", "publicly_accessible", "tags")


@collector(
    "mq.brokers", service="mq", iam_actions=("mq:ListBrokers", "mq:DescribeBroker"), produces=(MqBroker,)
)
def collect_brokers(ctx: CollectContext) -> Iterator[MqBroker]:
    for summary in ctx.iter_pages("list_brokers", "BrokerSummaries"):
        broker = _broker(ctx, summary)
        if broker is not None:
            yield broker


def _broker(ctx: CollectContext, summary: Mapping[str, Any]) -> MqBroker | None:
    broker_id = str(summary["BrokerId"])
    reply = ctx.call("describe_broker", absent=("NotFoundException",), BrokerId=broker_id)
    if reply.absent:
        return None  # deleted since it was listed
    data: Mapping[str, Any] = reply.data if not reply.error else summary
    encryption = data.get("EncryptionOptions") or {}
    use_owned = encryption.get("UseAwsOwnedKey")
    return MqBroker(
        arn=str(
            data.get("BrokerArn") or ctx.arn("mq", f"broker:{data.get('BrokerName', broker_id)}:{broker_id}")
        ),
        native_id=broker_id,
        account=ctx.account,
        region=ctx.region,
        tags={str(k): str(v) for k, v in (data.get("Tags") or {}).items()},
        broker_name=str(data.get("BrokerName", "")),
        engine_type=data.get("EngineType"),
        state=data.get("BrokerState"),
        deployment_mode=data.get("DeploymentMode"),
        publicly_accessible=data.get("PubliclyAccessible"),
        subnet_ids=tuple(str(s) for s in data.get("SubnetIds") or ()),
        use_aws_owned_key=None if use_owned is None else bool(use_owned),
        kms_key_id=encryption.get("KmsKeyId") or None,
        unresolved=dict.fromkeys(DESCRIBED, reply.error) if reply.error else {},
    )
