"""NET-15: private and data subnets assign no public IPs and hold no public instances.

Each private or data subnet fails when MapPublicIpOnLaunch is true or when a network interface in
it has a public IPv4 address or an Elastic IP (the subnet's message names them). Each such
interface is also reported on its own: on its instance when it is an instance's, otherwise on the
interface. Public subnets are NOT_APPLICABLE; subnets without a tier are UNKNOWN (the message says
what the verdict would be).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.network_scope import names, subnet_tier_reason
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Instance, Inventory, NetworkInterface, Remediation, Resource, Severity, Subnet

META = CheckMeta(
    id="NET-15",
    title="Private and data subnets assign no public IPs and hold no public instances",
    severity=Severity.MEDIUM,
    rationale=(
        "A public address in a private or data subnet makes its host reachable from the internet as "
        "soon as a route or rule allows it, and breaks the tier model the rest of the controls rely on."
    ),
    remediation=Remediation(
        text=(
            "Turn off auto-assigned public IPv4 addresses on private and data subnets, release or "
            "disassociate Elastic IPs there, and relaunch instances that got a public address at launch."
        ),
        cli=(
            "aws ec2 modify-subnet-attribute --subnet-id SUBNET_ID --no-map-public-ip-on-launch\n"
            "aws ec2 disassociate-address --association-id EIPASSOC_ID"
        ),
        cloudformation=(
            "DataSubnetA:\n  Type: AWS::EC2::Subnet\n  Properties:\n    VpcId: !Ref Vpc\n"
            "    CidrBlock: 10.0.20.0/24\n    MapPublicIpOnLaunch: false"
        ),
        terraform=(
            'resource "aws_subnet" "data_a" {\n  vpc_id                  = aws_vpc.main.id\n'
            '  cidr_block              = "10.0.20.0/24"\n  map_public_ip_on_launch = false\n}'
        ),
    ),
    modes=("live",),
    resource_types=(Subnet.KIND, NetworkInterface.KIND, Instance.KIND),
    frameworks=Mapping_(fsbp=("EC2.15",), nist_800_53=("SC-7",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    public_enis: dict[tuple[str, str, str], list[NetworkInterface]] = defaultdict(list)
    for eni in inv.of(NetworkInterface):
        if eni.public_ips and eni.subnet_id:
            public_enis[(eni.account, eni.region, eni.subnet_id)].append(eni)
    reported: set[str] = set()
    for subnet in inv.of(Subnet):
        tier = ctx.tiers.tier_of(subnet)
        if tier == "public":
            yield not_applicable(subnet, "public tier")
            continue
        enis = public_enis.get((subnet.account, subnet.region, subnet.native_id), [])
        status, message = _judge(inv, subnet, enis)
        reason = subnet_tier_reason(ctx, subnet)
        if reason:
            yield unknown(subnet, f"{reason}; if private or data tier, it would {status}: {message}")
            continue
        where = f"{tier}-tier subnet {subnet.display_name}"
        if status == "fail":
            yield failed(subnet, f"{where}: {message}")
            for holder, eni in _holders(inv, enis):
                if holder.arn not in reported:
                    reported.add(holder.arn)
                    yield failed(
                        holder, f"{_label(holder)} has public address {', '.join(eni.public_ips)} in {where}"
                    )
        elif status == "pass":
            yield passed(subnet, f"{where}: {message}")
        else:
            yield unknown(subnet, f"{where}: {message}")


def _judge(inv: Inventory, subnet: Subnet, enis: Sequence[NetworkInterface]) -> tuple[str, str]:
    problems: list[str] = []
    if subnet.map_public_ip_on_launch:
        problems.append("MapPublicIpOnLaunch=true (instances launched here get a public IPv4 address)")
    if enis:
        listed = [f"{e.native_id} ({', '.join(e.public_ips)})" for e in enis]
        problems.append(f"network interfaces with public addresses: {names(listed)}")
    if problems:
        return "fail", "; ".join(problems)
    reason = subnet.unknown("map_public_ip_on_launch")
    if reason or subnet.map_public_ip_on_launch is None:
        return "be undecided", f"MapPublicIpOnLaunch not known: {reason or 'not stated'}"
    if not inv.listing_complete(NetworkInterface, subnet.account, subnet.region):
        return "be undecided", "MapPublicIpOnLaunch=false, but network interfaces could not be listed"
    return "pass", "MapPublicIpOnLaunch=false and no network interface has a public address"


def _holders(inv: Inventory, enis: Sequence[NetworkInterface]) -> Iterator[tuple[Resource, NetworkInterface]]:
    for eni in enis:
        instance = inv.get(Instance, eni.account, eni.region, eni.attached_instance_id)
        yield (instance or eni), eni


def _label(resource: Resource) -> str:
    kind = "instance" if isinstance(resource, Instance) else "network interface"
    return f"{kind} {resource.display_name}"
