"""ENC-10: ElastiCache replication groups encrypt at rest and in transit.

One finding per replication group: PASS when AtRestEncryptionEnabled and TransitEncryptionEnabled
are true and, where the API reports TransitEncryptionMode (Redis OSS 7 and later, Valkey), it is
"required": "preferred" still accepts plaintext connections (it exists to migrate clients). Groups
being created or deleted are judged on what they state.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Remediation, Severity
from ringfence.model.cache import CacheReplicationGroup

META = CheckMeta(
    id="ENC-10",
    title="ElastiCache replication groups encrypt at rest and in transit",
    severity=Severity.HIGH,
    rationale=(
        "Caches hold sessions, tokens and copies of database rows: without encryption at rest they sit "
        "in plaintext on disk and in backups, and without required TLS anyone on the network path reads them."
    ),
    remediation=Remediation(
        text=(
            "Encryption at rest is set when a group is created: create an encrypted group from a backup "
            "and switch clients. Turn transit encryption on in place (Redis OSS 7+ / Valkey) through mode "
            "preferred, move the clients to TLS, then set the mode to required."
        ),
        cli=(
            "aws elasticache modify-replication-group --replication-group-id GROUP "
            "--transit-encryption-enabled --transit-encryption-mode required --apply-immediately"
        ),
        cloudformation=(
            "Type: AWS::ElastiCache::ReplicationGroup\nProperties:\n  AtRestEncryptionEnabled: true\n"
            "  KmsKeyId: !Ref CacheKey\n  TransitEncryptionEnabled: true\n  TransitEncryptionMode: required"
        ),
        terraform=(
            'resource "aws_elasticache_replication_group" "cache" {\n  at_rest_encryption_enabled = true\n'
            "  kms_key_id                 = aws_kms_key.cache.arn\n  transit_encryption_enabled = true\n"
            '  transit_encryption_mode    = "required"\n}'
        ),
    ),
    modes=("live",),
    resource_types=(CacheReplicationGroup.KIND,),
    tested_with="moto server; groups without TransitEncryptionMode and unknown fields via an Inventory",
    frameworks=Mapping_(fsbp=("ElastiCache.4", "ElastiCache.5"), nist_800_53=("SC-8", "SC-28")),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for group in ctx.inventory.of(CacheReplicationGroup):
        yield _judge(group)


def _judge(group: CacheReplicationGroup) -> Outcome:
    label = f"replication group {group.native_id}"
    faults: list[str] = []
    not_known: list[str] = []
    for field, value, lack in (
        ("at_rest_encryption", group.at_rest_encryption, "not encrypted at rest"),
        ("transit_encryption", group.transit_encryption, "no encryption in transit"),
    ):
        reason = group.unknown(field)
        if reason or value is None:
            not_known.append(f"{field.replace('_', ' ')} ({reason or 'not stated'})")
        elif not value:
            faults.append(lack)
    mode = group.transit_encryption_mode
    if group.transit_encryption and mode and mode != "required":
        faults.append(f"TransitEncryptionMode is {mode}: clients may still connect in plaintext")
    if faults:
        return failed(group, f"{label}: {'; '.join(faults)}")
    if not_known:
        return unknown(group, f"{label}: not known: {', '.join(not_known)}")
    how = f"required TLS (mode {mode})" if mode else "TLS"
    return passed(group, f"{label} is encrypted at rest and in transit with {how}")
