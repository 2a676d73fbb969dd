"""ENC-02 in IaC: volumes, and instances' and launch templates' EBS block device mappings."""

from pathlib import Path

from iac_support import finding, scan_text, status

from ringfence.model import Status

TEMPLATE = """
Parameters:
  Encrypt:
    Type: String
    Default: "true"
    AllowedValues: ["true", "false"]
  Unknowable:
    Type: String
Conditions:
  WantEncryption: !Equals [!Ref Encrypt, "true"]
Resources:
  GoodVolume:
    Type: AWS::EC2::Volume
    Properties: {AvailabilityZone: eu-west-1a, Size: 10, Encrypted: !If [WantEncryption, true, false]}
  BadVolume:
    Type: AWS::EC2::Volume
    Properties: {AvailabilityZone: eu-west-1a, Size: 10}
  FromSnapshot:
    Type: AWS::EC2::Volume
    Properties: {AvailabilityZone: eu-west-1a, SnapshotId: snap-0123456789abcdef0}
  ParamVolume:
    Type: AWS::EC2::Volume
    Properties: {AvailabilityZone: eu-west-1a, Size: 1, Encrypted: !Ref Unknowable}
  GoodTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        BlockDeviceMappings:
          - {DeviceName: /dev/xvda, Ebs: {VolumeSize: 20, Encrypted: true}}
  BadInstance:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      BlockDeviceMappings:
        - {DeviceName: /dev/sdb, Ebs: {VolumeSize: 100}}
        - {DeviceName: /dev/sdc, VirtualName: ephemeral0}
  BareInstance:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-12345678}
"""


def test_volumes_and_mappings_pass_or_fail_on_encrypted(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["ENC-02"]).result

    assert status(result, "ENC-02", "GoodVolume") is Status.PASS
    bad = finding(result, "ENC-02", "BadVolume")
    assert bad.status is Status.FAIL
    assert "does not set Encrypted" in bad.message
    assert bad.location is not None
    assert bad.location.line == 14
    assert bad.resource_type == "AWS::EC2::Volume"
    assert status(result, "ENC-02", "GoodTemplate") is Status.PASS
    instance = finding(result, "ENC-02", "BadInstance")
    assert instance.status is Status.FAIL
    assert "/dev/sdb" in instance.message
    assert status(result, "ENC-02", "BareInstance") is Status.NOT_APPLICABLE


def test_snapshot_and_parameter_without_default_are_unknown(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["ENC-02"]).result

    assert "snapshot" in finding(result, "ENC-02", "FromSnapshot").message
    assert status(result, "ENC-02", "FromSnapshot") is Status.UNKNOWN
    param = finding(result, "ENC-02", "ParamVolume")
    assert param.status is Status.UNKNOWN
    assert "parameter Unknowable has no Default" in param.message


def test_a_given_parameter_value_decides(tmp_path: Path) -> None:
    result = scan_text(
        tmp_path, TEMPLATE, controls=["ENC-02"], parameters={"Encrypt": "false", "Unknowable": "true"}
    ).result

    assert status(result, "ENC-02", "GoodVolume") is Status.FAIL
    assert status(result, "ENC-02", "ParamVolume") is Status.PASS
