"""NET-02: only load balancers accept traffic from the whole internet, and only on 80/443.

A security group with ingress from 0.0.0.0/0 or ::/0 passes only when everything it is attached
to is an internet-facing load balancer and those rules admit ports 80 and 443 alone (TCP or UDP,
one port per rule: a 80-443 range admits everything between). Attachments are found two ways: the
load balancers' own SecurityGroups, and network interfaces carrying the group. An interface that
Elastic Load Balancing manages (requester-managed, described "ELB app/NAME/ID", "ELB net/NAME/ID"
or "ELB NAME") is its load balancer's, not a separate attachment.

A group with such rules fails when it is attached to anything else (instances, endpoints,
databases, Lambda), to an internal load balancer, or to nothing at all (whatever it is attached
to next is open to the internet). Groups without ingress from the internet pass.

An origin behind CloudFront should admit the managed prefix list
com.amazonaws.global.cloudfront.origin-facing instead of 0.0.0.0/0 (the remediation says so):
CloudFront distributions are not read here, so a load balancer behind CloudFront that admits the
whole internet on 443 still passes this check.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.network_scope import interfaces_by_group, names
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.sg_rules import listing
from ringfence.model import (
    Inventory,
    LoadBalancer,
    NetworkInterface,
    Remediation,
    SecurityGroup,
    Severity,
    SgRule,
)
from ringfence.model.elb import CLASSIC
from ringfence.model.network import sg_protocol

WEB_PORTS = (80, 443)
ELB_PREFIX = "ELB "

META = CheckMeta(
    id="NET-02",
    title="Only load balancers accept traffic from the whole internet, and only on 80/443",
    severity=Severity.HIGH,
    rationale=(
        "Anything but an internet-facing load balancer that admits the whole internet is exposed to "
        "every scanner and exploit kit; the load balancer is the one place built to take that traffic, "
        "and on the web ports only."
    ),
    remediation=Remediation(
        text=(
            "Put internet traffic through an internet-facing load balancer whose group admits 80/443 only, "
            "and let the targets admit the load balancer's security group instead of 0.0.0.0/0. Behind "
            "CloudFront, admit the managed prefix list com.amazonaws.global.cloudfront.origin-facing."
        ),
        cli=(
            "aws ec2 revoke-security-group-ingress --group-id GROUP_ID --security-group-rule-ids RULE_ID\n"
            "aws ec2 authorize-security-group-ingress --group-id TARGET_GROUP_ID --ip-permissions "
            "'IpProtocol=tcp,FromPort=8443,ToPort=8443,UserIdGroupPairs=[{GroupId=ALB_GROUP_ID}]'"
        ),
        cloudformation=(
            "AppFromAlb:\n  Type: AWS::EC2::SecurityGroupIngress\n  Properties:\n    GroupId: !Ref AppSecurityGroup\n"
            "    IpProtocol: tcp\n    FromPort: 8443\n    ToPort: 8443\n"
            "    SourceSecurityGroupId: !Ref AlbSecurityGroup"
        ),
        terraform=(
            'resource "aws_vpc_security_group_ingress_rule" "app_from_alb" {\n'
            "  security_group_id            = aws_security_group.app.id\n"
            '  ip_protocol                  = "tcp"\n  from_port                    = 8443\n'
            "  to_port                      = 8443\n"
            "  referenced_security_group_id = aws_security_group.alb.id\n}"
        ),
    ),
    modes=("live",),
    resource_types=(SecurityGroup.KIND, NetworkInterface.KIND, LoadBalancer.KIND),
    tested_with="moto server; Inventory built directly for load balancer interfaces (moto creates none)",
    frameworks=Mapping_(fsbp=("EC2.18",), nist_800_53=("SC-7",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    attachments = interfaces_by_group(inv)
    balancers: dict[tuple[str, str, str], list[LoadBalancer]] = defaultdict(list)
    for lb in inv.of(LoadBalancer):
        for group_id in lb.security_group_ids:
            balancers[(lb.account, lb.region, group_id)].append(lb)
    for group in inv.of(SecurityGroup):
        reason = group.unknown("ingress")
        if reason:
            yield unknown(group, f"ingress rules not known: {reason}")
            continue
        world = [r for r in group.ingress if r.is_world]
        if not world:
            yield passed(group, "no ingress from 0.0.0.0/0 or ::/0")
            continue
        key = (group.account, group.region, group.native_id)
        yield _judge(inv, group, world, list(balancers.get(key, [])), attachments.get(key, []))


def _judge(
    inv: Inventory,
    group: SecurityGroup,
    world: Sequence[SgRule],
    lbs: list[LoadBalancer],
    enis: Sequence[NetworkInterface],
) -> Outcome:
    name = f"security group {group.display_name} admits the internet ({listing(world)})"
    others: list[str] = []
    unknown_lbs: list[str] = []
    for eni in enis:
        owner = _elb_owner(eni)
        if owner is None:
            others.append(_describe(eni))
            continue
        lb = _find_balancer(inv, eni, owner)
        if lb is None:
            unknown_lbs.append(f"{eni.description} of interface {eni.native_id} (not in the inventory)")
        elif lb not in lbs:
            lbs.append(lb)
    if others:
        return failed(group, f"{name} and is attached to more than load balancers: {names(others)}")
    internal = [lb.display_name for lb in lbs if lb.scheme not in (None, "internet-facing")]
    unknown_lbs += [f"{lb.display_name} (scheme not stated)" for lb in lbs if lb.scheme is None]
    if internal:
        return failed(group, f"{name} but is attached to internal load balancer(s) {names(internal)}")
    if not lbs and not unknown_lbs:
        if not _listed(inv, group):
            return unknown(
                group, f"{name}; its attachments are not known (interfaces or load balancers not listed)"
            )
        return failed(group, f"{name} and is attached to nothing: whatever it is attached to next is exposed")
    extra = [r for r in world if not _web_port_only(r)]
    if extra:
        return failed(
            group,
            f"security group {group.display_name} of internet-facing load balancer(s) admits the internet "
            f"beyond ports 80 and 443: {listing(extra)}",
        )
    if unknown_lbs:
        return unknown(
            group,
            f"{name}; whether its load balancers are internet-facing is not known: {names(unknown_lbs)}",
        )
    return passed(
        group,
        f"admits the internet on 80/443 only, attached only to internet-facing load balancer(s) "
        f"{names([lb.display_name for lb in lbs])}",
    )


def _web_port_only(rule: SgRule) -> bool:
    if rule.is_all_protocols or sg_protocol(rule.protocol) not in ("tcp", "udp") or rule.all_ports:
        return False
    return rule.from_port == rule.to_port and rule.from_port in WEB_PORTS


def _elb_owner(eni: NetworkInterface) -> str | None:
    """The "app/NAME/ID", "net/NAME/ID" or classic NAME of the load balancer owning the interface."""
    text = eni.description or ""
    if not eni.requester_managed or not text.startswith(ELB_PREFIX):
        return None
    return text[len(ELB_PREFIX) :].strip() or None


def _find_balancer(inv: Inventory, eni: NetworkInterface, owner: str) -> LoadBalancer | None:
    for lb in inv.in_scope(LoadBalancer, eni.account, eni.region):
        if "/" in owner and lb.lb_type != CLASSIC and lb.arn.endswith(f":loadbalancer/{owner}"):
            return lb
        if "/" not in owner and lb.lb_type == CLASSIC and lb.lb_name == owner:
            return lb
    return None


def _describe(eni: NetworkInterface) -> str:
    if eni.attached_instance_id:
        return f"instance {eni.attached_instance_id} ({eni.native_id})"
    what = eni.description or eni.interface_type or "interface"
    return f"{eni.native_id} ({what})"


def _listed(inv: Inventory, group: SecurityGroup) -> bool:
    return inv.listing_complete(NetworkInterface, group.account, group.region) and inv.listing_complete(
        LoadBalancer, group.account, group.region
    )
