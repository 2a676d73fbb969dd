"""ringfence.toml: parameters, conventions and suppressions, and every way a file can be wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ringfence.checks.suppressions import Suppression, apply_suppressions
from ringfence.config import ConfigError, load_settings
from ringfence.model import Finding, Severity, Status

GOOD = """
[params.NET-07]
approved_egress = ["203.0.113.0/24", "pl-0a1b2c3d"]

[params.NET-03]
udp_exceptions = [{ port = 123, cidr = "169.254.169.123/32" }]

[params.NET-01]
admin_ports = [22, 3389, 5985]

[tiers]
tag_keys = ["Layer"]
words = { edge = "public", vault = "data" }
use_name_tag = false

[environments]
production_values = ["prd"]

[[suppressions]]
control = "NET-01"
resource = "arn:aws:ec2:*:*:security-group/sg-0bastion*"
reason = "break-glass bastion, SEC-123"
owner = "platform@example.com"
expires = 2030-03-31
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ringfence.toml"
    path.write_text(text)
    return path


def test_a_full_file_is_read(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, GOOD))
    assert settings.params["NET-07"]["approved_egress"] == ["203.0.113.0/24", "pl-0a1b2c3d"]
    assert settings.params["NET-03"]["udp_exceptions"] == [{"port": 123, "cidr": "169.254.169.123/32"}]
    assert settings.params["NET-01"]["admin_ports"] == [22, 3389, 5985]
    assert settings.tiers.tag_keys == ("Layer",)
    assert settings.tiers.words == {"edge": "public", "vault": "data"}
    assert settings.environments.production_values == ("prd",)
    assert settings.suppressions[0].expires == dt.date(2030, 3, 31)


def test_the_working_directory_file_is_found_and_absence_means_defaults(tmp_path: Path) -> None:
    assert load_settings(cwd=tmp_path).params == {}
    _write(tmp_path, GOOD)
    assert "NET-07" in load_settings(cwd=tmp_path).params


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[params.NET-07]\napproved_egres = []\n", "unknown key 'params.NET-07.approved_egres'"),
        ("[params.NOPE-01]\nx = 1\n", "unknown control 'params.NOPE-01'"),
        ("[params.NET-01]\nadmin_ports = 22\n", "'params.NET-01.admin_ports' must be a list"),
        ("[params.NET-01]\nadmin_ports = ['ssh']\n", "'params.NET-01.admin_ports[0]' must be a port number"),
        ("[params.TLS-10]\nwarn_days = 'soon'\n", "'params.TLS-10.warn_days' must be a whole number"),
        ("[params.ENC-05]\nx = 1\n", "control ENC-05 takes no parameters"),
        ("[colours]\nred = 1\n", "unknown key 'colours'"),
        ("[tiers]\nwords = { web = 'frontend' }\n", "'tiers.words.web' must be one of public, private, data"),
        ("[[suppressions]]\ncontrol = 'NET-01'\n", "needs 'resource'"),
        (
            "[[suppressions]]\ncontrol='NET-01'\nresource='*'\nreason='r'\nowner='o'\nexpires='tomorrow'\n",
            "'suppressions[0].expires' must be a date",
        ),
        ("this is = not toml =", "is not valid TOML"),
    ],
)
def test_bad_files_name_the_key_and_what_was_expected(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=None) as err:
        load_settings(_write(tmp_path, text))
    assert message in str(err.value)


def test_a_missing_named_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "absent.toml")


def _finding(resource_id: str, status: Status = Status.FAIL) -> Finding:
    return Finding.make(
        control_id="NET-01",
        status=status,
        severity=Severity.CRITICAL,
        resource_id=resource_id,
        resource_type="AWS::EC2::SecurityGroup",
        account="111122223333",
        region="eu-west-1",
        message="ingress tcp/22 from 0.0.0.0/0",
    )


def _rule(expires: dt.date) -> Suppression:
    return Suppression(
        control="NET-01",
        resource="arn:aws:ec2:*:*:security-group/sg-0bastion*",
        reason="break-glass bastion",
        owner="platform@example.com",
        expires=expires,
    )


def test_a_live_suppression_mutes_a_fail_but_keeps_it_visible() -> None:
    bastion = "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0bastion1"
    other = "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0web"
    out = apply_suppressions(
        [_finding(bastion), _finding(other), _finding(bastion, Status.PASS)],
        [_rule(dt.date(2030, 1, 1))],
        today=dt.date(2026, 11, 22),
    )
    assert [f.status for f in out] == [Status.SUPPRESSED, Status.FAIL, Status.PASS]
    assert "break-glass bastion" in out[0].message
    assert "platform@example.com" in out[0].message
    assert out[0].fingerprint == _finding(bastion).fingerprint


def test_an_expired_suppression_turns_back_into_a_failure_and_says_so() -> None:
    bastion = "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0bastion1"
    out = apply_suppressions([_finding(bastion)], [_rule(dt.date(2026, 1, 1))], today=dt.date(2026, 11, 22))
    assert out[0].status is Status.FAIL
    assert "suppression expired 2026-01-01" in out[0].message
