"""EC2 / EBS: volumes and the region's EBS encryption defaults."""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.model import RegionSettings, Volume
from ringfence.sources.aws.context import CollectContext, tags_of
from ringfence.sources.aws.registry import collector


@collector(
    "ec2.region_settings",
    service="ec2",
    iam_actions=("ec2:GetEbsEncryptionByDefault",),
    produces=(RegionSettings,),
)
def collect_region_settings(ctx: CollectContext) -> Iterator[RegionSettings]:
    unresolved: dict[str, str] = {}
    by_default = ctx.call("get_ebs_encryption_by_default")
    if by_default.error:
        unresolved["ebs_encryption_by_default"] = by_default.error
    yield RegionSettings(
        arn=f"{ctx.account}/{ctx.region}",
        native_id=ctx.region,
        account=ctx.account,
        region=ctx.region,
        ebs_encryption_by_default=by_default.data.get("EbsEncryptionByDefault")
        if not by_default.error
        else None,
        unresolved=unresolved,
    )


@collector("ec2.volumes", service="ec2", iam_actions=("ec2:DescribeVolumes",), produces=(Volume,))
def collect_volumes(ctx: CollectContext) -> Iterator[Volume]:
    for vol in ctx.iter_pages("describe_volumes", "Volumes"):
        vol_id = vol["VolumeId"]
        yield Volume(
            arn=ctx.arn("ec2", f"volume/{vol_id}"),
            native_id=vol_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(vol.get("Tags")),
            encrypted=bool(vol.get("Encrypted", False)),
            kms_key_id=vol.get("KmsKeyId"),
            state=vol.get("State"),
            size_gib=vol.get("Size"),
            availability_zone=vol.get("AvailabilityZone"),
            attached_instance_ids=tuple(
                a["InstanceId"] for a in vol.get("Attachments", []) if a.get("InstanceId")
            ),
        )
