"""NET-03: security groups allow no UDP unless excepted.

Every rule with protocol udp or -1 (all), ingress or egress, fails the group, including the
allow-all egress rule AWS puts in each new group. A udp rule is excepted when an entry of
params.udp_exceptions ({port, cidr}) names its port exactly (a range rule is not one port) and
its peer is that CIDR or inside it (a prefix list or group id must match as written). An
all-protocol rule is never excepted: it admits every UDP port.

IaC: CloudFormation keeps the allow-all egress rule unless a group declares inline egress, so it
counts there; Terraform removes it. A rule whose protocol the files cannot tell is UNKNOWN unless
another rule already fails the group.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, register
from ringfence.checks.sg_rules import IpNetwork, listing, network, rule_network, undecided_reason, within
from ringfence.model import Remediation, SecurityGroup, Severity, SgRule
from ringfence.model.network import sg_protocol

META = CheckMeta(
    id="NET-03",
    title="Security groups allow no UDP unless excepted",
    severity=Severity.MEDIUM,
    rationale=(
        "UDP carries DNS tunnels, NTP and amplification abuse and is rarely what a workload needs "
        "through its own groups (DNS, NTP and metadata are served link-local by the VPC); allowing "
        "only the expected traffic, egress included, removes a covert channel."
    ),
    remediation=Remediation(
        text=(
            "Replace all-traffic and UDP rules with the TCP ports the workload uses; declare the egress "
            "rules explicitly so the default allow-all egress rule goes; list any UDP that must stay "
            "in udp_exceptions."
        ),
        cli="aws ec2 revoke-security-group-egress --group-id GROUP_ID --security-group-rule-ids RULE_ID",
        cloudformation=(
            "Type: AWS::EC2::SecurityGroup\nProperties:\n  SecurityGroupEgress:  # replaces the allow-all rule\n"
            "    - IpProtocol: tcp\n      FromPort: 443\n      ToPort: 443\n      DestinationPrefixListId: !Ref S3PrefixList"
        ),
        terraform=(
            'resource "aws_security_group" "app" {\n  # Terraform removes the default allow-all egress rule\n'
            '  egress {\n    protocol        = "tcp"\n    from_port       = 443\n    to_port         = 443\n'
            "    prefix_list_ids = [aws_vpc_endpoint.s3.prefix_list_id]\n  }\n}"
        ),
    ),
    modes=("live", "iac"),
    resource_types=(SecurityGroup.KIND,),
    tested_with="moto server; exceptions on an Inventory built directly; IaC templates (tests/iac)",
)


@dataclass(frozen=True, slots=True)
class UdpException:
    port: int
    peer: str
    net: IpNetwork | None

    def covers(self, rule: SgRule) -> bool:
        if sg_protocol(rule.protocol) != "udp" or rule.all_ports:
            return False
        if rule.from_port != self.port or rule.to_port != self.port:
            return False
        if rule.peer == self.peer:
            return True
        mine = rule_network(rule)
        return mine is not None and self.net is not None and within(mine, self.net)


def parse_exceptions(raw: Any) -> list[UdpException]:
    """params.udp_exceptions as [{port, cidr}]; raises ValueError naming what is wrong."""
    if raw is None:
        return []
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise ValueError("udp_exceptions must be a list of {port, cidr}")
    out: list[UdpException] = []
    for item in raw:
        if not isinstance(item, Mapping) or "port" not in item or "cidr" not in item:
            raise ValueError(f"udp_exceptions entry {item!r} is not a {{port, cidr}} pair")
        try:
            port = int(item["port"])
        except (TypeError, ValueError):
            raise ValueError(f"udp_exceptions entry {item!r} has no numeric port") from None
        peer = str(item["cidr"]).strip()
        net = network(peer)
        if net is None and not peer.startswith(("pl-", "sg-")):
            raise ValueError(f"udp_exceptions entry {item!r}: {peer!r} is not a CIDR, prefix list or group")
        out.append(UdpException(port, peer, net))
    return out


def udp_rules(group: SecurityGroup, exceptions: Sequence[UdpException]) -> list[SgRule]:
    """The group's udp and all-protocol rules that no exception covers."""
    return [
        r
        for r in group.rules
        if sg_protocol(r.protocol) in ("udp", "-1")
        and not any(e.covers(r) for e in exceptions)
        and not (r.unresolved and exceptions and sg_protocol(r.protocol) == "udp")
    ]


def undecided_rules(group: SecurityGroup, exceptions: Sequence[UdpException]) -> list[SgRule]:
    """Rules with unknown parts (IaC): the protocol, or for a udp rule that an exception might
    cover, its port or peer."""
    return [
        r
        for r in group.rules
        if r.unresolved
        and (
            not sg_protocol(r.protocol)
            or (sg_protocol(r.protocol) == "udp" and exceptions and not any(e.covers(r) for e in exceptions))
        )
    ]


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    groups = ctx.inventory.of(SecurityGroup)
    try:
        exceptions = parse_exceptions(ctx.params.get("udp_exceptions"))
    except ValueError as exc:
        for group in groups:
            yield unknown(group, f"cannot judge: {exc}")
        return
    for group in groups:
        reason = group.unknown("ingress", "egress")
        offending = udp_rules(group, exceptions)
        undecided = undecided_rules(group, exceptions)
        if offending:
            yield failed(group, f"security group {group.display_name} allows UDP: {listing(offending)}")
        elif reason:
            yield unknown(group, f"rules not known: {reason}")
        elif undecided:
            yield unknown(group, f"whether these rules allow UDP is not known: {undecided_reason(undecided)}")
        else:
            note = " beyond the excepted ones" if exceptions else ""
            yield passed(group, f"no udp or all-traffic rules{note}")
