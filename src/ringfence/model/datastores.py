"""Other data-bearing resources: DynamoDB tables and AWS Backup vaults."""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind


@resource_kind
@dataclass(frozen=True, kw_only=True)
class DynamoTable(Resource):
    KIND = "dynamodb.table"
    RESOURCE_TYPE = "AWS::DynamoDB::Table"

    table_name: str = ""
    status: str | None = None
    sse_type: str | None = None  # KMS | AES256; None: the AWS-owned key
    kms_key_arn: str | None = None
    item_count: int | None = None


@resource_kind
@dataclass(frozen=True, kw_only=True)
class BackupVault(Resource):
    """`native_id` is the vault name."""

    KIND = "backup.vault"
    RESOURCE_TYPE = "AWS::Backup::BackupVault"

    vault_name: str = ""
    recovery_points: int | None = None
    kms_key_arn: str | None = None
    vault_type: str | None = (
        None  # BACKUP_VAULT | LOGICALLY_AIR_GAPPED_BACKUP_VAULT | RESTORE_ACCESS_BACKUP_VAULT
    )
