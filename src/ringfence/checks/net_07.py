"""NET-07 (live): the data tier reaches the internet only to approved prefixes.

Judged on every route table that a data-tier subnet uses: its explicit association, or the VPC's
main route table for a data-tier subnet without one. Each active route is read by its target:

- local, virtual private gateway (vgw-), VPC peering (peering is not transitive: a peer's gateways
  cannot be used), S3/DynamoDB gateway endpoints and Outposts local gateways: not the internet.
- internet gateway, egress-only internet gateway, carrier gateway: the internet. FAIL.
- NAT gateway: FAIL unless the destination is inside params.approved_egress (a CIDR inside an
  approved CIDR, or an approved prefix-list id, or a prefix list of the account whose entries are
  all approved). A private NAT gateway does not reach the internet by itself: where it leads
  "needs reach".
- transit gateway, Cloud WAN core network, Gateway Load Balancer and Network Firewall endpoints,
  instances and network interfaces (NAT instances, appliances): the route table alone cannot tell
  where traffic ends up. UNKNOWN "needs reach" until the reachability engine decides.

Blackhole routes forward nothing and are ignored. A route table serving no data-tier subnet but
subnets without a tier is UNKNOWN (the message says what the verdict would be); one serving only
public or private subnets, or none, is NOT_APPLICABLE.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.network_scope import Approved, Routing, approved_egress, classify, covered, names
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.sg_rules import network
from ringfence.model import (
    Inventory,
    NatGateway,
    Remediation,
    Route,
    RouteTable,
    Severity,
    Subnet,
    VpcEndpoint,
)
from ringfence.model.network import ManagedPrefixList

NEEDS_REACH = "needs reach"

META = CheckMeta(
    id="NET-07",
    title="The data tier reaches the internet only to approved prefixes",
    severity=Severity.CRITICAL,
    rationale=(
        "A data tier that can open connections to any internet address can exfiltrate everything it "
        "holds; egress limited to approved prefixes turns a compromise into a contained incident."
    ),
    remediation=Remediation(
        text=(
            "Remove internet gateway routes and 0.0.0.0/0 NAT routes from data-tier route tables; route "
            "only the approved prefixes (a customer-managed prefix list) to the NAT gateway, and reach "
            "AWS services through VPC endpoints."
        ),
        cli=(
            "aws ec2 delete-route --route-table-id RTB_ID --destination-cidr-block 0.0.0.0/0\n"
            "aws ec2 create-route --route-table-id RTB_ID --destination-prefix-list-id APPROVED_PL_ID "
            "--nat-gateway-id NAT_ID"
        ),
        cloudformation=(
            "ApprovedEgressRoute:\n  Type: AWS::EC2::Route\n  Properties:\n    RouteTableId: !Ref DataRouteTable\n"
            "    DestinationPrefixListId: !Ref ApprovedEgressPrefixList\n    NatGatewayId: !Ref NatGateway"
        ),
        terraform=(
            'resource "aws_route" "data_approved" {\n  route_table_id             = aws_route_table.data.id\n'
            "  destination_prefix_list_id = aws_ec2_managed_prefix_list.approved.id\n"
            "  nat_gateway_id             = aws_nat_gateway.main.id\n}"
        ),
    ),
    modes=("live",),
    resource_types=(
        RouteTable.KIND,
        Subnet.KIND,
        NatGateway.KIND,
        VpcEndpoint.KIND,
        ManagedPrefixList.KIND,
    ),
    tested_with="moto server; Inventory built directly for transit gateway, private NAT and appliance routes",
    frameworks=Mapping_(nist_800_53=("SC-7",)),
)


@dataclass
class Verdict:
    failing: list[str] = field(default_factory=list)
    reach: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    routing = Routing(ctx.inventory)
    for table in ctx.inventory.of(RouteTable):
        served = routing.subnets_of(table)
        if (
            not served
            and table.is_main
            and not ctx.inventory.listing_complete(Subnet, table.account, table.region)
        ):
            yield unknown(
                table, "subnets could not be listed, so which use this main route table is not known"
            )
            continue
        if not served:
            what = (
                "an edge-associated gateway route table" if table.gateway_ids else "associated with no subnet"
            )
            yield not_applicable(table, f"route table {table.display_name} is {what}")
            continue
        view = classify(ctx, table.account, table.region, served)
        verdict = judge(ctx.inventory, table, approved_egress(ctx, table.account, table.region))
        if view.of("data"):
            yield _data_outcome(table, verdict, [s.display_name for s in view.of("data")])
        elif view.unknown:
            yield unknown(table, f"{view.unknown_reason()}; if data tier: {_would_be(verdict)}")
        else:
            tiers = " and ".join(sorted(view.tiers))
            yield not_applicable(table, f"route table {table.display_name} serves {tiers} subnets only")


def _data_outcome(table: RouteTable, verdict: Verdict, data_subnets: list[str]) -> Outcome:
    serving = f"route table {table.display_name} (data-tier subnets {names(data_subnets)})"
    if verdict.failing:
        return failed(
            table, f"{serving} routes to the internet beyond approved egress: {'; '.join(verdict.failing)}"
        )
    if verdict.reach or verdict.unknown:
        parts = [f"{NEEDS_REACH}: {'; '.join(verdict.reach)}"] if verdict.reach else []
        parts += verdict.unknown
        return unknown(table, f"{serving}: {'; '.join(parts)}")
    return passed(table, f"{serving} has no route to the internet beyond approved egress")


def _would_be(verdict: Verdict) -> str:
    if verdict.failing:
        return f"it would fail ({'; '.join(verdict.failing)})"
    if verdict.reach or verdict.unknown:
        return f"it would be undecided ({'; '.join(verdict.reach + verdict.unknown)})"
    return "it would pass (no route to the internet beyond approved egress)"


def judge(inv: Inventory, table: RouteTable, approved: Approved) -> Verdict:
    verdict = Verdict()
    for route in table.routes:
        if route.state == "blackhole":
            continue
        kind, text = _route(inv, table, route, approved)
        if kind == "fail":
            verdict.failing.append(text)
        elif kind == "reach":
            verdict.reach.append(text)
        elif kind == "unknown":
            verdict.unknown.append(text)
    return verdict


def _route(inv: Inventory, table: RouteTable, route: Route, approved: Approved) -> tuple[str, str]:
    target = route.target_id or "?"
    label = f"{route.destination} -> {target}"
    kind = route.target_type
    if kind == "gateway":
        return _gateway(inv, table, route, label)
    if kind in ("egress_only_gateway", "carrier_gateway"):
        return "fail", f"{label} ({kind.replace('_', ' ')} to the internet)"
    if kind == "nat_gateway":
        return _nat(inv, table, route, label, approved)
    if kind in ("transit_gateway", "core_network"):
        return "reach", f"{label} ({kind.replace('_', ' ')}: where it leads is beyond this route table)"
    if kind in ("instance", "network_interface"):
        return (
            "reach",
            f"{label} (an instance or interface: a NAT instance or appliance may forward it anywhere)",
        )
    if kind in ("vpc_peering_connection", "local_gateway"):
        return "ok", label
    return "unknown", f"{label}: target type {kind} is not known to this check"


def _gateway(inv: Inventory, table: RouteTable, route: Route, label: str) -> tuple[str, str]:
    target = route.target_id or ""
    if target == "local" or target.startswith("vgw-"):
        return "ok", label
    if target.startswith("igw-"):
        return "fail", f"{label} (internet gateway)"
    if target.startswith("vpce-"):
        endpoint = inv.get(VpcEndpoint, table.account, table.region, target)
        if endpoint is not None and endpoint.endpoint_type == "Gateway":
            return "ok", label
        if endpoint is None and not inv.listing_complete(VpcEndpoint, table.account, table.region):
            return (
                "unknown",
                f"{label}: VPC endpoints could not be listed, so the endpoint's type is not known",
            )
        return (
            "reach",
            f"{label} (a firewall or Gateway Load Balancer endpoint: it forwards to an inspection path)",
        )
    return "unknown", f"{label}: gateway {target} is not known to this check"


def _nat(inv: Inventory, table: RouteTable, route: Route, label: str, approved: Approved) -> tuple[str, str]:
    if _destination_approved(inv, table, route, approved):
        return "ok", label
    nat = inv.get(NatGateway, table.account, table.region, route.target_id)
    if nat is not None and nat.connectivity_type == "private":
        return (
            "reach",
            f"{label} (a private NAT gateway: it reaches other networks, not the internet by itself)",
        )
    if nat is None and not inv.listing_complete(NatGateway, table.account, table.region):
        return "unknown", f"{label}: NAT gateways could not be listed, so whether it is public is not known"
    return "fail", f"{label} (NAT gateway; destination not in approved_egress)"


def _destination_approved(inv: Inventory, table: RouteTable, route: Route, approved: Approved) -> bool:
    plist_id = route.destination_prefix_list_id
    if plist_id:
        if approved.covers_prefix_list(plist_id):
            return True
        plist = inv.get(ManagedPrefixList, table.account, table.region, plist_id)
        if plist is None or plist.unknown("entries") or not plist.entries:
            return False
        nets = [network(c) for c in plist.entries]
        return all(n is not None and covered(n, approved.networks) for n in nets)
    net = network(route.destination_cidr or route.destination_ipv6_cidr)
    return net is not None and covered(net, approved.networks)
