"""S3-02 in IaC: bucket-level Block Public Access (S3's default for new buckets when undeclared),
public ACLs, and bucket policies declared apart from their buckets."""

from pathlib import Path

from iac_support import finding, scan_text, status

from ringfence.model import Status

TEMPLATE = """
Parameters:
  ReaderAccount: {Type: String}
Resources:
  Locked:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration: {BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
  Undeclared:
    Type: AWS::S3::Bucket
  HalfOpen:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration: {BlockPublicAcls: true}
  Website:
    Type: AWS::S3::Bucket
    Properties: {AccessControl: PublicRead, BucketName: !Sub "${AWS::StackName}-site"}
  WebsitePolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Sub "${AWS::StackName}-site"
      PolicyDocument:
        Statement:
          - {Effect: Allow, Principal: "*", Action: s3:GetObject, Resource: !Sub "arn:${AWS::Partition}:s3:::${Website}/*"}
  Endpoint:
    Type: AWS::S3::Bucket
  EndpointPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Endpoint
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: s3:GetObject
            Resource: !Sub "${Endpoint.Arn}/*"
            Condition: {StringEquals: {"aws:SourceVpce": vpce-0123}}
  Shared:
    Type: AWS::S3::Bucket
  SharedPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Shared
      PolicyDocument:
        Statement: [{Effect: Allow, Principal: {AWS: !Ref ReaderAccount}, Action: s3:GetObject, Resource: "*"}]
"""


def test_blocked_buckets_pass_and_open_ones_fail(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["S3-02"]).result

    assert status(result, "S3-02", "Locked") is Status.PASS
    undeclared = finding(result, "S3-02", "Undeclared")
    assert undeclared.status is Status.PASS
    assert "April 2023" in undeclared.message
    assert status(result, "S3-02", "Endpoint") is Status.PASS
    half = finding(result, "S3-02", "HalfOpen")
    assert half.status is Status.FAIL
    assert "IgnorePublicAcls" in half.message
    website = finding(result, "S3-02", "Website")
    assert website.status is Status.FAIL
    assert "READ to AllUsers" in website.message
    assert "allow Principal '*'" in website.message


def test_a_principal_from_a_parameter_with_no_default_is_unknown(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["S3-02"]).result

    shared = finding(result, "S3-02", "Shared")
    assert shared.status is Status.UNKNOWN
    assert "ReaderAccount" in shared.message
