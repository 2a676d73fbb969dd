"""NET-09: S3 is reached through a gateway endpoint from the private and data tiers.

A VPC with private or data subnets passes when an S3 gateway endpoint (com.amazonaws.REGION.s3,
type Gateway, available) of the VPC is associated with the route table of each of those subnets:
its own, or the VPC's main table when it has none. An S3 interface endpoint does not count (the
criterion asks for the gateway endpoint, which costs nothing and keeps S3 traffic off NAT).

A VPC with only public subnets, or none, is NOT_APPLICABLE. Subnets without a tier make the VPC
UNKNOWN when their route tables lack the endpoint (they might be private); when every one of them
has it, their tier does not matter.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.network_scope import Routing, classify, names
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Remediation, RouteTable, Severity, Subnet, Vpc, VpcEndpoint

GONE = ("deleted", "deleting", "failed", "rejected", "expired")

META = CheckMeta(
    id="NET-09",
    title="S3 is reached through a gateway endpoint from private and data tiers",
    severity=Severity.MEDIUM,
    rationale=(
        "Without a gateway endpoint, S3 traffic from private subnets leaves through NAT to the public S3 "
        "endpoints: it needs internet egress, cannot be limited by an endpoint policy, and buckets "
        "cannot require aws:SourceVpce."
    ),
    remediation=Remediation(
        text="Create an S3 gateway endpoint in the VPC and associate it with every private and data route table.",
        cli=(
            "aws ec2 create-vpc-endpoint --vpc-id VPC_ID --vpc-endpoint-type Gateway "
            "--service-name com.amazonaws.REGION.s3 --route-table-ids RTB_PRIVATE RTB_DATA"
        ),
        cloudformation=(
            "S3Endpoint:\n  Type: AWS::EC2::VPCEndpoint\n  Properties:\n    VpcId: !Ref Vpc\n"
            "    VpcEndpointType: Gateway\n    ServiceName: !Sub com.amazonaws.${AWS::Region}.s3\n"
            "    RouteTableIds: [!Ref PrivateRouteTable, !Ref DataRouteTable]"
        ),
        terraform=(
            'resource "aws_vpc_endpoint" "s3" {\n  vpc_id            = aws_vpc.main.id\n'
            '  vpc_endpoint_type = "Gateway"\n  service_name      = "com.amazonaws.${var.region}.s3"\n'
            "  route_table_ids   = [aws_route_table.private.id, aws_route_table.data.id]\n}"
        ),
    ),
    modes=("live",),
    resource_types=(Vpc.KIND, Subnet.KIND, RouteTable.KIND, VpcEndpoint.KIND),
    frameworks=Mapping_(nist_800_53=("SC-7",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    routing = Routing(inv)
    subnets: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for subnet in inv.of(Subnet):
        subnets[(subnet.account, subnet.region, subnet.vpc_id)].append(subnet.native_id)
    for vpc in inv.of(Vpc):
        ids = subnets.get((vpc.account, vpc.region, vpc.native_id), [])
        if not inv.listing_complete(Subnet, vpc.account, vpc.region):
            yield unknown(vpc, "subnets could not be listed, so the VPC's tiers are not known")
            continue
        view = classify(ctx, vpc.account, vpc.region, ids)
        targets = view.of("private", "data")
        if not targets and not view.unknown:
            yield not_applicable(vpc, "no private or data subnets" if ids else "no subnets")
            continue
        if not inv.listing_complete(VpcEndpoint, vpc.account, vpc.region):
            yield unknown(vpc, "VPC endpoints could not be listed")
            continue
        endpoints = [e for e in inv.in_scope(VpcEndpoint, vpc.account, vpc.region) if _s3_gateway(e, vpc)]
        covered = {t for e in endpoints for t in e.route_table_ids}
        missing = [s for s in targets if _table_id(routing, s) not in covered]
        untiered = [
            s
            for s in inv.in_scope(Subnet, vpc.account, vpc.region)
            if s.vpc_id == vpc.native_id
            and ctx.tiers.tier_of(s) is None
            and _table_id(routing, s) not in covered
        ]
        tiers = " and ".join(t for t in ("private", "data") if view.of(t))
        if targets and not endpoints:
            yield failed(vpc, f"VPC {vpc.display_name} has {tiers} subnets but no S3 gateway endpoint")
        elif missing:
            listed = [f"{s.display_name} (route table {_table_id(routing, s) or 'none'})" for s in missing]
            yield failed(
                vpc,
                f"the S3 gateway endpoint of VPC {vpc.display_name} is not associated with the route table "
                f"of {names(listed)}",
            )
        elif untiered:
            yield unknown(
                vpc,
                f"{view.unknown_reason()}; the route tables of {names([s.display_name for s in untiered])} "
                "lack the S3 gateway endpoint, which fails if they are private or data tier",
            )
        else:
            ids_text = ", ".join(e.native_id for e in endpoints)
            yield passed(vpc, f"S3 gateway endpoint {ids_text} serves every {tiers} subnet's route table")


def _s3_gateway(endpoint: VpcEndpoint, vpc: Vpc) -> bool:
    return (
        endpoint.vpc_id == vpc.native_id
        and endpoint.endpoint_type == "Gateway"
        and endpoint.service_name.endswith(f".{vpc.region}.s3")
        and str(endpoint.state or "available").lower() not in GONE
    )


def _table_id(routing: Routing, subnet: Subnet) -> str | None:
    table = routing.table_of(subnet)
    return table.native_id if table else None
