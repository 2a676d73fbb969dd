"""DynamoDB tables and AWS Backup vaults: data-bearing resources beside the EC2, RDS, S3 and EFS ones."""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.model.datastores import BackupVault, DynamoTable
from ringfence.sources.aws.context import CollectContext, tags_of
from ringfence.sources.aws.registry import collector


@collector(
    "dynamodb.tables",
    service="dynamodb",
    iam_actions=("dynamodb:ListTables", "dynamodb:DescribeTable", "dynamodb:ListTagsOfResource"),
    produces=(DynamoTable,),
)
def collect_tables(ctx: CollectContext) -> Iterator[DynamoTable]:
    for name in ctx.iter_pages("list_tables", "TableNames"):
        described = ctx.call("describe_table", absent=("ResourceNotFoundException",), TableName=name)
        if described.absent:
            continue
        table = described.data.get("Table") or {}
        arn = str(table.get("TableArn") or ctx.arn("dynamodb", f"table/{name}"))
        unresolved: dict[str, str] = {}
        if described.error:
            unresolved.update(sse_type=described.error, kms_key_arn=described.error)
        tags = ctx.call("list_tags_of_resource", ResourceArn=arn) if not described.error else None
        if tags is not None and tags.error:
            unresolved["tags"] = tags.error
        sse = table.get("SSEDescription") or {}
        yield DynamoTable(
            arn=arn,
            native_id=str(name),
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(tags.data.get("Tags")) if tags is not None else {},
            table_name=str(name),
            status=table.get("TableStatus"),
            sse_type=sse.get("SSEType"),
            kms_key_arn=sse.get("KMSMasterKeyArn"),
            item_count=table.get("ItemCount"),
            unresolved=unresolved,
        )


@collector(
    "backup.vaults", service="backup", iam_actions=("backup:ListBackupVaults",), produces=(BackupVault,)
)
def collect_vaults(ctx: CollectContext) -> Iterator[BackupVault]:
    for vault in ctx.iter_pages("list_backup_vaults", "BackupVaultList"):
        name = str(vault["BackupVaultName"])
        yield BackupVault(
            arn=str(vault.get("BackupVaultArn") or ctx.arn("backup", f"backup-vault:{name}")),
            native_id=name,
            account=ctx.account,
            region=ctx.region,
            vault_name=name,
            recovery_points=vault.get("NumberOfRecoveryPoints"),
            kms_key_arn=vault.get("EncryptionKeyArn"),
            vault_type=vault.get("VaultType"),
        )
