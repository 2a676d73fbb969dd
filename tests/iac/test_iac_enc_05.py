"""ENC-05 in IaC: EFS file systems are encrypted (the default is not)."""

from pathlib import Path

from iac_support import scan_text, status

from ringfence.model import Status

TEMPLATE = """
{
  "Resources": {
    "Encrypted": {"Type": "AWS::EFS::FileSystem", "Properties": {"Encrypted": "true"}},
    "Plain": {"Type": "AWS::EFS::FileSystem", "Properties": {"PerformanceMode": "generalPurpose"}}
  }
}
"""


def test_encrypted_file_system_passes_and_default_fails(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, name="efs.json", controls=["ENC-05"]).result

    assert status(result, "ENC-05", "Encrypted") is Status.PASS
    assert status(result, "ENC-05", "Plain") is Status.FAIL
