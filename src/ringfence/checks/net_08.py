"""NET-08: data-tier network ACLs deny outbound traffic except approved destinations.

Each data-tier subnet's network ACL (every subnet has exactly one: its own association, else the
VPC's default ACL) is read in rule-number order, as AWS evaluates it: an outbound ALLOW fails the
subnet when some of the traffic it admits goes to an address outside the VPC's CIDRs and
params.approved_egress of NET-07, and no earlier DENY already drops that traffic. Shadowing is
exact per protocol and port range: an earlier DENY of tcp 0-1023 shadows an ALLOW of tcp 443, but
no single-protocol DENY shadows an all-protocol ALLOW (the other protocols still pass). Traffic
that matches no rule is denied by AWS's final rule, listed or not.

The default ACL allows everything, so a data subnet on it fails (the message says it is the default
ACL). Approved prefix lists count by their entries (ACL rules cannot name a prefix list), when the
list is the account's own. Subnets without a tier are UNKNOWN (the message says what the verdict
would be); public and private subnets are NOT_APPLICABLE.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.network_scope import (
    approved_egress,
    subnet_tier_reason,
    subtract,
    summary,
    vpc_networks,
)
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.sg_rules import IpNetwork, network
from ringfence.model import NaclEntry, NetworkAcl, Remediation, Severity, Subnet, Vpc
from ringfence.model.network import ALL_PROTOCOLS, ManagedPrefixList, nacl_protocol

PORT_PROTOCOLS = ("6", "17")  # tcp, udp: the protocols with port ranges
ALL_PORTS = (0, 65535)

META = CheckMeta(
    id="NET-08",
    title="Data-tier network ACLs deny outbound traffic except approved destinations",
    severity=Severity.MEDIUM,
    rationale=(
        "Network ACLs are the subnet-wide backstop when a security group is too open: outbound rules "
        "limited to the VPC and approved prefixes stop data-tier hosts from sending data anywhere else."
    ),
    remediation=Remediation(
        text=(
            "Give the data-tier subnets their own network ACL whose outbound rules allow the VPC CIDR and "
            "the approved prefixes only (and the matching inbound return traffic); nothing else, since "
            "unmatched traffic is denied."
        ),
        cli=(
            "aws ec2 create-network-acl --vpc-id VPC_ID\n"
            "aws ec2 create-network-acl-entry --network-acl-id ACL_ID --egress --rule-number 100 "
            "--protocol -1 --rule-action allow --cidr-block 10.0.0.0/16\n"
            "aws ec2 replace-network-acl-association --association-id ASSOC_ID --network-acl-id ACL_ID"
        ),
        cloudformation=(
            "DataAcl:\n  Type: AWS::EC2::NetworkAcl\n  Properties:\n    VpcId: !Ref Vpc\n"
            "DataAclOutVpc:\n  Type: AWS::EC2::NetworkAclEntry\n  Properties:\n    NetworkAclId: !Ref DataAcl\n"
            "    RuleNumber: 100\n    Egress: true\n    Protocol: -1\n    RuleAction: allow\n"
            "    CidrBlock: !GetAtt Vpc.CidrBlock\n"
            "DataAclAssoc:\n  Type: AWS::EC2::SubnetNetworkAclAssociation\n  Properties:\n"
            "    SubnetId: !Ref DataSubnetA\n    NetworkAclId: !Ref DataAcl"
        ),
        terraform=(
            'resource "aws_network_acl" "data" {\n  vpc_id     = aws_vpc.main.id\n'
            "  subnet_ids = aws_subnet.data[*].id\n  egress {\n    rule_no    = 100\n"
            '    protocol   = "-1"\n    action     = "allow"\n    cidr_block = aws_vpc.main.cidr_block\n'
            "    from_port  = 0\n    to_port    = 0\n  }\n}"
        ),
    ),
    modes=("live",),
    resource_types=(Subnet.KIND, NetworkAcl.KIND, Vpc.KIND, ManagedPrefixList.KIND),
    tested_with="moto server; Inventory built directly for shadowing by earlier DENY rules",
    frameworks=Mapping_(nist_800_53=("SC-7",)),
    params_from=("NET-07",),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    acl_of = {(a.account, a.region, s): a for a in inv.of(NetworkAcl) for s in a.subnet_ids}
    for subnet in inv.of(Subnet):
        tier = ctx.tiers.tier_of(subnet)
        if tier in ("public", "private"):
            yield not_applicable(subnet, f"{tier} tier")
            continue
        acl = acl_of.get((subnet.account, subnet.region, subnet.native_id))
        verdict = _judge(ctx, subnet, acl)
        reason = subnet_tier_reason(ctx, subnet)
        if reason:
            would = {"FAIL": "it would fail", "PASS": "it would pass"}.get(
                verdict.status, "it would be undecided"
            )
            yield unknown(subnet, f"{reason}; if data tier, {would}: {verdict.message}")
        else:
            yield _outcome(subnet, verdict)


@dataclass(frozen=True)
class Verdict:
    status: str  # PASS | FAIL | UNKNOWN
    message: str


def _outcome(subnet: Subnet, verdict: Verdict) -> Outcome:
    if verdict.status == "FAIL":
        return failed(subnet, f"data-tier subnet {subnet.display_name}: {verdict.message}")
    if verdict.status == "PASS":
        return passed(subnet, verdict.message)
    return unknown(subnet, verdict.message)


def _judge(ctx: CheckContext, subnet: Subnet, acl: NetworkAcl | None) -> Verdict:
    inv = ctx.inventory
    if acl is None:
        if not inv.listing_complete(NetworkAcl, subnet.account, subnet.region):
            return Verdict("UNKNOWN", "network ACLs could not be listed")
        return Verdict("UNKNOWN", "no network ACL lists an association with this subnet")
    vpc = inv.get(Vpc, subnet.account, subnet.region, subnet.vpc_id)
    if vpc is None:
        return Verdict("UNKNOWN", f"VPC {subnet.vpc_id} is not in the inventory, so its CIDRs are not known")
    approved = approved_egress(ctx, subnet.account, subnet.region)
    inside = [*vpc_networks(vpc), *approved.networks]
    name = f"{'default ' if acl.is_default else ''}network ACL {acl.display_name}"
    offending = outbound_leaks(acl.entries, inside)
    if offending:
        shown = "; ".join(
            f"rule {e.rule_number} allows {_traffic(e)} to {summary(nets)}" for e, nets in offending
        )
        return Verdict("FAIL", f"{name} lets traffic out beyond the VPC and approved egress: {shown}")
    note = (
        f" (approved prefix lists not resolved: {', '.join(approved.unresolved_lists)})"
        if approved.unresolved_lists
        else ""
    )
    return Verdict("PASS", f"outbound rules of {name} reach only the VPC and approved egress{note}")


def outbound_leaks(
    entries: Sequence[NaclEntry], inside: Sequence[IpNetwork]
) -> list[tuple[NaclEntry, list[IpNetwork]]]:
    """Each outbound ALLOW with the addresses outside `inside` it lets traffic reach, after earlier
    DENY rules have taken their share; rules that leak nothing are left out."""
    outbound = sorted(
        (dataclasses.replace(e, protocol=nacl_protocol(e.protocol)) for e in entries if e.egress),
        key=lambda e: e.rule_number,
    )
    leaks: list[tuple[NaclEntry, list[IpNetwork]]] = []
    for index, entry in enumerate(outbound):
        dest = network(entry.cidr_ipv4 or entry.cidr_ipv6)
        if entry.action != "allow" or dest is None:
            continue
        outside = subtract([dest], inside)
        denies = [d for d in outbound[:index] if d.action == "deny"]
        remaining = _after_denies(entry, outside, denies)
        if remaining:
            leaks.append((entry, remaining))
    return leaks


Piece = tuple[int, int, list[IpNetwork]]  # a port range and the addresses it still reaches


def _after_denies(allow: NaclEntry, outside: list[IpNetwork], denies: Sequence[NaclEntry]) -> list[IpNetwork]:
    pieces: list[Piece] = [(*_ports(allow), outside)] if outside else []
    for deny in denies:
        cut = network(deny.cidr_ipv4 or deny.cidr_ipv6)
        if cut is None or not _same_traffic(allow, deny):
            continue
        low, high = _ports(deny) if deny.protocol == allow.protocol else ALL_PORTS
        pieces = [p for piece in pieces for p in _split(piece, low, high, cut)]
    return [n for _, _, nets in pieces for n in nets]


def _same_traffic(allow: NaclEntry, deny: NaclEntry) -> bool:
    """Whether `deny` can drop any of what `allow` admits, port ranges aside."""
    if deny.protocol == ALL_PROTOCOLS:
        return True
    if deny.protocol != allow.protocol:
        return False  # an all-protocol ALLOW keeps every other protocol
    if allow.protocol in PORT_PROTOCOLS:
        return True
    return deny.icmp_type in (None, -1) or (
        deny.icmp_type == allow.icmp_type and deny.icmp_code in (None, -1)
    )


def _split(piece: Piece, low: int, high: int, cut: IpNetwork) -> list[Piece]:
    p_low, p_high, nets = piece
    if high < p_low or low > p_high:
        return [piece]
    out: list[Piece] = []
    if p_low < low:
        out.append((p_low, low - 1, nets))
    if high < p_high:
        out.append((high + 1, p_high, nets))
    left = subtract(nets, [cut])
    if left:
        out.append((max(p_low, low), min(p_high, high), left))
    return out


def _ports(entry: NaclEntry) -> tuple[int, int]:
    if entry.protocol not in PORT_PROTOCOLS or entry.from_port is None or entry.to_port is None:
        return ALL_PORTS
    return entry.from_port, entry.to_port


def _traffic(entry: NaclEntry) -> str:
    if entry.protocol == ALL_PROTOCOLS:
        return "all traffic"
    name = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}.get(
        entry.protocol, f"protocol {entry.protocol}"
    )
    if entry.protocol in PORT_PROTOCOLS:
        low, high = _ports(entry)
        return f"{name}/{low}" if low == high else f"{name}/{low}-{high}"
    return name
