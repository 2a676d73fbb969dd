"""NET-08: the network ACLs of data-tier subnets let traffic out only to the VPC and approved egress."""

from __future__ import annotations

from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, NaclEntry, NetworkAcl, Status, Subnet, Vpc
from ringfence.scanner import ScanOptions, scan

from support import ACCOUNT, REGION, Aws, findings_for, status_of


def subnet(ec2: Any, vpc: str, cidr: str, tier: str | None) -> str:
    tags = [{"ResourceType": "subnet", "Tags": [{"Key": "Tier", "Value": tier}]}] if tier else []
    return str(ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, TagSpecifications=tags)["Subnet"]["SubnetId"])


def acl(
    ec2: Any, vpc: str, subnet_id: str, *entries: tuple[int, str, str, str, tuple[int, int] | None]
) -> str:
    acl_id = str(ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"])
    for number, action, cidr, protocol, ports in entries:
        args: dict[str, Any] = {"PortRange": {"From": ports[0], "To": ports[1]}} if ports else {}
        ec2.create_network_acl_entry(
            NetworkAclId=acl_id,
            RuleNumber=number,
            Egress=True,
            RuleAction=action,
            CidrBlock=cidr,
            Protocol=protocol,
            **args,
        )
    current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])
    assoc = next(
        a["NetworkAclAssociationId"]
        for n in current["NetworkAcls"]
        for a in n["Associations"]
        if a["SubnetId"] == subnet_id
    )
    ec2.replace_network_acl_association(AssociationId=assoc, NetworkAclId=acl_id)
    return acl_id


def test_data_subnets_let_traffic_out_only_to_the_vpc_and_approved_egress(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    on_default = subnet(ec2, vpc, "10.0.1.0/24", "data")
    tight = subnet(ec2, vpc, "10.0.2.0/24", "data")
    acl(
        ec2,
        vpc,
        tight,
        (100, "allow", "10.0.0.0/16", "-1", None),
        (110, "allow", "198.51.100.0/24", "6", (443, 443)),
    )
    shadowed = subnet(ec2, vpc, "10.0.3.0/24", "data")
    acl(
        ec2,
        vpc,
        shadowed,
        (90, "allow", "10.0.0.0/16", "-1", None),
        (100, "deny", "0.0.0.0/0", "-1", None),
        (200, "allow", "0.0.0.0/0", "-1", None),
    )
    https_out = subnet(ec2, vpc, "10.0.4.0/24", "data")
    acl(ec2, vpc, https_out, (100, "allow", "0.0.0.0/0", "6", (443, 443)))
    private = subnet(ec2, vpc, "10.0.5.0/24", "private")
    untiered = subnet(ec2, vpc, "10.0.6.0/24", None)

    params = {"NET-07": {"approved_egress": ["198.51.100.0/24"]}}
    result = scan(ScanOptions(aws=aws.options(), regions=[REGION], controls=["NET-08"], params=params))

    assert status_of(result, "NET-08", on_default) is Status.FAIL
    assert status_of(result, "NET-08", tight) is Status.PASS
    assert status_of(result, "NET-08", shadowed) is Status.PASS
    assert status_of(result, "NET-08", https_out) is Status.FAIL
    assert status_of(result, "NET-08", private) is Status.NOT_APPLICABLE
    assert status_of(result, "NET-08", untiered) is Status.UNKNOWN
    messages = {f.resource_id: f.message for f in findings_for(result, "NET-08")}
    default_message = next(m for r, m in messages.items() if on_default in r)
    assert "default network ACL" in default_message
    assert "rule 100 allows all traffic to 0.0.0.0/0" not in default_message  # the VPC is carved out
    assert "rule 100 allows all traffic to 0.0.0.0/5" in default_message
    assert "rule 100 allows tcp/443" in next(m for r, m in messages.items() if https_out in r)


def run(*entries: NaclEntry) -> tuple[Status, str]:
    vpc = Vpc(arn="arn:vpc", native_id="vpc-1", account=ACCOUNT, region=REGION, cidr_blocks=("10.0.0.0/16",))
    data = Subnet(
        arn="arn:subnet-1",
        native_id="subnet-1",
        account=ACCOUNT,
        region=REGION,
        vpc_id="vpc-1",
        tags={"Tier": "data"},
    )
    nacl = NetworkAcl(
        arn="arn:acl",
        native_id="acl-1",
        account=ACCOUNT,
        region=REGION,
        vpc_id="vpc-1",
        entries=entries,
        subnet_ids=("subnet-1",),
    )
    (finding,) = evaluate(Inventory([vpc, data, nacl]), [all_checks()["NET-08"]], strict=True)
    return finding.status, finding.message


def out(
    number: int, action: str, cidr: str, protocol: str = "-1", ports: tuple[int, int] | None = None
) -> NaclEntry:
    low, high = ports or (None, None)
    return NaclEntry(number, True, protocol, action, cidr_ipv4=cidr, from_port=low, to_port=high)


def test_earlier_denies_shadow_exactly_the_traffic_they_cover() -> None:
    # Two port-range DENY rules together cover the ALLOW's ports.
    assert (
        run(
            out(10, "deny", "0.0.0.0/0", "6", (0, 400)),
            out(20, "deny", "0.0.0.0/0", "6", (401, 65535)),
            out(30, "allow", "0.0.0.0/0", "6", (300, 500)),
        )[0]
        is Status.PASS
    )
    # A DENY of tcp does not shadow an ALLOW of every protocol: udp, icmp and the rest still pass.
    status, message = run(out(10, "deny", "0.0.0.0/0", "6"), out(20, "allow", "0.0.0.0/0"))
    assert status is Status.FAIL
    assert "rule 20 allows all traffic" in message
    # A DENY after the ALLOW comes too late.
    assert run(out(10, "allow", "0.0.0.0/0", "6", (443, 443)), out(20, "deny", "0.0.0.0/0"))[0] is Status.FAIL
    # A DENY of part of the internet leaves the rest open.
    status, message = run(out(10, "deny", "0.0.0.0/1"), out(20, "allow", "0.0.0.0/0", "17", (53, 53)))
    assert status is Status.FAIL
    assert "udp/53 to 128.0.0.0/1" in message
    # Nothing but the VPC: nothing leaks (unmatched traffic hits the final deny, listed or not).
    assert run(out(10, "allow", "10.0.0.0/16"))[0] is Status.PASS
