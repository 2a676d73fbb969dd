"""EC2 compute: instances and launch templates (their default and latest versions).

Terminated and shutting-down instances are left out: neither can run again. A launch template
version states only what it sets; what it leaves unset comes at launch from the account's IMDS
defaults and the AMI, so the account defaults are read (once per region) when a version leaves
any metadata option unset.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ringfence.model import BlockDevice, Instance, LaunchTemplate, LaunchTemplateVersion, MetadataOptions
from ringfence.sources.aws.collectors.ec2_network import owned
from ringfence.sources.aws.context import CollectContext, tags_of
from ringfence.sources.aws.registry import collector
from ringfence.sources.aws.user_data import instance_user_data, user_data_fields

_GONE = ("terminated", "shutting-down")
LAUNCH_TEMPLATE_TAG = "aws:ec2launchtemplate:id"


@collector(
    "ec2.instances",
    service="ec2",
    iam_actions=("ec2:DescribeInstances", "ec2:DescribeInstanceAttribute"),  # the latter: user data
    produces=(Instance,),
)
def collect_instances(ctx: CollectContext) -> Iterator[Instance]:
    for reservation in ctx.iter_pages("describe_instances", "Reservations"):
        if not owned(ctx, reservation):
            continue
        for inst in reservation.get("Instances", []):
            state = (inst.get("State") or {}).get("Name", "")
            if state in _GONE:
                continue
            yield _instance(ctx, inst, state)


def _instance(ctx: CollectContext, inst: dict[str, Any], state: str) -> Instance:
    instance_id = inst["InstanceId"]
    enis = inst.get("NetworkInterfaces", [])
    groups = [g.get("GroupId") for g in inst.get("SecurityGroups", [])]
    groups += [g.get("GroupId") for eni in enis for g in eni.get("Groups", [])]
    tags = tags_of(inst.get("Tags"))
    return Instance(
        arn=ctx.arn("ec2", f"instance/{instance_id}"),
        native_id=instance_id,
        account=ctx.account,
        region=ctx.region,
        tags=tags,
        state=state,
        instance_type=inst.get("InstanceType"),
        image_id=inst.get("ImageId"),
        vpc_id=inst.get("VpcId"),
        subnet_id=inst.get("SubnetId"),
        key_name=inst.get("KeyName"),
        iam_instance_profile_arn=(inst.get("IamInstanceProfile") or {}).get("Arn"),
        metadata_options=metadata_options(inst.get("MetadataOptions")),
        security_group_ids=_unique(groups),
        network_interface_ids=_unique(e.get("NetworkInterfaceId") for e in enis),
        private_ip=inst.get("PrivateIpAddress"),
        public_ip=inst.get("PublicIpAddress"),
        launch_template_id=tags.get(LAUNCH_TEMPLATE_TAG),
        **instance_user_data(ctx, instance_id),  # redacted, with the credentials found in it
        block_devices=tuple(
            BlockDevice(device_name=b.get("DeviceName", ""), volume_id=(b.get("Ebs") or {}).get("VolumeId"))
            for b in inst.get("BlockDeviceMappings", [])
        ),
    )


def metadata_options(data: dict[str, Any] | None) -> MetadataOptions | None:
    """MetadataOptions as stated; None when there are none. A hop limit of -1 (the account
    defaults' "no preference") is unset."""
    if data is None:
        return None
    hops = data.get("HttpPutResponseHopLimit")
    return MetadataOptions(
        http_tokens=_preference(data.get("HttpTokens")),
        http_endpoint=_preference(data.get("HttpEndpoint")),
        http_put_response_hop_limit=int(hops) if hops is not None and int(hops) >= 0 else None,
    )


def _preference(value: Any) -> str | None:
    return None if value in (None, "", "no-preference") else str(value)


@collector(
    "ec2.launch_templates",
    service="ec2",
    iam_actions=(
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:GetInstanceMetadataDefaults",
    ),
    produces=(LaunchTemplate,),
)
def collect_launch_templates(ctx: CollectContext) -> Iterator[LaunchTemplate]:
    templates: list[tuple[dict[str, Any], tuple[LaunchTemplateVersion, ...], str | None]] = []
    for template in ctx.iter_pages("describe_launch_templates", "LaunchTemplates"):
        versions, error = _versions(ctx, template)
        templates.append((template, versions, error))
    defaults: MetadataOptions | None = None
    defaults_error: str | None = None
    if any(
        v.metadata_options is None or not v.metadata_options.complete for _, vs, _ in templates for v in vs
    ):
        reply = ctx.call("get_instance_metadata_defaults")
        if reply.error:
            defaults_error = reply.error
        else:  # an empty AccountLevel: no preference for anything
            defaults = metadata_options(reply.data.get("AccountLevel") or {})
    for template, versions, error in templates:
        unresolved = {"versions": error} if error else {}
        if defaults_error:
            unresolved["account_metadata_defaults"] = defaults_error
        template_id = template["LaunchTemplateId"]
        yield LaunchTemplate(
            arn=ctx.arn("ec2", f"launch-template/{template_id}"),
            native_id=template_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(template.get("Tags")),
            template_name=template.get("LaunchTemplateName", ""),
            default_version_number=template.get("DefaultVersionNumber"),
            latest_version_number=template.get("LatestVersionNumber"),
            versions=versions,
            account_metadata_defaults=defaults,
            unresolved=unresolved,
        )


def _versions(
    ctx: CollectContext, template: dict[str, Any]
) -> tuple[tuple[LaunchTemplateVersion, ...], str | None]:
    reply = ctx.call(
        "describe_launch_template_versions",
        LaunchTemplateId=template["LaunchTemplateId"],
        Versions=["$Default", "$Latest"],
    )
    if reply.error:
        return (), reply.error
    default, latest = template.get("DefaultVersionNumber"), template.get("LatestVersionNumber")
    seen: dict[int, LaunchTemplateVersion] = {}
    for version in reply.data.get("LaunchTemplateVersions", []):
        number = int(version["VersionNumber"])
        seen.setdefault(number, _version(version, number, default, latest))
    return tuple(seen[n] for n in sorted(seen)), None


def _version(version: dict[str, Any], number: int, default: Any, latest: Any) -> LaunchTemplateVersion:
    data = version.get("LaunchTemplateData") or {}
    profile = data.get("IamInstanceProfile") or {}
    groups = list(data.get("SecurityGroupIds", []))
    groups += [g for eni in data.get("NetworkInterfaces", []) for g in eni.get("Groups", [])]
    return LaunchTemplateVersion(
        version_number=number,
        is_default=bool(version.get("DefaultVersion")) or number == default,
        is_latest=number == latest,
        metadata_options=metadata_options(data.get("MetadataOptions")),
        iam_instance_profile=profile.get("Arn") or profile.get("Name"),
        instance_type=data.get("InstanceType"),
        image_id=data.get("ImageId"),
        key_name=data.get("KeyName"),
        security_group_ids=_unique(groups),
        **user_data_fields(data.get("UserData"), f"user data of version {number}"),
        block_devices=tuple(
            BlockDevice(
                device_name=b.get("DeviceName", ""),
                encrypted=(b.get("Ebs") or {}).get("Encrypted"),
                kms_key_id=(b.get("Ebs") or {}).get("KmsKeyId"),
            )
            for b in data.get("BlockDeviceMappings", [])
            if b.get("Ebs") is not None
        ),
    )


def _unique(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(v) for v in values if v))
