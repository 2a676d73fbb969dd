"""Amazon MQ brokers."""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind


@resource_kind
@dataclass(frozen=True, kw_only=True)
class MqBroker(Resource):
    """`native_id` is the broker id."""

    KIND = "mq.broker"
    RESOURCE_TYPE = "AWS::AmazonMQ::Broker"

    broker_name: str = ""
    engine_type: str | None = None  # ACTIVEMQ | RABBITMQ
    state: str | None = None
    deployment_mode: str | None = None
    publicly_accessible: bool | None = None
    subnet_ids: tuple[str, ...] = ()
    use_aws_owned_key: bool | None = None  # EncryptionOptions.UseAwsOwnedKey
    kms_key_id: str | None = None  # EncryptionOptions.KmsKeyId
