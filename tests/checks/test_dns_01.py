"""DNS-01: every VPC's DHCP options hand out AmazonProvidedDNS and nothing else."""

from __future__ import annotations

from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import DhcpOptions, Inventory, Status, Vpc

from support import ACCOUNT, REGION, Aws, findings_for, status_of


def vpc_with_servers(ec2: Any, cidr: str, *servers: str) -> str:
    vpc = str(ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"])
    if servers:
        options = ec2.create_dhcp_options(
            DhcpConfigurations=[{"Key": "domain-name-servers", "Values": list(servers)}]
        )["DhcpOptions"]["DhcpOptionsId"]
        ec2.associate_dhcp_options(DhcpOptionsId=options, VpcId=vpc)
    return vpc


def test_vpcs_resolve_through_the_vpc_resolver(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    amazon = vpc_with_servers(ec2, "10.1.0.0/16", "AmazonProvidedDNS")
    self_run = vpc_with_servers(ec2, "10.2.0.0/16", "10.2.0.10", "AmazonProvidedDNS")
    no_options = vpc_with_servers(ec2, "10.3.0.0/16")

    result = aws.scan(controls=["DNS-01"])

    assert status_of(result, "DNS-01", amazon) is Status.PASS
    assert status_of(result, "DNS-01", self_run) is Status.FAIL
    assert status_of(result, "DNS-01", no_options) is Status.PASS
    message = next(f.message for f in findings_for(result, "DNS-01") if self_run in f.resource_id)
    assert "resolves through DNS servers 10.2.0.10" in message


def test_options_that_cannot_be_read_or_name_no_server_are_unknown() -> None:
    def vpc(vpc_id: str, options: str) -> Vpc:
        return Vpc(arn=vpc_id, native_id=vpc_id, account=ACCOUNT, region=REGION, dhcp_options_id=options)

    empty = DhcpOptions(
        arn="dopt-empty", native_id="dopt-empty", account=ACCOUNT, region=REGION, domain_name="corp"
    )
    inv = Inventory([vpc("vpc-missing", "dopt-gone"), vpc("vpc-empty", "dopt-empty"), empty])
    statuses = {f.resource_id: f.status for f in evaluate(inv, [all_checks()["DNS-01"]], strict=True)}
    assert statuses == {"vpc-missing": Status.UNKNOWN, "vpc-empty": Status.UNKNOWN}
