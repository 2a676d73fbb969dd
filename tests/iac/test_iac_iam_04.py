"""IAM-04 in IaC: instances have an instance profile, their own or their launch template's."""

from pathlib import Path

from iac_support import scan_text, status

from ringfence.model import Status

TEMPLATE = """
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties: {Roles: [!Ref Role]}
  WithProfile:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-1, IamInstanceProfile: !Ref Profile}
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData: {IamInstanceProfile: {Arn: !GetAtt Profile.Arn}}
  ViaTemplate:
    Type: AWS::EC2::Instance
    Properties: {LaunchTemplate: {LaunchTemplateId: !Ref Template, Version: "1"}}
  Bare:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-1}
"""


def test_profile_passes_and_none_fails(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["IAM-04"]).result

    assert status(result, "IAM-04", "WithProfile") is Status.PASS
    assert status(result, "IAM-04", "ViaTemplate") is Status.PASS
    assert status(result, "IAM-04", "Bare") is Status.FAIL
