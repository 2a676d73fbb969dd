"""LOG-01 in IaC: each trail is multi-region, logging, validated and KMS-encrypted; no account finding."""

from pathlib import Path

from iac_support import finding, ids, scan_text, status

from ringfence.model import Status

TEMPLATE = """
Resources:
  TrailKey:
    Type: AWS::KMS::Key
    Properties: {EnableKeyRotation: true}
  Complete:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      IsMultiRegionTrail: true
      EnableLogFileValidation: true
      KMSKeyId: !Ref TrailKey
      S3BucketName: audit-logs
  Regional:
    Type: AWS::CloudTrail::Trail
    Properties: {IsLogging: true, S3BucketName: audit-logs}
"""


def test_complete_trail_passes_and_defaults_fail(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["LOG-01"]).result

    assert status(result, "LOG-01", "Complete") is Status.PASS
    regional = finding(result, "LOG-01", "Regional")
    assert regional.status is Status.FAIL
    for missing in ("not multi-region", "log file validation off", "not encrypted with KMS"):
        assert missing in regional.message
    assert ids(result, "LOG-01") == {"Complete", "Regional"}  # no account finding
