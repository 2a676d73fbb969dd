from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Status

from support import Aws, findings_for, status_of


def group(ec2: Any, vpc_id: str, name: str, *permissions: dict[str, Any]) -> str:
    sg = str(ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"])
    if permissions:
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=list(permissions))
    return sg


def tcp(port: int, to: int | None = None, **peer: Any) -> dict[str, Any]:
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": to if to is not None else port, **peer}


WORLD = {"IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
WORLD6 = {"Ipv6Ranges": [{"CidrIpv6": "::/0"}]}


def test_admin_ports_open_to_the_internet_fail(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ssh = group(ec2, vpc, "ssh", tcp(22, **WORLD))
    rdp6 = group(ec2, vpc, "rdp6", tcp(3389, **WORLD6))
    rdp_udp = group(ec2, vpc, "rdp-udp", {"IpProtocol": "udp", "FromPort": 3389, "ToPort": 3389, **WORLD})
    all_ports = group(ec2, vpc, "all-ports", tcp(0, 65535, **WORLD))
    everything = group(ec2, vpc, "everything", {"IpProtocol": "-1", **WORLD6})
    web = group(ec2, vpc, "web", tcp(443, **WORLD), tcp(80, **WORLD6))
    internal = group(ec2, vpc, "internal", tcp(22, IpRanges=[{"CidrIp": "10.0.0.0/8"}]))
    ping = group(ec2, vpc, "ping", {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, **WORLD})

    result = aws.scan(controls=["NET-01"])

    for failing in (ssh, rdp6, rdp_udp, all_ports, everything):
        assert status_of(result, "NET-01", failing) is Status.FAIL, failing
    for passing in (web, internal, ping):
        assert status_of(result, "NET-01", passing) is Status.PASS, passing
    message = next(f.message for f in findings_for(result, "NET-01") if ssh in f.resource_id)
    assert "ingress tcp/22 from 0.0.0.0/0 [sgr-" in message


def test_admin_ports_come_from_the_parameter(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    alt_ssh = group(ec2, vpc, "alt-ssh", tcp(2222, **WORLD))
    inventory = aws.scan(controls=["NET-01"]).inventory

    default = evaluate(inventory, [all_checks()["NET-01"]], strict=True)
    custom = evaluate(
        inventory, [all_checks()["NET-01"]], strict=True, params={"NET-01": {"admin_ports": [2222]}}
    )

    assert next(f for f in default if alt_ssh in f.resource_id).status is Status.PASS
    assert next(f for f in custom if alt_ssh in f.resource_id).status is Status.FAIL
