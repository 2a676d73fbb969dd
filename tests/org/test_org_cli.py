"""`ringfence scan --org` on the command line: options, exit codes, Ctrl-C and --resume."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from org_support import ROLE, build_small_org, ec2_only

from ringfence.cli import main
from ringfence.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY
from ringfence.store import ScanStore

from support import REGION, Aws


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for var in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "RINGFENCE_DB",
        "RINGFENCE_ENDPOINT_URL",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DEMO_ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DEMO_SECRET_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _db(path: Path) -> str:
    return f"sqlite:///{path / 'history.db'}"


def _args(aws: Aws, tmp: Path, *extra: str) -> list[str]:
    return [
        "scan",
        "--org",
        "--role-name",
        ROLE,
        "--endpoint-url",
        aws.endpoint_url,
        "--regions",
        REGION,
        "--controls",
        "ENC-02",
        "--skip-services",
        ",".join(ec2_only()),
        "--db",
        _db(tmp),
        *extra,
    ]


def test_org_scan_reports_every_account(aws: Aws, env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    org = build_small_org(aws.endpoint_url)
    code = main(_args(aws, env, "--format", "json"))
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert code == 1
    assert {f["account"] for f in report["findings"] if f["status"] == "FAIL"} == set(org.accounts)
    assert "skipped by request" in captured.err
    assert main(["history", "--db", _db(env), "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["scans"]) == 1


def test_org_options_need_org(aws: Aws, env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["scan", "--endpoint-url", aws.endpoint_url, "--accounts", "111122223333", "--no-store"])
    assert code == 2
    assert "--accounts need --org" in capsys.readouterr().err


def test_unknown_service_to_skip_is_a_usage_error(
    aws: Aws, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "scan",
            "--endpoint-url",
            aws.endpoint_url,
            "--regions",
            REGION,
            "--skip-services",
            "nope",
            "--no-store",
        ]
    )
    assert code == 2
    assert "unknown service(s) to skip: nope" in capsys.readouterr().err


def test_org_without_an_organisation_is_a_usage_error(
    aws: Aws, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["scan", "--org", "--endpoint-url", aws.endpoint_url, "--regions", REGION, "--no-store"])
    assert code == 2
    assert "not in an AWS organisation" in capsys.readouterr().err


def test_ctrl_c_keeps_finished_accounts_and_resume_completes(
    aws: Aws, env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    org = build_small_org(aws.endpoint_url)
    real = ScanStore.account_done

    def interrupted(self: ScanStore, scan_id: str, account: str, collected: Any) -> None:
        real(self, scan_id, account, collected)
        raise KeyboardInterrupt

    monkeypatch.setattr(ScanStore, "account_done", interrupted)
    assert main(_args(aws, env, "--max-workers", "1", "--format", "json")) == 130
    err = capsys.readouterr().err
    match = re.search(r"--resume ([0-9a-f]{12})", err)
    assert match, err
    assert "1 finished account(s) are kept" in err
    assert main(["history", "--db", _db(env), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["scans"] == []  # not a complete scan

    monkeypatch.setattr(ScanStore, "account_done", real)
    assert main(_args(aws, env, "--resume", match.group(1), "--format", "json")) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["scan"]["id"].startswith(match.group(1))
    assert {f["account"] for f in report["findings"] if f["status"] == "FAIL"} == set(org.accounts)
    assert main(["history", "--db", _db(env), "--format", "json"]) == 0
    assert [s["id"] for s in json.loads(capsys.readouterr().out)["scans"]] == [report["scan"]["id"]]
    assert main(_args(aws, env, "--resume", match.group(1))) == 2  # a complete scan is not resumed
