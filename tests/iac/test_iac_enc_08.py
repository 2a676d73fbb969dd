"""ENC-08 in IaC: customer-managed symmetric keys rotate (CloudFormation's default is off)."""

from pathlib import Path

from iac_support import scan_text, status

from ringfence.model import Status

TEMPLATE = """
Resources:
  Rotating:
    Type: AWS::KMS::Key
    Properties: {EnableKeyRotation: true}
  Static:
    Type: AWS::KMS::Key
    Properties: {Description: no rotation}
  Signing:
    Type: AWS::KMS::Key
    Properties: {KeySpec: ECC_NIST_P256, KeyUsage: SIGN_VERIFY}
"""


def test_rotation_on_passes_and_default_fails(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["ENC-08"]).result

    assert status(result, "ENC-08", "Rotating") is Status.PASS
    assert status(result, "ENC-08", "Static") is Status.FAIL
    assert status(result, "ENC-08", "Signing") is Status.NOT_APPLICABLE
