"""ElastiCache replication groups (Redis OSS and Valkey)."""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind


@resource_kind
@dataclass(frozen=True, kw_only=True)
class CacheReplicationGroup(Resource):
    KIND = "elasticache.replication_group"
    RESOURCE_TYPE = "AWS::ElastiCache::ReplicationGroup"

    engine: str | None = None  # redis | valkey (older API answers leave it out)
    status: str | None = None
    at_rest_encryption: bool | None = None
    transit_encryption: bool | None = None
    # "required" | "preferred"; None where the API does not return the field (engines before Redis
    # OSS 7, where transit encryption, once on, is the only way in).
    transit_encryption_mode: str | None = None
    kms_key_id: str | None = None  # None with at-rest encryption on: the service's default key
    auth_token_enabled: bool | None = None
    multi_az: str | None = None  # enabled | disabled
    member_clusters: tuple[str, ...] = ()
