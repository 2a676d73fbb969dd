"""CloudFormation EC2 compute -> model: EBS volumes, instances and launch templates.

A launch template in the files is one version, the default and the latest. An instance launched
from one takes what it leaves unset from it: metadata options, instance profile, block devices
(the instance's own mappings win, by device name). An EBS mapping that does not say Encrypted is
not encrypted by the template (EBS encryption by default, an account setting, may still encrypt
it, which ENC-01 judges); one made from a snapshot is encrypted exactly when the snapshot is,
which the files do not say.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ringfence.model import (
    BlockDevice,
    Instance,
    LaunchTemplate,
    LaunchTemplateVersion,
    MetadataOptions,
    Resource,
    Volume,
)
from ringfence.sources.iac import values as v
from ringfence.sources.iac.cloudformation import Declared, Fields, Unit, ident, idents, joins, maps

LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
INSTANCE = "AWS::EC2::Instance"
VOLUME = "AWS::EC2::Volume"
IMDS_DEFAULTS_UNKNOWN = "the target account's IMDS defaults are not in the files (ringfence iac --account-imds-defaults states them)"


@joins("AWS::EC2::VolumeAttachment")
def volume_attachment(d: Declared, unit: Unit) -> None:
    target = unit.find(d.get("VolumeId"), (VOLUME,))
    if target is not None:
        unit.file("volume-instance", target.qid, ident(d.get("InstanceId")) or "?")


@joins(INSTANCE)
def instance_volumes(d: Declared, unit: Unit) -> None:
    volumes = d.get("Volumes")
    for item in volumes if isinstance(volumes, list) else ():
        target = unit.find(item.get("VolumeId") if isinstance(item, dict) else None, (VOLUME,))
        if target is not None:
            unit.file("volume-instance", target.qid, d.qid)


@maps(VOLUME)
def volume(d: Declared, unit: Unit) -> Iterator[Resource]:
    f = Fields(d, unit)
    snapshot = d.get("SnapshotId")
    encrypted = f.boolean(d.get("Encrypted"), "encrypted", "Encrypted", None if snapshot else False)
    if encrypted is None and snapshot is not None and "encrypted" not in f.unresolved:
        f.unresolved["encrypted"] = (
            f"made from snapshot {v.display(snapshot)} without Encrypted: encrypted exactly when the "
            "snapshot is, which the files do not say"
        )
    yield Volume(
        **f.base(
            encrypted=encrypted,
            kms_key_id=ident(d.get("KmsKeyId")),
            size_gib=v.to_int(d.get("Size")),
            availability_zone=v.display(d.get("AvailabilityZone")),
            attached_instance_ids=tuple(unit.take("volume-instance", d.qid)),
        )
    )


def block_devices(f: Fields, value: Any, prop: str = "BlockDeviceMappings") -> tuple[BlockDevice, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        f.note("block_devices", prop, value)
        return ()
    devices: list[BlockDevice] = []
    for mapping in value:
        if not isinstance(mapping, dict):
            f.note("block_devices", prop, mapping)
            continue
        ebs = mapping.get("Ebs")
        if not isinstance(ebs, dict) or mapping.get("NoDevice") is not None:
            continue  # instance store or a suppressed device: no EBS volume
        name = v.display(mapping.get("DeviceName")) or "?"
        key = f"block_devices/{name}"
        snapshot = ebs.get("SnapshotId")
        encrypted = f.boolean(ebs.get("Encrypted"), key, f"{name} Ebs.Encrypted", None if snapshot else False)
        if encrypted is None and snapshot is not None and key not in f.unresolved:
            f.unresolved[key] = (
                f"{name} is made from snapshot {v.display(snapshot)} without Encrypted: encrypted exactly when "
                "the snapshot is, which the files do not say"
            )
        devices.append(
            BlockDevice(device_name=name, encrypted=encrypted, kms_key_id=ident(ebs.get("KmsKeyId")))
        )
    return tuple(devices)


def metadata_options(f: Fields, value: Any) -> MetadataOptions | None:
    """What the template states (None fields unset); an unknowable option is noted."""
    if value is None:
        return None
    if not isinstance(value, dict):
        f.note("metadata_options", "MetadataOptions", value)
        return None
    tokens = f.text(value.get("HttpTokens"), "metadata_options", "MetadataOptions.HttpTokens")
    endpoint = f.text(value.get("HttpEndpoint"), "metadata_options", "MetadataOptions.HttpEndpoint")
    hops = f.integer(
        value.get("HttpPutResponseHopLimit"), "metadata_options", "MetadataOptions.HttpPutResponseHopLimit"
    )
    return MetadataOptions(
        http_tokens=tokens.lower() if tokens else None,
        http_endpoint=endpoint.lower() if endpoint else None,
        http_put_response_hop_limit=hops,
    )


def _profile(value: Any) -> str | None:
    if isinstance(value, dict):  # a launch template's IamInstanceProfile {Arn | Name}
        return ident(value.get("Arn")) or ident(value.get("Name"))
    return ident(value)


def _group_ids(d: Declared, data: Any) -> tuple[str, ...]:
    ids = [*idents(data.get("SecurityGroupIds")), *idents(data.get("SecurityGroups"))]
    interfaces = data.get("NetworkInterfaces")
    for eni in interfaces if isinstance(interfaces, list) else ():
        if isinstance(eni, dict):
            ids += [*idents(eni.get("GroupSet")), *idents(eni.get("Groups"))]
    return tuple(dict.fromkeys(ids))


def _imds_defaults(f: Fields) -> MetadataOptions | None:
    defaults = f.unit.context.imds_defaults
    if defaults is None:
        f.unresolved["account_metadata_defaults"] = IMDS_DEFAULTS_UNKNOWN
    return defaults


@maps(LAUNCH_TEMPLATE)
def launch_template(d: Declared, unit: Unit) -> Iterator[Resource]:
    f = Fields(d, unit)
    data = d.get("LaunchTemplateData")
    versions: tuple[LaunchTemplateVersion, ...] = ()
    if isinstance(data, dict):
        versions = (
            LaunchTemplateVersion(
                version_number=1,
                is_default=True,
                is_latest=True,
                metadata_options=metadata_options(f, data.get("MetadataOptions")),
                iam_instance_profile=_profile(data.get("IamInstanceProfile")),
                image_id=v.display(data.get("ImageId")),
                key_name=v.display(data.get("KeyName")),
                instance_type=v.scalar_text(data.get("InstanceType")),
                security_group_ids=_group_ids(d, data),
                block_devices=block_devices(f, data.get("BlockDeviceMappings")),
            ),
        )
    else:
        f.note("versions", "LaunchTemplateData", data)
    yield LaunchTemplate(
        **f.base(
            template_name=v.scalar_text(d.get("LaunchTemplateName")) or d.qid,
            default_version_number=1,
            latest_version_number=1,
            versions=versions,
            account_metadata_defaults=_imds_defaults(f),
        )
    )


@maps(INSTANCE)
def instance(d: Declared, unit: Unit) -> Iterator[Resource]:
    f = Fields(d, unit)
    options = metadata_options(f, d.get("MetadataOptions"))
    profile = _profile(d.get("IamInstanceProfile"))
    own = block_devices(f, d.get("BlockDeviceMappings"))
    template_data: dict[str, Any] = {}
    spec = d.get("LaunchTemplate")
    template_id: str | None = None
    if isinstance(spec, dict):
        ref = spec.get("LaunchTemplateId") or spec.get("LaunchTemplateName")
        found = unit.find(ref, (LAUNCH_TEMPLATE,), "LaunchTemplateName")
        template_id = found.qid if found else ident(ref)
        if found is not None and isinstance(found.get("LaunchTemplateData"), dict):
            template_data = found.get("LaunchTemplateData")
        else:
            why = f"it launches from launch template {template_id}, which these files do not declare"
            for field_name, known in (
                ("metadata_options", options is not None),
                ("iam_instance_profile_arn", bool(profile)),
                ("block_devices", False),
            ):
                if not known:
                    f.unresolved.setdefault(field_name, why)
    if options is None:
        options = metadata_options(f, template_data.get("MetadataOptions"))
    profile = profile or _profile(template_data.get("IamInstanceProfile"))
    inherited = block_devices(f, template_data.get("BlockDeviceMappings"))
    names = {b.device_name for b in own}
    interfaces = d.get("NetworkInterfaces")
    first_eni = (
        interfaces[0]
        if isinstance(interfaces, list) and interfaces and isinstance(interfaces[0], dict)
        else {}
    )
    yield Instance(
        **f.base(
            instance_type=v.scalar_text(d.get("InstanceType") or template_data.get("InstanceType")),
            image_id=v.display(d.get("ImageId") or template_data.get("ImageId")),
            subnet_id=ident(d.get("SubnetId") or first_eni.get("SubnetId")),
            key_name=v.display(d.get("KeyName") or template_data.get("KeyName")),
            iam_instance_profile_arn=profile,
            metadata_options=options,
            account_metadata_defaults=_imds_defaults(f),
            security_group_ids=_group_ids(
                d, {n: d.get(n) for n in ("SecurityGroupIds", "SecurityGroups", "NetworkInterfaces")}
            )
            or _group_ids(d, template_data),
            launch_template_id=template_id,
            block_devices=own + tuple(b for b in inherited if b.device_name not in names),
        )
    )
