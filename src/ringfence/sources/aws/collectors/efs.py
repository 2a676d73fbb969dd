"""EFS: file systems and their encryption at rest."""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.model import FileSystem
from ringfence.sources.aws.context import CollectContext, tags_of
from ringfence.sources.aws.registry import collector


@collector(
    "efs.file_systems",
    service="efs",
    iam_actions=("elasticfilesystem:DescribeFileSystems",),
    produces=(FileSystem,),
)
def collect_file_systems(ctx: CollectContext) -> Iterator[FileSystem]:
    for fs in ctx.iter_pages("describe_file_systems", "FileSystems"):
        if fs.get("OwnerId", ctx.account) != ctx.account:
            continue
        fs_id = fs["FileSystemId"]
        yield FileSystem(
            arn=fs.get("FileSystemArn") or ctx.arn("elasticfilesystem", f"file-system/{fs_id}"),
            native_id=fs_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(fs.get("Tags")),
            encrypted=bool(fs["Encrypted"]) if fs.get("Encrypted") is not None else None,
            kms_key_id=fs.get("KmsKeyId"),
            life_cycle_state=fs.get("LifeCycleState"),
        )
