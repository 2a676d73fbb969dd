"""The command line over a real moto server: output, storage, exit codes and every bad input."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from ringfence.cli import main
from ringfence.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY

from support import REGION, Aws


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Credentials for the emulator only, and nothing from the user's own AWS configuration."""
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


def _not_failing(report: dict[str, object]) -> int:
    """The exit code of a scan with nothing failing the gate: 0 if complete, 3 if coverage gaps
    (the emulator leaves a few APIs unimplemented, which a real scan would also report)."""
    scan = report["scan"]
    assert isinstance(scan, dict)
    return 3 if scan["coverage_gaps"] else 0


def _scan_args(aws: Aws, tmp: Path, *extra: str) -> list[str]:
    return ["scan", "--endpoint-url", aws.endpoint_url, "--regions", REGION, "--db", _db(tmp), *extra]


def test_scan_writes_json_stores_and_gates(aws: Aws, env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    aws.client("ec2").create_volume(Size=1, AvailabilityZone=f"{REGION}a", Encrypted=False)
    code = main(_scan_args(aws, env, "--format", "json", "--controls", "ENC-02"))
    out = capsys.readouterr().out
    report = json.loads(out)
    assert code == 1  # an unencrypted volume is a high-severity failure
    assert [f["status"] for f in report["findings"]] == ["FAIL"]
    assert main(["history", "--db", _db(env), "--format", "json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in history["scans"]] == [report["scan"]["id"]]


def test_fail_on_threshold_above_the_failure_does_not_fail(
    aws: Aws, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.client("ec2").create_volume(Size=1, AvailabilityZone=f"{REGION}a", Encrypted=False)
    code = main(
        _scan_args(
            aws, env, "--controls", "ENC-02", "--fail-on", "critical", "--no-store", "--format", "json"
        )
    )
    report = json.loads(capsys.readouterr().out)
    assert [f["status"] for f in report["findings"]] == ["FAIL"]
    assert code == _not_failing(report)


def test_output_file_takes_format_from_extension(aws: Aws, env: Path) -> None:
    code = main(_scan_args(aws, env, "--controls", "ENC-02", "--output", "report.html", "--no-store"))
    assert code in (0, 3)  # nothing fails; 3 when the emulator left coverage gaps
    assert (env / "report.html").read_text().lstrip().lower().startswith("<!doctype html")


def test_no_credentials_is_a_usage_error(
    aws: Aws, env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert main(_scan_args(aws, env)) == 2
    err = capsys.readouterr().err
    assert "no AWS credentials" in err
    assert "Traceback" not in err


def test_unreachable_endpoint_is_a_usage_error(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["scan", "--endpoint-url", "http://127.0.0.1:9", "--regions", REGION, "--no-store"])
    assert code == 2
    assert "cannot reach AWS" in capsys.readouterr().err


def test_unknown_region_is_a_usage_error(aws: Aws, env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["scan", "--endpoint-url", aws.endpoint_url, "--regions", "mars-north-1", "--no-store"])
    assert code == 2
    assert "unknown region(s): mars-north-1" in capsys.readouterr().err


def test_invalid_format_is_a_usage_error(aws: Aws, env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(_scan_args(aws, env, "--format", "pdf"))
    assert exit_info.value.code == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err


def test_unwritable_output_is_refused_before_scanning(
    aws: Aws, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(_scan_args(aws, env, "--output", str(env / "missing-dir" / "r.json")))
    assert code == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (env / "history.db").exists() or main(["history", "--db", _db(env)]) == 0


def test_corrupt_database_is_a_usage_error(aws: Aws, env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (env / "history.db").write_bytes(b"this is not a database" * 100)
    assert main(_scan_args(aws, env)) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip()


def test_locked_database_is_a_usage_error(aws: Aws, env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--db", _db(env)]) == 0  # creates the schema
    holder = sqlite3.connect(env / "history.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code = main(_scan_args(aws, env, "--controls", "ENC-02"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2
    assert "locked" in capsys.readouterr().err


def test_interrupted_scan_stores_nothing(
    aws: Aws, env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ringfence.scanner

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ringfence.scanner, "evaluate", interrupted)
    assert main(_scan_args(aws, env)) == 130
    assert "nothing was stored" in capsys.readouterr().err
    assert main(["history", "--db", _db(env), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["scans"] == []


def test_unknown_control_is_a_usage_error(aws: Aws, env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_scan_args(aws, env, "--controls", "NOPE-99", "--no-store")) == 2
    assert "unknown control id(s): NOPE-99" in capsys.readouterr().err


def test_controls_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["controls", "--format", "json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)["controls"]}
    assert "live" in rows["ENC-02"]["implemented"]
    assert rows["TLS-08"]["implemented"] == []  # a probe control, not built yet
    assert main(["controls"]) == 0
    assert "ENC-01" in capsys.readouterr().out


def test_config_suppression_mutes_the_gate_and_stays_visible(
    aws: Aws, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    volume = aws.client("ec2").create_volume(Size=1, AvailabilityZone=f"{REGION}a", Encrypted=False)[
        "VolumeId"
    ]
    (env / "ringfence.toml").write_text(
        "[[suppressions]]\n"
        'control = "ENC-02"\n'
        f'resource = "*:volume/{volume}"\n'
        'reason = "scratch volume, deleted at sprint end"\n'
        'owner = "data-team"\n'
        "expires = 2099-01-01\n"
    )
    code = main(_scan_args(aws, env, "--controls", "ENC-02", "--format", "json", "--no-store"))
    report = json.loads(capsys.readouterr().out)
    finding = report["findings"][0]
    assert code == _not_failing(report)
    assert finding["status"] == "SUPPRESSED"
    assert "scratch volume" in finding["message"]


def test_bad_config_is_a_usage_error(aws: Aws, env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (env / "bad.toml").write_text("[params.NET-01]\nadmin_ports = 'all'\n")
    assert main(_scan_args(aws, env, "--config", str(env / "bad.toml"))) == 2
    assert "'params.NET-01.admin_ports' must be a list" in capsys.readouterr().err


def test_min_severity_drops_lower_findings(aws: Aws, env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    aws.client("ec2").create_volume(Size=1, AvailabilityZone=f"{REGION}a", Encrypted=False)
    code = main(
        _scan_args(aws, env, "--controls", "ENC-02", "--min-severity", "critical", "--format", "json")
    )
    report = json.loads(capsys.readouterr().out)
    assert report["findings"] == []
    assert code == _not_failing(report)
