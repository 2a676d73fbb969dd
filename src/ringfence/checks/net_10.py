"""NET-10: AWS services used from the data tier are reached through interface endpoints with private DNS.

Each VPC with a data-tier subnet needs, for every service in params.required_endpoints (short
names such as "ssm", or full service names), an Interface endpoint of that service in the VPC with
PrivateDnsEnabled=true whose subnets cover at least two availability zones. Without private DNS the
SDKs keep resolving the public endpoints and the traffic leaves through NAT; in one zone the
endpoint fails with that zone.

A VPC without a data tier is NOT_APPLICABLE; one whose subnets have no tier (and none is data) is
UNKNOWN.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.network_scope import classify, names
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Inventory, Remediation, Severity, Subnet, Vpc, VpcEndpoint

FULL_NAME_PREFIXES = ("com.amazonaws.", "aws.", "cn.com.amazonaws.")
GONE = ("deleted", "deleting", "failed", "rejected", "expired")

META = CheckMeta(
    id="NET-10",
    title="AWS services used from the data tier are reached through interface endpoints with private DNS",
    severity=Severity.MEDIUM,
    rationale=(
        "Interface endpoints with private DNS keep calls to Systems Manager, KMS, CloudWatch and STS "
        "inside the VPC, so the data tier needs no internet egress for them and endpoint policies can "
        "limit what is reachable."
    ),
    remediation=Remediation(
        text=(
            "Create an interface endpoint for each required service in subnets of at least two "
            "availability zones, with private DNS enabled and a security group admitting 443 from the VPC."
        ),
        cli=(
            "aws ec2 create-vpc-endpoint --vpc-id VPC_ID --vpc-endpoint-type Interface "
            "--service-name com.amazonaws.REGION.ssm --subnet-ids SUBNET_A SUBNET_B "
            "--security-group-ids SG_ID --private-dns-enabled"
        ),
        cloudformation=(
            "SsmEndpoint:\n  Type: AWS::EC2::VPCEndpoint\n  Properties:\n    VpcId: !Ref Vpc\n"
            "    VpcEndpointType: Interface\n    ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm\n"
            "    PrivateDnsEnabled: true\n    SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]\n"
            "    SecurityGroupIds: [!Ref EndpointSecurityGroup]"
        ),
        terraform=(
            'resource "aws_vpc_endpoint" "ssm" {\n  vpc_id              = aws_vpc.main.id\n'
            '  vpc_endpoint_type   = "Interface"\n  service_name        = "com.amazonaws.${var.region}.ssm"\n'
            "  private_dns_enabled = true\n  subnet_ids          = aws_subnet.private[*].id\n"
            "  security_group_ids  = [aws_security_group.endpoints.id]\n}"
        ),
    ),
    modes=("live",),
    resource_types=(Vpc.KIND, Subnet.KIND, VpcEndpoint.KIND),
    frameworks=Mapping_(nist_800_53=("SC-7",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    required = [str(s).strip() for s in ctx.params.get("required_endpoints") or () if str(s).strip()]
    subnets: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for subnet in inv.of(Subnet):
        subnets[(subnet.account, subnet.region, subnet.vpc_id)].append(subnet.native_id)
    for vpc in inv.of(Vpc):
        if not inv.listing_complete(Subnet, vpc.account, vpc.region):
            yield unknown(vpc, "subnets could not be listed, so whether the VPC has a data tier is not known")
            continue
        view = classify(
            ctx, vpc.account, vpc.region, subnets.get((vpc.account, vpc.region, vpc.native_id), [])
        )
        if not view.of("data"):
            if view.unknown:
                yield unknown(vpc, f"whether the VPC has a data tier is not known: {view.unknown_reason()}")
            else:
                yield not_applicable(vpc, "no data-tier subnets")
            continue
        if not required:
            yield passed(vpc, "params.required_endpoints lists no service")
            continue
        if not inv.listing_complete(VpcEndpoint, vpc.account, vpc.region):
            yield unknown(vpc, "VPC endpoints could not be listed")
            continue
        endpoints = [e for e in inv.in_scope(VpcEndpoint, vpc.account, vpc.region) if _usable(e, vpc)]
        problems: list[str] = []
        undecided: list[str] = []
        for service in required:
            good, problem, reason = _service(
                inv, vpc, service, [e for e in endpoints if _serves(e, vpc, service)]
            )
            if problem:
                problems.append(problem)
            elif not good and reason:
                undecided.append(reason)
        if problems:
            yield failed(
                vpc,
                f"VPC {vpc.display_name} (data tier) lacks interface endpoints as required: {'; '.join(problems)}",
            )
        elif undecided:
            yield unknown(vpc, "; ".join(undecided))
        else:
            yield passed(vpc, f"interface endpoints with private DNS in >= 2 AZs for {names(required, 10)}")


def _service(
    inv: Inventory, vpc: Vpc, service: str, endpoints: Sequence[VpcEndpoint]
) -> tuple[bool, str | None, str | None]:
    """(a good endpoint serves it, the problem when none does, why it cannot be told)."""
    if not endpoints:
        return False, f"{service}: no interface endpoint", None
    notes: list[str] = []
    reason: str | None = None
    for endpoint in endpoints:
        zones, missing = _zones(inv, endpoint)
        if not endpoint.private_dns_enabled:
            notes.append(f"{service}: {endpoint.native_id} has private DNS off")
        elif len(zones) >= 2:
            return True, None, None
        elif missing:
            reason = (
                f"{service}: availability zones of {endpoint.native_id} not known "
                f"(subnets {', '.join(missing)} not in the inventory)"
            )
        else:
            notes.append(
                f"{service}: {endpoint.native_id} is in one availability zone ({', '.join(sorted(zones)) or 'none'})"
            )
    if reason:
        return False, None, reason
    return False, "; ".join(notes), None


def _zones(inv: Inventory, endpoint: VpcEndpoint) -> tuple[set[str], list[str]]:
    zones: set[str] = set()
    missing: list[str] = []
    for subnet_id in endpoint.subnet_ids:
        subnet = inv.get(Subnet, endpoint.account, endpoint.region, subnet_id)
        if subnet is None or not subnet.availability_zone:
            missing.append(subnet_id)
        else:
            zones.add(subnet.availability_zone)
    return zones, missing


def _usable(endpoint: VpcEndpoint, vpc: Vpc) -> bool:
    return (
        endpoint.vpc_id == vpc.native_id
        and endpoint.endpoint_type == "Interface"
        and str(endpoint.state or "available").lower() not in GONE
    )


def _serves(endpoint: VpcEndpoint, vpc: Vpc, service: str) -> bool:
    """A short name ("ssm", "ecr.api") is com.amazonaws.REGION.NAME; a full service name is itself."""
    if service.startswith(FULL_NAME_PREFIXES):
        return endpoint.service_name == service
    return endpoint.service_name == f"com.amazonaws.{vpc.region}.{service}"
