"""RDS-01 in IaC: PubliclyAccessible, RDS's default by the VPC's internet gateway, data-tier subnets."""

from pathlib import Path

from iac_support import finding, scan_text, status

from ringfence.model import Status

TEMPLATE = """
Resources:
  PublicVpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Gateway:
    Type: AWS::EC2::InternetGateway
  Attachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {VpcId: !Ref PublicVpc, InternetGatewayId: !Ref Gateway}
  PublicVpcDataA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref PublicVpc, CidrBlock: 10.0.1.0/24, Tags: [{Key: Name, Value: prod-data-a}]}
  PublicVpcGroup:
    Type: AWS::RDS::DBSubnetGroup
    Properties: {DBSubnetGroupDescription: data, SubnetIds: [!Ref PublicVpcDataA]}
  PrivateVpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.1.0.0/16}
  DataA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref PrivateVpc, CidrBlock: 10.1.1.0/24, Tags: [{Key: Tier, Value: data}]}
  DataB:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref PrivateVpc, CidrBlock: 10.1.2.0/24, Tags: [{Key: Tier, Value: data}]}
  DataGroup:
    Type: AWS::RDS::DBSubnetGroup
    Properties: {DBSubnetGroupName: data-subnets, DBSubnetGroupDescription: data, SubnetIds: [!Ref DataA, !Ref DataB]}
  Private:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, DBInstanceClass: db.t3.micro, PubliclyAccessible: false, DBSubnetGroupName: !Ref DataGroup}
  PrivateByDefault:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, DBInstanceClass: db.t3.micro, DBSubnetGroupName: data-subnets}
  Public:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, DBInstanceClass: db.t3.micro, PubliclyAccessible: "true", DBSubnetGroupName: !Ref DataGroup}
  PublicByDefault:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, DBInstanceClass: db.t3.micro, DBSubnetGroupName: !Ref PublicVpcGroup}
  DefaultVpc:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, DBInstanceClass: db.t3.micro}
"""


def test_private_data_tier_passes_and_public_fails(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["RDS-01"]).result

    assert status(result, "RDS-01", "Private") is Status.PASS
    by_default = finding(result, "RDS-01", "PrivateByDefault")  # the subnet group named by its name
    assert by_default.status is Status.PASS
    assert "no internet gateway" in by_default.message
    assert status(result, "RDS-01", "Public") is Status.FAIL
    public = finding(result, "RDS-01", "PublicByDefault")
    assert public.status is Status.FAIL
    assert "internet gateway Gateway" in public.message


def test_the_default_vpc_is_not_in_the_files(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["RDS-01"]).result

    default = finding(result, "RDS-01", "DefaultVpc")
    assert default.status is Status.UNKNOWN
    assert "default VPC" in default.message
