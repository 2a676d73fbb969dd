"""ENC-03 in IaC: data stores use customer-managed keys declared in the files."""

from pathlib import Path

from iac_support import finding, scan_text, status

from ringfence.model import Status

TEMPLATE = """
Parameters:
  ExternalKey: {Type: String, Default: "arn:aws:kms:eu-west-1:111122223333:key/abcd"}
Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties: {EnableKeyRotation: true}
  DataKeyAlias:
    Type: AWS::KMS::Alias
    Properties: {AliasName: alias/data, TargetKeyId: !Ref DataKey}
  CmkBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: aws:kms, KMSMasterKeyID: !GetAtt DataKey.Arn}
  AwsKeyBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: aws:kms}
  AliasFileSystem:
    Type: AWS::EFS::FileSystem
    Properties: {Encrypted: true, KmsKeyId: !Ref DataKeyAlias}
  DefaultKeyDatabase:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, DBInstanceClass: db.t3.micro, StorageEncrypted: true}
  DefaultKeyVolume:
    Type: AWS::EC2::Volume
    Properties: {AvailabilityZone: eu-west-1a, Size: 1, Encrypted: true}
  ExternalKeyVolume:
    Type: AWS::EC2::Volume
    Properties: {AvailabilityZone: eu-west-1a, Size: 1, Encrypted: true, KmsKeyId: !Ref ExternalKey}
  PlainVolume:
    Type: AWS::EC2::Volume
    Properties: {AvailabilityZone: eu-west-1a, Size: 1}
"""


def test_customer_managed_keys_pass_and_aws_managed_fail(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["ENC-03"]).result

    assert status(result, "ENC-03", "CmkBucket") is Status.PASS
    assert status(result, "ENC-03", "AliasFileSystem") is Status.PASS
    assert status(result, "ENC-03", "AwsKeyBucket") is Status.FAIL
    database = finding(result, "ENC-03", "DefaultKeyDatabase")
    assert database.status is Status.FAIL
    assert "aws/rds" in database.message
    assert status(result, "ENC-03", "PlainVolume") is Status.NOT_APPLICABLE


def test_keys_the_files_cannot_tell_are_unknown(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["ENC-03"]).result

    default_key = finding(result, "ENC-03", "DefaultKeyVolume")
    assert default_key.status is Status.UNKNOWN
    assert "default EBS key" in default_key.message
    external = finding(result, "ENC-03", "ExternalKeyVolume")
    assert external.status is Status.UNKNOWN
    assert "not declared in these files" in external.message
