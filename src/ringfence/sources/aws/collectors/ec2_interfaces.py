"""EC2 / VPC network interfaces: where addresses, security groups and public exposure meet.

Interfaces that AWS services create in the account's subnets (load balancers, NAT gateways,
endpoints, Lambda, Route 53 Resolver) are owned by the account and kept, marked requester-managed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ringfence.model import NetworkInterface
from ringfence.sources.aws.collectors.ec2_network import owned
from ringfence.sources.aws.context import CollectContext, tags_of
from ringfence.sources.aws.registry import collector


@collector(
    "ec2.network_interfaces",
    service="ec2",
    iam_actions=("ec2:DescribeNetworkInterfaces",),
    produces=(NetworkInterface,),
)
def collect_network_interfaces(ctx: CollectContext) -> Iterator[NetworkInterface]:
    for eni in ctx.iter_pages("describe_network_interfaces", "NetworkInterfaces"):
        if not owned(ctx, eni):
            continue
        eni_id = eni["NetworkInterfaceId"]
        private = eni.get("PrivateIpAddresses", [])
        yield NetworkInterface(
            arn=ctx.arn("ec2", f"network-interface/{eni_id}"),
            native_id=eni_id,
            account=ctx.account,
            region=ctx.region,
            tags=tags_of(eni.get("TagSet")),  # interfaces answer with TagSet, not Tags
            vpc_id=eni.get("VpcId"),
            subnet_id=eni.get("SubnetId"),
            interface_type=eni.get("InterfaceType"),
            private_ips=_unique(
                [p["PrivateIpAddress"] for p in private if p.get("PrivateIpAddress")]
                or ([eni["PrivateIpAddress"]] if eni.get("PrivateIpAddress") else [])
            ),
            ipv6_addresses=_unique(
                a["Ipv6Address"] for a in eni.get("Ipv6Addresses", []) if a.get("Ipv6Address")
            ),
            public_ips=public_ips(eni),
            security_group_ids=_unique(g["GroupId"] for g in eni.get("Groups", []) if g.get("GroupId")),
            attached_instance_id=(eni.get("Attachment") or {}).get("InstanceId"),
            requester_managed=bool(eni.get("RequesterManaged", False)),
            requester_id=eni.get("RequesterId"),
            description=eni.get("Description") or None,
            source_dest_check=bool(eni.get("SourceDestCheck", True)),
            status=eni.get("Status"),
        )


def public_ips(eni: dict[str, Any]) -> tuple[str, ...]:
    """Public IPv4 addresses of an interface: the primary association (an auto-assigned address or
    an Elastic IP) and those of every secondary private address (Elastic IPs)."""
    associations = [eni.get("Association") or {}]
    associations += [p.get("Association") or {} for p in eni.get("PrivateIpAddresses", [])]
    return _unique(a["PublicIp"] for a in associations if a.get("PublicIp"))


def _unique(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(v) for v in values))
