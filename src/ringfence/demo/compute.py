"""EC2 compute: machine images, instance profiles, instances and EBS volumes."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ringfence.demo.kit import DemoAws, Workload, tag_spec
from ringfence.demo.network import Network
from ringfence.demo.storage import Key

EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}

# What an SSM-managed instance needs, written out (the local AWS has no AWS-managed policies).
SSM_CORE_ACTIONS = (
    "ssm:UpdateInstanceInformation",
    "ssm:ListInstanceAssociations",
    "ssm:GetDocument",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    "ec2messages:GetMessages",
    "ec2messages:AcknowledgeMessage",
    "ec2messages:SendReply",
)


def machine_image(aws: DemoAws, region: str, name: str, description: str) -> str:
    """An AMI registered in the account (the local AWS serves no public images)."""
    reply = aws.client("ec2", region).register_image(
        Name=name,
        Description=description,
        Architecture="x86_64",
        RootDeviceName="/dev/xvda",
        VirtualizationType="hvm",
    )
    return str(reply["ImageId"])


def instance_profile(
    aws: DemoAws, wl: Workload, name: str, statements: Sequence[Mapping[str, Any]] = ()
) -> str:
    """A role for EC2 with an inline policy (SSM core plus `statements`) in an instance profile of the
    same name; returns the profile name."""
    iam = aws.client("iam")
    role_name = wl.name(name)
    tags = [{"Key": k, "Value": v} for k, v in wl.tags(name).items()]
    iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST), Tags=tags)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "SessionManager", "Effect": "Allow", "Action": list(SSM_CORE_ACTIONS), "Resource": "*"},
            *statements,
        ],
    }
    iam.put_role_policy(
        RoleName=role_name, PolicyName=f"{role_name}-policy", PolicyDocument=json.dumps(policy)
    )
    iam.create_instance_profile(InstanceProfileName=role_name, Tags=tags)
    iam.add_role_to_instance_profile(InstanceProfileName=role_name, RoleName=role_name)
    return role_name


@dataclass(frozen=True, slots=True)
class Imds:
    """Instance metadata options: IMDSv2 required (the default here) or IMDSv1 allowed."""

    tokens: str = "required"
    hop_limit: int = 1

    def options(self) -> dict[str, Any]:
        return {
            "HttpTokens": self.tokens,
            "HttpEndpoint": "enabled",
            "HttpPutResponseHopLimit": self.hop_limit,
        }


IMDS_V2 = Imds()
IMDS_V1 = Imds(tokens="optional")


@dataclass(frozen=True, slots=True)
class Server:
    instance_id: str
    root_volume_id: str


def instance(
    aws: DemoAws,
    net: Network,
    name: str,
    subnet_key: str,
    group_ids: Sequence[str],
    *,
    image_id: str,
    instance_type: str = "t3.medium",
    profile: str | None = None,
    imds: Imds = IMDS_V2,
    root_key: Key | None = None,
    root_gib: int = 30,
    key_pair: str | None = None,
    user_data: str | None = None,
) -> Server:
    """One instance with its root volume encrypted by `root_key` (unencrypted without one)."""
    wl = net.workload
    ebs: dict[str, Any] = {"VolumeSize": root_gib, "VolumeType": "gp3", "DeleteOnTermination": True}
    if root_key is not None:
        ebs.update(Encrypted=True, KmsKeyId=root_key.arn)
    args: dict[str, Any] = {
        "ImageId": image_id,
        "InstanceType": instance_type,
        "MinCount": 1,
        "MaxCount": 1,
        "SubnetId": net.subnet(subnet_key),
        "SecurityGroupIds": list(group_ids),
        "MetadataOptions": imds.options(),
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": ebs}],
        "TagSpecifications": [
            *tag_spec("instance", wl.tags(name)),
            *tag_spec("volume", wl.tags(f"{name}-root")),
        ],
    }
    if profile:
        args["IamInstanceProfile"] = {"Name": profile}
    if key_pair:
        args["KeyName"] = key_pair
    if user_data:
        args["UserData"] = user_data  # boto3 encodes it in base64
    found = aws.client("ec2", net.region).run_instances(**args)["Instances"][0]
    root = found["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    return Server(instance_id=str(found["InstanceId"]), root_volume_id=str(root))


def volume(
    aws: DemoAws,
    net: Network,
    name: str,
    zone_of_subnet: str,
    *,
    size_gib: int,
    key: Key | None,
    attach_to: str | None = None,
    device: str = "/dev/xvdf",
) -> str:
    """An EBS volume (encrypted with `key`, unencrypted without one), attached if asked."""
    ec2 = aws.client("ec2", net.region)
    args: dict[str, Any] = {
        "AvailabilityZone": net.zones[net.subnet(zone_of_subnet)],
        "Size": size_gib,
        "VolumeType": "gp3",
        "TagSpecifications": tag_spec("volume", net.workload.tags(name)),
    }
    if key is not None:
        args.update(Encrypted=True, KmsKeyId=key.arn)
    else:
        args["Encrypted"] = False
    volume_id = str(ec2.create_volume(**args)["VolumeId"])
    if attach_to:
        ec2.attach_volume(VolumeId=volume_id, InstanceId=attach_to, Device=device)
    return volume_id
