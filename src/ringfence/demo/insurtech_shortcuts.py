"""More of what the cloud operations review of case studies 001-003 found in the embedded-insurance
API's environments: network and compute shortcuts taken in dev and staging, and what prod's uplift
has not reached yet. Called from insurtech.py as each environment is built."""

from __future__ import annotations

from ringfence.demo.kit import DemoAws, tag_list, tag_spec
from ringfence.demo.network import Network

SELF_RUN_DNS = "10.20.0.10"  # a BIND server a developer set up for split-horizon names


def dev(aws: DemoAws, net: Network, restore_volume: str, api_group: str) -> None:
    """Dev: a public snapshot of the restored prod dump, an interface left in the data subnet, DHCP
    options pointing at a self-run DNS server, and an app subnet that hands out public IPs."""
    ec2 = aws.client("ec2", net.region)
    wl = net.workload
    snapshot = ec2.create_snapshot(
        VolumeId=restore_volume,
        Description="prod dump restored for debugging",
        TagSpecifications=tag_spec("snapshot", wl.tags("db-restore-snapshot")),
    )["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=snapshot, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"]
    )
    aws.plant("ENC-04", snapshot, "a snapshot of the restored prod dump is unencrypted and shared publicly")

    ec2.create_network_interface(
        SubnetId=net.subnet("data-a"),
        Groups=[api_group],
        Description="debugging the restored database",
        TagSpecifications=tag_spec("network-interface", wl.tags("db-debug-eni")),
    )
    aws.plant(
        "NET-05",
        api_group,
        "an interface in dev's data subnet carries the API group, which egresses anywhere",
    )

    options = ec2.create_dhcp_options(
        DhcpConfigurations=[
            {"Key": "domain-name-servers", "Values": [SELF_RUN_DNS]},
            {"Key": "domain-name", "Values": ["dev.wattle.internal"]},
        ],
        TagSpecifications=tag_spec("dhcp-options", wl.tags("dhcp-options")),
    )["DhcpOptions"]["DhcpOptionsId"]
    ec2.associate_dhcp_options(DhcpOptionsId=options, VpcId=net.vpc_id)
    aws.plant("DNS-01", net.vpc_id, f"dev's DHCP options point at a self-run DNS server ({SELF_RUN_DNS})")

    ec2.modify_subnet_attribute(SubnetId=net.subnet("app-a"), MapPublicIpOnLaunch={"Value": True})
    aws.plant("NET-15", net.subnet("app-a"), "dev's app subnet auto-assigns public IPs (copied from the DMZ)")


def staging(aws: DemoAws, net: Network, image_id: str) -> None:
    """Staging: quote workers scale in one AZ, and S3 is reached through the internet."""
    name = net.workload.name("quote-workers")
    autoscaling = aws.client("autoscaling", net.region)
    autoscaling.create_launch_configuration(
        LaunchConfigurationName=name, ImageId=image_id, InstanceType="t3.medium"
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchConfigurationName=name,
        MinSize=0,
        MaxSize=4,
        DesiredCapacity=0,
        VPCZoneIdentifier=net.subnet("app-a"),
        Tags=[{**t, "PropagateAtLaunch": True} for t in tag_list(net.workload.tags("quote-workers"))],
    )
    aws.plant(
        "GOV-04", f"autoScalingGroupName/{name}", "staging's quote workers scale in one availability zone"
    )
    aws.plant("NET-09", net.vpc_id, "staging's app and data subnets reach S3 without a gateway endpoint")


def prod(aws: DemoAws, net: Network, s3_endpoint: str) -> None:
    """Prod: what the uplift has not reached yet (no calls: the flaws are in how prod was built)."""
    aws.plant(
        "NET-08", net.subnet("data-a"), "prod's data subnets are on the default network ACL (all outbound)"
    )
    aws.plant(
        "NET-10", net.vpc_id, "prod's data tier has no interface endpoints: SSM, KMS and STS go through NAT"
    )
    aws.plant("NET-11", s3_endpoint, "prod's S3 gateway endpoint keeps the default full-access policy")
