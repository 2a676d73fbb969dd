"""EC2 / VPC networking: VPCs and subnets (the other network resources follow the same shape)."""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.model import Subnet, Vpc
from ringfence.sources.aws.context import CollectContext, tags_of
from ringfence.sources.aws.registry import collector


@collector("ec2.vpcs", service="ec2", iam_actions=("ec2:DescribeVpcs",), produces=(Vpc,))
def collect_vpcs(ctx: CollectContext) -> Iterator[Vpc]:
    for vpc in ctx.iter_pages("describe_vpcs", "Vpcs"):
        if vpc.get("OwnerId", ctx.account) != ctx.account:
            continue  # shared to us from another account: its owner's scan reports it
        vpc_id = vpc["VpcId"]
        cidrs = [a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet", []) if _associated(a)]
        ipv6 = [a["Ipv6CidrBlock"] for a in vpc.get("Ipv6CidrBlockAssociationSet", []) if _associated(a, "Ipv6")]
        yield Vpc(
            arn=ctx.arn("ec2", f"vpc/{vpc_id}"),
            native_id=vpc_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(vpc.get("Tags")),
            cidr_blocks=tuple(cidrs or ([vpc["CidrBlock"]] if vpc.get("CidrBlock") else [])),
            ipv6_cidr_blocks=tuple(ipv6),
            is_default=bool(vpc.get("IsDefault", False)),
            dhcp_options_id=vpc.get("DhcpOptionsId"),
        )


@collector("ec2.subnets", service="ec2", iam_actions=("ec2:DescribeSubnets",), produces=(Subnet,))
def collect_subnets(ctx: CollectContext) -> Iterator[Subnet]:
    for sub in ctx.iter_pages("describe_subnets", "Subnets"):
        subnet_id = sub["SubnetId"]
        yield Subnet(
            arn=sub.get("SubnetArn") or ctx.arn("ec2", f"subnet/{subnet_id}"),
            native_id=subnet_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(sub.get("Tags")),
            vpc_id=sub["VpcId"],
            cidr_block=sub.get("CidrBlock"),
            ipv6_cidr_blocks=tuple(
                a["Ipv6CidrBlock"] for a in sub.get("Ipv6CidrBlockAssociationSet", []) if _associated(a, "Ipv6")
            ),
            availability_zone=sub.get("AvailabilityZone"),
            map_public_ip_on_launch=sub.get("MapPublicIpOnLaunch"),
            default_for_az=bool(sub.get("DefaultForAz", False)),
        )


def _associated(assoc: dict[str, object], prefix: str = "") -> bool:
    state = assoc.get(f"{prefix}CidrBlockState") or {}
    return not isinstance(state, dict) or state.get("State", "associated") == "associated"
