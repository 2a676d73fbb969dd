"""DNS-01: VPCs resolve through the VPC resolver, not self-run DNS servers.

A VPC passes when its DHCP options set's domain-name-servers is exactly AmazonProvidedDNS. A server
address beside it fails too: clients pick any listed server. A VPC with no DHCP options set
(DhcpOptionsId "default") hands out no DNS server at all: Nitro instances then use the VPC resolver
at 169.254.169.253 and Xen instances get none, so no self-run server is in the path and it passes
(with that note). A set that names no domain-name-servers leaves the choice to each instance's own
configuration: UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, register
from ringfence.model import DhcpOptions, Remediation, Severity, Vpc

AMAZON = "AmazonProvidedDNS"

META = CheckMeta(
    id="DNS-01",
    title="VPCs resolve through the VPC resolver, not self-run DNS servers",
    severity=Severity.MEDIUM,
    rationale=(
        "Queries sent to self-run DNS servers escape Route 53 Resolver query logging, DNS Firewall and "
        "GuardDuty's DNS findings, and those servers become one more thing to patch and protect."
    ),
    remediation=Remediation(
        text=(
            "Associate a DHCP options set whose domain-name-servers is AmazonProvidedDNS, and forward "
            "on-premises domains with Route 53 Resolver outbound endpoints and rules instead."
        ),
        cli=(
            "aws ec2 create-dhcp-options --dhcp-configurations "
            '"Key=domain-name-servers,Values=AmazonProvidedDNS"\n'
            "aws ec2 associate-dhcp-options --dhcp-options-id DOPT_ID --vpc-id VPC_ID"
        ),
        cloudformation=(
            "DhcpOptions:\n  Type: AWS::EC2::DHCPOptions\n  Properties:\n    DomainNameServers: [AmazonProvidedDNS]\n"
            "DhcpAssociation:\n  Type: AWS::EC2::VPCDHCPOptionsAssociation\n  Properties:\n"
            "    VpcId: !Ref Vpc\n    DhcpOptionsId: !Ref DhcpOptions"
        ),
        terraform=(
            'resource "aws_vpc_dhcp_options" "amazon" {\n  domain_name_servers = ["AmazonProvidedDNS"]\n}\n\n'
            'resource "aws_vpc_dhcp_options_association" "main" {\n  vpc_id          = aws_vpc.main.id\n'
            "  dhcp_options_id = aws_vpc_dhcp_options.amazon.id\n}"
        ),
    ),
    modes=("live",),
    resource_types=(Vpc.KIND, DhcpOptions.KIND),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for vpc in ctx.inventory.of(Vpc):
        options_id = vpc.dhcp_options_id
        if options_id is None:
            yield unknown(
                vpc,
                f"the VPC's DHCP options set is not known: {vpc.unknown('dhcp_options_id') or 'not stated'}",
            )
            continue
        if options_id == "default":
            yield passed(
                vpc,
                "no DHCP options set: no DNS server is handed out; Nitro instances use the VPC resolver "
                "(169.254.169.253), Xen instances get none",
            )
            continue
        options = ctx.inventory.get(DhcpOptions, vpc.account, vpc.region, options_id)
        if options is None:
            yield unknown(vpc, f"DHCP options set {options_id} is not in the inventory (see coverage gaps)")
            continue
        servers = options.domain_name_servers
        if not servers:
            yield unknown(
                vpc,
                f"DHCP options set {options_id} names no domain-name-servers: each instance's own "
                "configuration decides where it resolves",
            )
        elif all(s.lower() == AMAZON.lower() for s in servers):
            yield passed(vpc, f"DHCP options set {options_id} hands out {AMAZON}")
        else:
            others = [s for s in servers if s.lower() != AMAZON.lower()]
            yield failed(
                vpc,
                f"VPC {vpc.display_name} resolves through DNS servers {', '.join(others)} "
                f"(DHCP options set {options_id}: domain-name-servers {', '.join(servers)})",
            )
