"""EC2-01 in IaC: metadata options from the instance or its launch template; unset -> UNKNOWN unless
the account defaults are given."""

from pathlib import Path

from iac_support import finding, scan_text, status

from ringfence.model import MetadataOptions, Status

TEMPLATE = """
Resources:
  Hardened:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateName: hardened
      LaunchTemplateData:
        MetadataOptions: {HttpTokens: required, HttpPutResponseHopLimit: 2, HttpEndpoint: enabled}
  FromTemplate:
    Type: AWS::EC2::Instance
    Properties:
      LaunchTemplate: {LaunchTemplateId: !Ref Hardened, Version: !GetAtt Hardened.LatestVersionNumber}
  Optional:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      MetadataOptions: {HttpTokens: optional}
  Unset:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-12345678}
"""


def test_required_tokens_pass_and_optional_fail(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["EC2-01"]).result

    assert status(result, "EC2-01", "Hardened") is Status.PASS
    assert status(result, "EC2-01", "FromTemplate") is Status.PASS
    assert status(result, "EC2-01", "Optional") is Status.FAIL


def test_unset_options_depend_on_the_account_defaults(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["EC2-01"]).result
    unset = finding(result, "EC2-01", "Unset")
    assert unset.status is Status.UNKNOWN
    assert "account IMDS defaults" in unset.message

    defaults = MetadataOptions(http_tokens="required", http_put_response_hop_limit=2)
    known = scan_text(tmp_path, TEMPLATE, controls=["EC2-01"], account_imds_defaults=defaults).result
    assert status(known, "EC2-01", "Unset") is Status.PASS
