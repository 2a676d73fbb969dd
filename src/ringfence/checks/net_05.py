"""NET-05: data-tier security groups have no unrestricted egress.

A group is data tier when it is attached to a network interface in a data-tier subnet (the
interface's subnet tells). Its egress rules may reach only CIDRs inside its VPC (IPv4 or IPv6),
prefix lists, other security groups and params.approved_egress of NET-07 (CIDRs, or prefix-list
ids). 0.0.0.0/0 and ::/0 fail, and so does any other CIDR outside the VPC that is not approved.
A prefix list passes as the criterion says, except one of the account's own lists holding
0.0.0.0/0 or ::/0 (the same hole by another name).

A group attached to no interface, or only in public and private subnets, is NOT_APPLICABLE. A group
attached in subnets without a tier (and none of data tier) is UNKNOWN; the message says what the
verdict would be.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.network_scope import (
    Approved,
    approved_egress,
    classify,
    covered,
    interfaces_by_group,
    is_whole,
    names,
    vpc_networks,
)
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.sg_rules import listing, rule_network
from ringfence.model import (
    Inventory,
    NetworkInterface,
    Remediation,
    SecurityGroup,
    Severity,
    SgRule,
    Subnet,
    Vpc,
)
from ringfence.model.network import ManagedPrefixList

META = CheckMeta(
    id="NET-05",
    title="Data-tier security groups have no unrestricted egress",
    severity=Severity.HIGH,
    rationale=(
        "Egress to anywhere from the data tier lets a compromised database host or stolen workload "
        "send data straight out; limiting it to the VPC, endpoints and approved prefixes keeps the "
        "data where it belongs even when routing is wrong."
    ),
    remediation=Remediation(
        text=(
            "Replace the group's allow-all egress with rules to the VPC CIDR, to the security groups it "
            "talks to, to AWS prefix lists (S3 through the gateway endpoint) and to the approved prefixes."
        ),
        cli=(
            "aws ec2 revoke-security-group-egress --group-id GROUP_ID --ip-permissions "
            "'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'\n"
            "aws ec2 authorize-security-group-egress --group-id GROUP_ID --ip-permissions "
            "'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=10.0.0.0/16}]'"
        ),
        cloudformation=(
            "Type: AWS::EC2::SecurityGroup\nProperties:\n  GroupDescription: data tier\n  VpcId: !Ref Vpc\n"
            "  SecurityGroupEgress:\n    - IpProtocol: tcp\n      FromPort: 443\n      ToPort: 443\n"
            "      CidrIp: !GetAtt Vpc.CidrBlock"
        ),
        terraform=(
            'resource "aws_security_group" "data" {\n  vpc_id = aws_vpc.main.id\n  egress {\n'
            '    protocol    = "tcp"\n    from_port   = 443\n    to_port     = 443\n'
            "    cidr_blocks = [aws_vpc.main.cidr_block]\n  }\n}"
        ),
    ),
    modes=("live",),
    resource_types=(
        SecurityGroup.KIND,
        NetworkInterface.KIND,
        Subnet.KIND,
        Vpc.KIND,
        ManagedPrefixList.KIND,
    ),
    tested_with="moto server; Inventory built directly for interfaces AWS services create (RDS, Lambda)",
    frameworks=Mapping_(nist_800_53=("SC-7",)),
    params_from=("NET-07",),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    attachments = interfaces_by_group(inv)
    for group in inv.of(SecurityGroup):
        reason = group.unknown("egress")
        if reason:
            yield unknown(group, f"egress rules not known: {reason}")
            continue
        enis = attachments.get((group.account, group.region, group.native_id), [])
        if not enis:
            if not inv.listing_complete(NetworkInterface, group.account, group.region):
                yield unknown(
                    group, "network interfaces could not be listed, so the group's tier is not known"
                )
            else:
                yield not_applicable(group, "attached to no network interface")
            continue
        view = classify(ctx, group.account, group.region, [e.subnet_id or "?" for e in enis])
        offending, undecided = judge(inv, group, approved_egress(ctx, group.account, group.region))
        if view.of("data"):
            yield _outcome(group, offending, undecided, [s.display_name for s in view.of("data")])
        elif view.unknown:
            would = (
                f"it would fail ({listing(offending)})"
                if offending
                else "it would be undecided"
                if undecided
                else "its egress would pass"
            )
            yield unknown(
                group, f"attached in subnets of unknown tier: {view.unknown_reason()}; if data tier, {would}"
            )
        else:
            yield not_applicable(group, f"attached only in {' and '.join(sorted(view.tiers))} subnets")


def _outcome(group: SecurityGroup, offending: list[SgRule], undecided: list[str], data: list[str]) -> Outcome:
    where = f"attached in data-tier subnets {names(data)}"
    if offending:
        return failed(
            group,
            f"security group {group.display_name} ({where}) has egress beyond the VPC and approved "
            f"destinations: {listing(offending)}",
        )
    if undecided:
        return unknown(group, f"{where}: {'; '.join(undecided)}")
    return passed(group, f"{where}; egress reaches only the VPC, prefix lists, groups and approved egress")


def judge(inv: Inventory, group: SecurityGroup, approved: Approved) -> tuple[list[SgRule], list[str]]:
    """The egress rules that reach beyond what the data tier may reach, and why others cannot be told."""
    offending: list[SgRule] = []
    undecided: list[str] = []
    vpc = inv.get(Vpc, group.account, group.region, group.vpc_id)
    for rule in group.egress:
        if rule.referenced_group_id:
            continue
        if rule.prefix_list_id:
            plist = inv.get(ManagedPrefixList, group.account, group.region, rule.prefix_list_id)
            if plist is not None and any(e in ("0.0.0.0/0", "::/0") for e in plist.entries):
                offending.append(rule)
            continue
        net = rule_network(rule)
        if net is None:
            undecided.append(f"{rule.describe()}: destination is not an address range")
        elif covered(net, approved.networks):
            continue
        elif is_whole(net):
            offending.append(rule)
        elif vpc is None:
            undecided.append(f"{rule.describe()}: VPC {group.vpc_id} is not in the inventory")
        elif not covered(net, vpc_networks(vpc)):
            offending.append(rule)
    return offending, undecided
