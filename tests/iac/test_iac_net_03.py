"""NET-03 in IaC: no UDP; CloudFormation keeps the allow-all egress rule unless egress is declared."""

from pathlib import Path

from iac_support import finding, scan_text, status

from ringfence.model import Status

TEMPLATE = """
Resources:
  DefaultEgress:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: no egress declared, VpcId: vpc-1}
  TcpOnly:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: declared egress
      VpcId: vpc-1
      SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}]
  Syslog:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: declared egress, plus a standalone udp rule
      VpcId: vpc-1
      SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}]
  SyslogEgress:
    Type: AWS::EC2::SecurityGroupEgress
    Properties: {GroupId: !Ref Syslog, IpProtocol: udp, FromPort: 514, ToPort: 514, CidrIp: 10.1.2.3/32}
"""


def test_declared_tcp_egress_passes_and_udp_or_the_default_egress_fails(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["NET-03"]).result

    assert status(result, "NET-03", "TcpOnly") is Status.PASS
    default = finding(result, "NET-03", "DefaultEgress")
    assert default.status is Status.FAIL
    assert "[default egress]" in default.message  # the rule AWS adds, which CloudFormation keeps
    syslog = finding(result, "NET-03", "Syslog")
    assert syslog.status is Status.FAIL
    assert "SyslogEgress" in syslog.message


def test_an_exception_covers_the_udp_rule(tmp_path: Path) -> None:
    from ringfence.sources.iac.scan import scan_iac

    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE)
    result = scan_iac(
        [str(path)],
        controls=["NET-03"],
        params={"NET-03": {"udp_exceptions": [{"port": 514, "cidr": "10.0.0.0/8"}]}},
    ).result
    assert status(result, "NET-03", "Syslog") is Status.PASS
