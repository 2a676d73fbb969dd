"""`ringfence iac`: exit codes, parameters, output files, the pre-commit hook, and no AWS SDK."""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from iac_support import FIXTURES, write

from ringfence.sources.iac.command import add_iac_parser, run_iac_command

ROOT = Path(__file__).resolve().parents[2]
CLEAN = "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties: {EnableKeyRotation: true}\n"
MEDIUM = "Resources:\n  Key:\n    Type: AWS::KMS::Key\n"  # ENC-08 fails: medium
OPEN = """
Parameters:
  Cidr: {Type: String}
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh
      SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}]
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref Cidr}]
"""


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="ringfence")
    add_iac_parser(parser.add_subparsers(dest="command"))
    return run_iac_command(parser.parse_args(["iac", "--quiet", *argv]))


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = write(tmp_path, CLEAN, "clean.yaml")
    medium = write(tmp_path, MEDIUM, "medium.yaml")
    broken = write(tmp_path, "Resources:\n  A: [\n", "broken.yaml")
    assert run(str(clean)) == 0
    assert run(str(medium)) == 0  # nothing at or above high
    assert run(str(medium), "--fail-on", "medium") == 1
    assert run(str(clean), str(broken)) == 3  # incomplete, nothing failing
    assert run(str(medium), str(broken), "--fail-on", "low") == 1  # failing wins over incomplete
    assert run(str(tmp_path / "missing.yaml")) == 2
    assert run(str(clean), "--controls", "NOPE-99") == 2
    assert "unknown control id" in capsys.readouterr().err


def test_unknown_counts_only_when_asked_and_parameters_decide(tmp_path: Path) -> None:
    template = write(tmp_path, OPEN, "open.yaml")
    assert run(str(template)) == 0  # NET-01 UNKNOWN: Cidr has no value
    assert run(str(template), "--fail-on-unknown") == 1
    assert run(str(template), "--parameter", "Cidr=0.0.0.0/0") == 1
    for document in (
        [{"ParameterKey": "Cidr", "ParameterValue": "0.0.0.0/0"}],
        {"Parameters": {"Cidr": "0.0.0.0/0"}},
        {"Cidr": "0.0.0.0/0"},
    ):
        params = tmp_path / "params.json"
        params.write_text(json.dumps(document))
        assert run(str(template), "--parameters", str(params)) == 1
    assert run(str(template), "--parameters", str(params), "--parameter", "Cidr=10.0.0.0/8") == 0
    params.write_text("[1, 2]")
    assert run(str(template), "--parameters", str(params)) == 2


def test_output_format_follows_the_extension(tmp_path: Path) -> None:
    template = write(tmp_path, MEDIUM, "t.yaml")
    for name, check in (
        ("report.sarif", lambda text: json.loads(text)["version"] == "2.1.0"),
        ("report.xml", lambda text: text.startswith('<?xml version="1.0" encoding="UTF-8"?>')),
        ("report.json", lambda text: json.loads(text)["scan"]["source"] == "iac"),
        ("report.csv", lambda text: text.startswith("control_id,")),
    ):
        out = tmp_path / name
        assert run(str(template), "--output", str(out)) == 0
        assert check(out.read_text())


def test_account_imds_defaults_are_validated(tmp_path: Path) -> None:
    template = write(
        tmp_path, "Resources:\n  I:\n    Type: AWS::EC2::Instance\n    Properties: {ImageId: ami-1}\n"
    )
    assert run(str(template), "--account-imds-defaults", "HttpTokens=required,HttpPutResponseHopLimit=2") == 0
    assert run(str(template), "--account-imds-defaults", "HttpTokens=sometimes") == 2


def test_the_iac_path_imports_no_aws_sdk(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from ringfence.sources.iac.command import main\n"
        f"main([{str(FIXTURES)!r}, '--format', 'sarif', '--output', {str(tmp_path / 'o.sarif')!r}, '--quiet'])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'boto3', 'botocore', 'moto', 'rich', 'sqlalchemy'})\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == ""


def test_pre_commit_hook_runs_ringfence_iac() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "ringfence-iac")
    assert hook["entry"] == "ringfence iac"
    assert hook["language"] == "python"
    assert {"json", "yaml"} <= set(hook["types_or"])


def test_ringfence_toml_parameters_and_suppressions_apply(tmp_path: Path) -> None:
    template = write(tmp_path, MEDIUM, "t.yaml")
    report = tmp_path / "r.json"
    config = tmp_path / "ringfence.toml"
    config.write_text(
        '[[suppressions]]\ncontrol = "ENC-08"\nresource = "Key"\nreason = "rotated by hand"\n'
        'owner = "platform@example.com"\nexpires = 2999-01-01\n'
    )
    assert run(str(template), "--config", str(config), "--fail-on", "medium", "-o", str(report)) == 0
    statuses = {f["control_id"]: f["status"] for f in json.loads(report.read_text())["findings"]}
    assert statuses["ENC-08"] == "SUPPRESSED"
    config.write_text("[params.NET-01]\nadmin_ports = [22]\nunknown = 1\n")
    assert run(str(template), "--config", str(config)) == 2
