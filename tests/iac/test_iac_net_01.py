"""NET-01 in IaC: inline and standalone rules, rules on groups declared elsewhere, parameters."""

from pathlib import Path

from iac_support import finding, scan_text, status

from ringfence.model import Status

TEMPLATE = """
Parameters:
  SSHLocation: {Type: String, Default: 0.0.0.0/0}
  AdminCidr: {Type: String}
  SharedGroup: {Type: "AWS::EC2::SecurityGroup::Id", Default: sg-0123456789abcdef0}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  InlineSsh:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh from a parameter's default
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref SSHLocation}
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: !Ref AdminCidr}
  RdpOnWeb:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !GetAtt Web.GroupId, IpProtocol: "-1", CidrIpv6: "::/0"}
  Internal:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: only from the vpc
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !GetAtt Vpc.CidrBlock}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, SourceSecurityGroupId: !Ref InlineSsh}
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: !Ref AdminCidr}
  Undecided:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh from an unknown range
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref AdminCidr}
  OnSharedGroup:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !Ref SharedGroup, IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: 0.0.0.0/0}
"""


def line_of(logical_id: str) -> int:
    return TEMPLATE.lstrip().splitlines().index(f"  {logical_id}:") + 1


def test_open_admin_ports_fail_wherever_the_rule_is_declared(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["NET-01"]).result

    assert status(result, "NET-01", "InlineSsh") is Status.FAIL
    joined = finding(result, "NET-01", "Web")
    assert joined.status is Status.FAIL
    assert "RdpOnWeb" in joined.message
    orphan = finding(result, "NET-01", "OnSharedGroup")
    assert orphan.status is Status.FAIL
    assert orphan.resource_type == "AWS::EC2::SecurityGroupIngress"
    assert orphan.location is not None
    assert orphan.location.line == line_of("OnSharedGroup")


def test_restricted_groups_pass_and_unknowable_ranges_are_unknown(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["NET-01"]).result

    assert status(result, "NET-01", "Internal") is Status.PASS  # the unknown range is on 443 only
    undecided = finding(result, "NET-01", "Undecided")
    assert undecided.status is Status.UNKNOWN
    assert "parameter AdminCidr has no Default" in undecided.message
    given = scan_text(
        tmp_path, TEMPLATE, controls=["NET-01"], parameters={"AdminCidr": "192.0.2.0/24"}
    ).result
    assert status(given, "NET-01", "Undecided") is Status.PASS
