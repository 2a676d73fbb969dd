"""Terraform EC2 compute -> model: aws_ebs_volume, aws_instance, aws_launch_template.

As for CloudFormation: an EBS volume or block device whose `encrypted` the configuration leaves
unset is not encrypted by the plan (the account's EBS encryption by default may still do it); one
made from a snapshot follows the snapshot. An instance's root_block_device left unset is the
AMI's. Metadata options left unset come from the account defaults or the AMI at launch.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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
from ringfence.sources.iac.terraform import (
    Plan,
    TfFields,
    TfResource,
    address_or,
    first_block,
    kms_key_ref,
    tf_joins,
    tf_maps,
)
from ringfence.sources.iac.values import Unknown

IMDS_DEFAULTS_UNKNOWN = "the target account's IMDS defaults are not in the files (ringfence iac --account-imds-defaults states them)"
TEMPLATES = ("aws_launch_template",)
GROUPS = ("aws_security_group", "aws_default_security_group")


@tf_joins("aws_volume_attachment")
def volume_attachment(r: TfResource, plan: Plan) -> None:
    volume = plan.target(r, ("volume_id",), ("aws_ebs_volume",))
    instance = plan.target(r, ("instance_id",), ("aws_instance",))
    if volume is not None:
        plan.file_for(
            "volume-instance",
            volume[0].address,
            instance[0].address if instance else str(r.after.get("instance_id")),
        )


@tf_maps("aws_ebs_volume")
def volume(r: TfResource, plan: Plan) -> Iterator[Resource]:
    f = TfFields(r, plan)
    snapshot = r.after.get("snapshot_id") if isinstance(r.after.get("snapshot_id"), str) else None
    encrypted = f.boolean(("encrypted",), "encrypted", None if snapshot else False)
    if encrypted is None and snapshot and "encrypted" not in f.unresolved:
        f.unresolved["encrypted"] = (
            f"made from snapshot {snapshot} without encrypted: encrypted exactly when the snapshot is, which "
            "the files do not say"
        )
    yield Volume(
        **f.base(
            encrypted=encrypted,
            kms_key_id=kms_key_ref(f, r, plan, ("kms_key_id",)),
            size_gib=r.after.get("size") if isinstance(r.after.get("size"), int) else None,
            availability_zone=r.after.get("availability_zone")
            if isinstance(r.after.get("availability_zone"), str)
            else None,
            attached_instance_ids=tuple(plan.take("volume-instance", r.address)),
        )
    )


def _devices(f: TfFields, r: TfResource, plan: Plan, key: str, template: bool) -> list[BlockDevice]:
    value = r.get(key)
    if isinstance(value, Unknown):
        if r.configured(key):
            f.unresolved["block_devices"] = value.reason
        return []
    devices: list[BlockDevice] = []
    for i, item in enumerate(value or ()):
        if not isinstance(item, dict):
            continue
        ebs: Mapping[str, Any] = first_block(item.get("ebs")) if template else item
        path: tuple[str | int, ...] = (key, i, "ebs", 0) if template else (key, i)
        if template and (not ebs or item.get("no_device") or item.get("virtual_name")):
            continue
        name = str(item.get("device_name") or ("root" if key == "root_block_device" else "?"))
        snapshot = (
            ebs.get("snapshot_id")
            if isinstance(ebs.get("snapshot_id"), str) and ebs.get("snapshot_id")
            else None
        )
        label = f"block_devices/{name}"
        encrypted = f.boolean((*path, "encrypted"), label, None if snapshot else False)
        if encrypted is None and snapshot and label not in f.unresolved:
            f.unresolved[label] = (
                f"{name} is made from snapshot {snapshot}: encrypted exactly when the snapshot is"
            )
        devices.append(
            BlockDevice(
                device_name=name,
                encrypted=encrypted,
                kms_key_id=kms_key_ref(f, r, plan, (*path, "kms_key_id")),
            )
        )
    return devices


def _metadata(f: TfFields, r: TfResource) -> MetadataOptions | None:
    """What the configuration sets in metadata_options (None fields unset); None: no block."""
    if not r.configured("metadata_options"):
        return None
    tokens = f.text(("metadata_options", 0, "http_tokens"), "metadata_options")
    endpoint = f.text(("metadata_options", 0, "http_endpoint"), "metadata_options")
    hops = f.value(("metadata_options", 0, "http_put_response_hop_limit"), "metadata_options")
    return MetadataOptions(
        http_tokens=tokens.lower() if isinstance(tokens, str) else None,
        http_endpoint=endpoint.lower() if isinstance(endpoint, str) else None,
        http_put_response_hop_limit=hops if isinstance(hops, int) and hops > 0 else None,
    )


def _imds_defaults(f: TfFields, plan: Plan) -> MetadataOptions | None:
    if plan.imds_defaults is None:
        f.unresolved["account_metadata_defaults"] = IMDS_DEFAULTS_UNKNOWN
    return plan.imds_defaults


def _groups(r: TfResource, plan: Plan, key: str) -> tuple[str, ...]:
    value = r.get(key)
    if isinstance(value, list):
        return tuple(address_or(g, plan, GROUPS) or str(g) for g in value if isinstance(g, str))
    return tuple(t.address for t, _ in plan.targets(r, (key,), GROUPS))


def _profile(f: TfFields, r: TfResource, plan: Plan) -> str | None:
    value = r.get("iam_instance_profile")
    if isinstance(value, str) and value:
        return value
    if isinstance(value, Unknown):
        found = plan.target(r, ("iam_instance_profile",), ("aws_iam_instance_profile",))
        if found is not None:
            return found[0].address
        if r.configured("iam_instance_profile"):
            f.unresolved["iam_instance_profile_arn"] = value.reason
    return None


@tf_maps("aws_launch_template")
def launch_template(r: TfResource, plan: Plan) -> Iterator[Resource]:
    f = TfFields(r, plan)
    profile = first_block(r.after.get("iam_instance_profile"))
    version = LaunchTemplateVersion(
        version_number=1,
        is_default=True,
        is_latest=True,
        metadata_options=_metadata(f, r),
        iam_instance_profile=(profile.get("arn") or profile.get("name") or None) if profile else None,
        image_id=r.after.get("image_id") if isinstance(r.after.get("image_id"), str) else None,
        instance_type=r.after.get("instance_type") if isinstance(r.after.get("instance_type"), str) else None,
        security_group_ids=_groups(r, plan, "vpc_security_group_ids"),
        block_devices=tuple(_devices(f, r, plan, "block_device_mappings", template=True)),
    )
    yield LaunchTemplate(
        **f.base(
            template_name=str(r.after.get("name") or r.address),
            default_version_number=1,
            latest_version_number=1,
            versions=(version,),
            account_metadata_defaults=_imds_defaults(f, plan),
        )
    )


@tf_maps("aws_instance")
def instance(r: TfResource, plan: Plan) -> Iterator[Resource]:
    f = TfFields(r, plan)
    options = _metadata(f, r)
    profile = _profile(f, r, plan)
    devices = _devices(f, r, plan, "ebs_block_device", template=False)
    if r.configured("root_block_device"):
        devices = _devices(f, r, plan, "root_block_device", template=False) + devices
    template_id = None
    if r.configured("launch_template"):
        found = plan.target(r, ("launch_template", "id"), TEMPLATES) or plan.target(
            r, ("launch_template", "name"), TEMPLATES
        )
        template = found[0] if found else None
        template_id = (
            template.address
            if template
            else str(first_block(r.after.get("launch_template")).get("id") or "?")
        )
        if template is None:
            why = f"it launches from launch template {template_id}, which this plan does not hold"
            if options is None:
                f.unresolved["metadata_options"] = why
            if not profile:
                f.unresolved["iam_instance_profile_arn"] = why
        else:
            tf = TfFields(template, plan)
            options = options or _metadata(tf, template)
            lt_profile = first_block(template.after.get("iam_instance_profile"))
            profile = profile or lt_profile.get("arn") or lt_profile.get("name") or None
            names = {d.device_name for d in devices}
            devices += [
                d
                for d in _devices(tf, template, plan, "block_device_mappings", True)
                if d.device_name not in names
            ]
    subnet = plan.target(r, ("subnet_id",), ("aws_subnet", "aws_default_subnet"))
    yield Instance(
        **f.base(
            instance_type=r.after.get("instance_type")
            if isinstance(r.after.get("instance_type"), str)
            else None,
            image_id=r.after.get("ami") if isinstance(r.after.get("ami"), str) else None,
            subnet_id=subnet[0].address
            if subnet
            else r.after.get("subnet_id")
            if isinstance(r.after.get("subnet_id"), str)
            else None,
            key_name=r.after.get("key_name") if isinstance(r.after.get("key_name"), str) else None,
            iam_instance_profile_arn=profile,
            metadata_options=options,
            account_metadata_defaults=_imds_defaults(f, plan),
            security_group_ids=_groups(r, plan, "vpc_security_group_ids"),
            launch_template_id=template_id,
            block_devices=tuple(devices),
        )
    )
