"""DNS-04: resolver endpoints span at least two availability zones.

One finding per inbound or outbound Route 53 Resolver endpoint. An address's availability zone is
its subnet's (from the inventory). Addresses that are failing, being deleted or detached do not serve
and are not counted. When some subnet is not in the inventory, the endpoint passes only if the
subnets that are known already span two zones; otherwise the answer is UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Inventory, Remediation, Severity, Subnet
from ringfence.model.resolver import ResolverEndpoint, ResolverIpAddress

NOT_SERVING = ("FAILED", "DELET", "DETACH")  # status prefixes of addresses that answer nothing

META = CheckMeta(
    id="DNS-04",
    title="Resolver endpoints span at least two availability zones",
    severity=Severity.MEDIUM,
    rationale=(
        "Hybrid DNS depends on resolver endpoints: when every address of one sits in a single "
        "availability zone, that zone's outage stops name resolution between the VPCs and on-premises."
    ),
    remediation=Remediation(
        text="Give the endpoint IP addresses in subnets of at least two availability zones.",
        cli=(
            "aws route53resolver associate-resolver-endpoint-ip-address --resolver-endpoint-id rslvr-in-ID "
            "--ip-address SubnetId=SUBNET_IN_ANOTHER_AZ"
        ),
        cloudformation=(
            "Type: AWS::Route53Resolver::ResolverEndpoint\nProperties:\n  Direction: INBOUND\n"
            "  SecurityGroupIds: [!Ref DnsGroup]\n  IpAddresses:\n    - SubnetId: !Ref PrivateSubnetA\n"
            "    - SubnetId: !Ref PrivateSubnetB"
        ),
        terraform=(
            'resource "aws_route53_resolver_endpoint" "inbound" {\n  direction          = "INBOUND"\n'
            "  security_group_ids = [aws_security_group.dns.id]\n"
            "  ip_address {\n    subnet_id = aws_subnet.private_a.id\n  }\n"
            "  ip_address {\n    subnet_id = aws_subnet.private_b.id\n  }\n}"
        ),
    ),
    modes=("live",),
    resource_types=(ResolverEndpoint.KIND, Subnet.KIND),
    tested_with="moto server; unreadable addresses and unknown subnets via an Inventory",
    frameworks=Mapping_(),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for endpoint in ctx.inventory.of(ResolverEndpoint):
        yield _judge(ctx.inventory, endpoint)


def _judge(inv: Inventory, endpoint: ResolverEndpoint) -> Outcome:
    label = f"{(endpoint.direction or 'resolver').lower()} endpoint {endpoint.endpoint_name or endpoint.native_id}"
    reason = endpoint.unknown("ip_addresses")
    if reason:
        return unknown(endpoint, f"the addresses of {label} could not be read: {reason}")
    serving = [a for a in endpoint.ip_addresses if _serving(a)]
    zones: set[str] = set()
    unplaced: list[str] = []
    for address in serving:
        subnet = inv.get(Subnet, endpoint.account, endpoint.region, address.subnet_id)
        if subnet is None or not subnet.availability_zone:
            unplaced.append(address.subnet_id or "?")
        else:
            zones.add(subnet.availability_zone)
    where = ", ".join(sorted(zones)) or "none"
    if len(zones) >= 2:
        return passed(endpoint, f"{label} has addresses in {len(zones)} availability zones ({where})")
    if unplaced:
        return unknown(
            endpoint,
            f"{label}: the availability zone of subnet(s) {', '.join(sorted(set(unplaced)))} is not known "
            f"(not in the inventory); known zones: {where}",
        )
    if not serving:
        return failed(endpoint, f"{label} has no working IP address")
    return failed(
        endpoint, f"{label} has {len(serving)} working address(es), all in one availability zone ({where})"
    )


def _serving(address: ResolverIpAddress) -> bool:
    return not (address.status or "").upper().startswith(NOT_SERVING)
