from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, SecurityGroup, SgRule, Status

from support import ACCOUNT, REGION, Aws, findings_for, status_of


def locked_group(ec2: Any, vpc_id: str, name: str) -> str:
    """A group without the allow-all egress rule AWS adds."""
    sg = str(ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"])
    ec2.revoke_security_group_egress(
        GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    return sg


def test_udp_and_all_traffic_rules_fail_and_tcp_only_passes(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    fresh = ec2.create_security_group(GroupName="fresh", Description="f", VpcId=vpc)["GroupId"]
    tcp_only = locked_group(ec2, vpc, "tcp-only")
    ec2.authorize_security_group_egress(
        GroupId=tcp_only,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}
        ],
    )
    udp_in = locked_group(ec2, vpc, "udp-in")
    ec2.authorize_security_group_ingress(
        GroupId=udp_in,
        IpPermissions=[
            {"IpProtocol": "udp", "FromPort": 500, "ToPort": 4500, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
        ],
    )

    result = aws.scan(controls=["NET-03"])

    # The allow-all egress rule AWS puts in every new group counts.
    assert status_of(result, "NET-03", fresh) is Status.FAIL
    assert status_of(result, "NET-03", tcp_only) is Status.PASS
    assert status_of(result, "NET-03", udp_in) is Status.FAIL
    message = next(f.message for f in findings_for(result, "NET-03") if udp_in in f.resource_id)
    assert "ingress udp/500-4500 from ::/0" in message


def sg(group_id: str, *rules: SgRule) -> SecurityGroup:
    return SecurityGroup(
        arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{group_id}",
        native_id=group_id,
        account=ACCOUNT,
        region=REGION,
        egress=tuple(r for r in rules if r.direction == "egress"),
        ingress=tuple(r for r in rules if r.direction == "ingress"),
    )


def test_excepted_udp_passes_only_for_its_port_and_range() -> None:
    ntp = sg("sg-ntp", SgRule("egress", "udp", 123, 123, cidr_ipv4="169.254.169.123/32"))
    syslog = sg("sg-syslog", SgRule("egress", "udp", 514, 514, cidr_ipv4="10.9.8.0/24"))
    wider = sg("sg-wider", SgRule("egress", "udp", 123, 124, cidr_ipv4="169.254.169.123/32"))
    everything = sg("sg-everything", SgRule("egress", "-1", cidr_ipv4="169.254.169.123/32"))
    exceptions = [{"port": 123, "cidr": "169.254.169.123/32"}, {"port": 514, "cidr": "10.9.0.0/16"}]

    findings = evaluate(
        Inventory([ntp, syslog, wider, everything]),
        [all_checks()["NET-03"]],
        strict=True,
        params={"NET-03": {"udp_exceptions": exceptions}},
    )
    status = {f.resource_id: f.status for f in findings}

    assert status[ntp.arn] is Status.PASS
    assert status[syslog.arn] is Status.PASS  # inside the excepted range
    assert status[wider.arn] is Status.FAIL  # 124 is not excepted
    assert status[everything.arn] is Status.FAIL  # all protocols: every UDP port


def test_malformed_exceptions_make_the_verdict_unknown() -> None:
    group = sg("sg-1", SgRule("egress", "udp", 123, 123, cidr_ipv4="10.0.0.0/8"))
    (finding,) = evaluate(
        Inventory([group]),
        [all_checks()["NET-03"]],
        strict=True,
        params={"NET-03": {"udp_exceptions": [{"port": 123}]}},
    )
    assert finding.status is Status.UNKNOWN
    assert "udp_exceptions" in finding.message
