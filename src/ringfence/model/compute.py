"""EC2 compute: instances, launch templates, EBS volumes and snapshots."""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind
from ringfence.model.secrets import SecretFinding


@dataclass(frozen=True, slots=True)
class MetadataOptions:
    """Instance metadata service options. On an instance they are the effective values; in a launch
    template or as account defaults a None field is not set there (it falls to the next level)."""

    http_tokens: str | None = None  # "required" | "optional"
    http_endpoint: str | None = None  # "enabled" | "disabled"
    http_put_response_hop_limit: int | None = None

    @property
    def complete(self) -> bool:
        return None not in (self.http_tokens, self.http_endpoint, self.http_put_response_hop_limit)


@dataclass(frozen=True, slots=True)
class BlockDevice:
    device_name: str
    encrypted: bool | None = None
    kms_key_id: str | None = None
    volume_id: str | None = None


@resource_kind
@dataclass(frozen=True, kw_only=True)
class Instance(Resource):
    KIND = "ec2.instance"
    RESOURCE_TYPE = "AWS::EC2::Instance"

    state: str = "running"
    instance_type: str | None = None
    image_id: str | None = None
    vpc_id: str | None = None
    subnet_id: str | None = None
    key_name: str | None = None
    iam_instance_profile_arn: str | None = None
    metadata_options: MetadataOptions | None = None
    security_group_ids: tuple[str, ...] = ()
    network_interface_ids: tuple[str, ...] = ()
    private_ip: str | None = None
    public_ip: str | None = None
    launch_template_id: str | None = None  # from the aws:ec2launchtemplate:id tag EC2 sets
    block_devices: tuple[BlockDevice, ...] = ()  # live: volume ids only (encryption is on the Volume)
    # IaC only: `metadata_options` is what the template states (None fields unset there), and these
    # are the account-level IMDS defaults the user declared (ringfence iac --account-imds-defaults),
    # as on LaunchTemplate; None: not known.
    account_metadata_defaults: MetadataOptions | None = None
    # User data, redacted (ringfence.secrets), and the credentials found in it; None: no user data.
    # `unresolved["user_data"]` when it could not be read.
    user_data_redacted: str | None = None
    user_data_secrets: tuple[SecretFinding, ...] = ()


@dataclass(frozen=True, slots=True)
class LaunchTemplateVersion:
    version_number: int
    is_default: bool = False
    is_latest: bool = False
    metadata_options: MetadataOptions | None = None  # None: the version sets no MetadataOptions at all
    iam_instance_profile: str | None = None  # ARN or name
    image_id: str | None = None
    key_name: str | None = None
    instance_type: str | None = None
    security_group_ids: tuple[str, ...] = ()
    block_devices: tuple[BlockDevice, ...] = ()
    user_data_redacted: str | None = None  # as on Instance
    user_data_secrets: tuple[SecretFinding, ...] = ()


@resource_kind
@dataclass(frozen=True, kw_only=True)
class LaunchTemplate(Resource):
    KIND = "ec2.launch_template"
    RESOURCE_TYPE = "AWS::EC2::LaunchTemplate"

    template_name: str = ""
    default_version_number: int | None = None
    latest_version_number: int | None = None
    # Only the versions that launch anything: the default and the latest.
    versions: tuple[LaunchTemplateVersion, ...] = ()
    # The region's account-level IMDS defaults (GetInstanceMetadataDefaults), which fill what a
    # version leaves unset; read only when some version leaves something unset. A None field is
    # "no preference". None with nothing in `unresolved`: not read.
    account_metadata_defaults: MetadataOptions | None = None


@resource_kind
@dataclass(frozen=True, kw_only=True)
class Volume(Resource):
    KIND = "ec2.volume"
    RESOURCE_TYPE = "AWS::EC2::Volume"

    encrypted: bool | None = None
    kms_key_id: str | None = None
    state: str | None = None
    size_gib: int | None = None
    availability_zone: str | None = None
    attached_instance_ids: tuple[str, ...] = ()


@resource_kind
@dataclass(frozen=True, kw_only=True)
class Snapshot(Resource):
    KIND = "ec2.snapshot"
    RESOURCE_TYPE = "AWS::EC2::Snapshot"

    encrypted: bool | None = None
    kms_key_id: str | None = None
    volume_id: str | None = None
    public: bool | None = None  # createVolumePermission has group "all"
    shared_with_accounts: tuple[str, ...] = ()


@resource_kind
@dataclass(frozen=True, kw_only=True)
class InstanceTypeInfo(Resource):
    """What ec2:DescribeInstanceTypes says of an instance type in use in a region. `native_id` is the
    type ("m5.large"); `arn` is arn:PARTITION:ec2:REGION:ACCOUNT:instance-type/TYPE (not an AWS ARN:
    instance types have none; this one is unique per account and region)."""

    KIND = "ec2.instance_type"
    RESOURCE_TYPE = "AWS::EC2::InstanceType"

    current_generation: bool | None = None
    hypervisor: str | None = None  # nitro | xen
