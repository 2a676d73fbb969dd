"""`ringfence reach`: parsing, output, exit codes (the stored scan is injected, not read from a store)."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest
from test_reach_traps import three_tier

from ringfence.model import ScanInfo, ScanResult
from ringfence.model.findings import CoverageGap
from ringfence.network import add_reach_parser, run_reach_command


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ringfence")
    sub = parser.add_subparsers(dest="command")
    add_reach_parser(sub)
    return parser.parse_args(["reach", *argv])


def scan(*, complete: bool = True) -> ScanResult:
    gaps = (
        ()
        if complete
        else (CoverageGap("111111111111", "eu-west-1", "ec2", "DescribeRouteTables", "AccessDenied", "no"),)
    )
    info = ScanInfo(
        id="scan-1",
        started="2026-01-01T00:00:00Z",
        finished="2026-01-01T00:01:00Z",
        source="live",
        coverage_gaps=gaps,
    )
    return ScanResult(info, (), three_tier().inventory())


def run(*argv: str, complete: bool = True) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    seen: list[tuple[str | None, str | None]] = []

    def loader(url: str | None, scan_id: str | None) -> ScanResult:
        seen.append((url, scan_id))
        return scan(complete=complete)

    code = run_reach_command(parse(*argv), load_scan=loader, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_a_reachable_query_prints_the_path_and_exits_0() -> None:
    code, out, err = run("--from", "eni-db", "--to", "internet", "--port", "443")
    assert code == 0, err
    assert out.startswith("from eni-db to internet, tcp 443: REACHABLE")
    assert "nat_gateway nat-a" in out
    assert "reply: " in out


def test_an_unreachable_query_names_the_blocking_hop_and_still_exits_0() -> None:
    code, out, _ = run("--from", "eni-web", "--to", "eni-db", "--port", "5432")
    assert code == 0
    assert "UNREACHABLE" in out
    assert "blocked at: security_group sg-db ingress: no rule allows" in out


def test_json_follows_the_contract() -> None:
    code, out, _ = run("--from", "eni-app", "--to", "eni-db", "--port", "5432", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert set(document) >= {"query", "reachable", "paths", "blocked_at"}
    assert document["reachable"] is True
    assert document["blocked_at"] is None
    hop = document["paths"][0][0]
    assert set(hop) >= {"resource_id", "kind", "direction", "rule"}
    blocked = json.loads(run("--from", "eni-web", "--to", "eni-db", "--port", "5432", "--format", "json")[1])
    assert blocked["reachable"] is False
    assert blocked["blocked_at"]["resource_id"] == "sg-db"


def test_bad_input_exits_2_with_one_sentence() -> None:
    for argv, message in (
        (("--from", "eni-nothere", "--to", "internet"), "eni-nothere is not in the scan"),
        (("--from", "eni-db", "--to", "internet", "--port", "99999"), "--port"),
        (("--from", "eni-db", "--to", "internet", "--protocol", "-1", "--port", "22"), "does not apply"),
        (("--to", "internet"), "--to and --port need --from"),
        ((), "give --from"),
        (("--from", "internet", "--to", "203.0.113.0/24"), "one side of a query must be inside the estate"),
    ):
        code, out, err = run(*argv)
        assert code == 2, argv
        assert err.startswith("ringfence: error: ") and message in err, (argv, err)  # noqa: PT018
        assert err.count("\n") == 1
        assert out == ""


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "intents.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_violated_intent_exits_1(tmp_path: Path) -> None:
    path = write(tmp_path, "intents:\n  - {name: no admin, kind: no_internet_ingress}\n")
    code, out, _ = run("--intents", path)
    assert code == 1
    assert "FAIL" in out and "eni-web" in out  # noqa: PT018


def test_intents_that_hold_exit_0_and_3_when_the_scan_is_incomplete(tmp_path: Path) -> None:
    path = write(tmp_path, "intents:\n  - {name: no rdp, kind: no_internet_ingress, ports: 3389}\n")
    assert run("--intents", path)[0] == 0
    assert run("--intents", path, complete=False)[0] == 3


def test_intents_as_json(tmp_path: Path) -> None:
    path = write(tmp_path, "intents:\n  - {name: no admin, kind: no_internet_ingress}\n")
    code, out, _ = run("--intents", path, "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["intents"][0]["resource_id"] == "no admin"
    assert any(f["status"] == "FAIL" and f["resource_id"].endswith("eni-web") for f in document["findings"])


def test_a_bad_intents_file_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path, "intents:\n  - {name: x, kind: nonsense}\n")
    code, _, err = run("--intents", path)
    assert code == 2
    assert "intent 'x' has the unknown kind 'nonsense'" in err


def test_from_internet_without_to_lists_every_exposed_eni() -> None:
    code, out, _ = run("--from", "internet")
    assert code == 0
    assert "internet -> eni-web: reachable" in out
    assert "ports 22,443" in out


@pytest.mark.parametrize("flag", ["--scan-id", "--db"])
def test_store_options_reach_the_loader(flag: str) -> None:
    args = parse("--from", "eni-db", "--to", "internet", flag, "value")
    assert getattr(args, flag.lstrip("-").replace("-", "_")) == "value"
