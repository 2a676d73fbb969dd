"""NET-04 in IaC: DNS egress only to the VPC resolver (the VPC's CIDR from the template)."""

from pathlib import Path

from iac_support import scan_text, status

from ringfence.model import Status

TEMPLATE = """
Parameters:
  Cidr: {Type: String, Default: 10.20.0.0/16}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: !Ref Cidr}
  ResolverOnly:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: dns to the resolver only
      VpcId: !Ref Vpc
      SecurityGroupEgress:
        - {IpProtocol: udp, FromPort: 53, ToPort: 53, CidrIp: 10.20.0.2/32}
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.20.0.0/16}
  Anywhere:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: default egress, VpcId: !Ref Vpc}
"""


def test_resolver_only_passes_and_default_egress_fails(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["NET-04"]).result

    assert status(result, "NET-04", "ResolverOnly") is Status.PASS
    assert status(result, "NET-04", "Anywhere") is Status.FAIL


PREFIX_LISTS = """
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.20.0.0/16}
  Resolvers:
    Type: AWS::EC2::PrefixList
    Properties:
      PrefixListName: resolvers
      AddressFamily: IPv4
      MaxEntries: 2
      Entries: [{Cidr: 10.20.0.2/32}, {Cidr: 169.254.169.253/32}]
  Anywhere:
    Type: AWS::EC2::PrefixList
    Properties: {PrefixListName: anywhere, AddressFamily: IPv4, MaxEntries: 1, Entries: [{Cidr: 0.0.0.0/0}]}
  ToResolvers:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: dns through a prefix list of resolvers
      VpcId: !Ref Vpc
      SecurityGroupEgress: [{IpProtocol: udp, FromPort: 53, ToPort: 53, DestinationPrefixListId: !Ref Resolvers}]
  ToAnywhere:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: dns through a prefix list of the internet
      VpcId: !Ref Vpc
      SecurityGroupEgress: [{IpProtocol: udp, FromPort: 53, ToPort: 53, DestinationPrefixListId: !GetAtt Anywhere.PrefixListId}]
"""


def test_prefix_lists_declared_in_the_template_are_judged_by_their_entries(tmp_path: Path) -> None:
    result = scan_text(tmp_path, PREFIX_LISTS, controls=["NET-04"]).result

    assert status(result, "NET-04", "ToResolvers") is Status.PASS
    assert status(result, "NET-04", "ToAnywhere") is Status.FAIL
