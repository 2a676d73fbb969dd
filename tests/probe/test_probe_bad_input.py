"""Bad endpoints are per-endpoint results and the run goes on; bad arguments are one sentence and
exit code 2, never a traceback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from probe_harness import Pki, Run
from probe_servers import (
    RawServer,
    TlsServer,
    free_port,
    garbage,
    plain_http,
    server_context,
    stall,
    stall_mid_record,
)


def _unknown_everywhere(result: Run, target: str) -> None:
    for control in ("TLS-08", "CERT-03", "CERT-04"):
        assert result.status(control, target) == "UNKNOWN", control


@pytest.mark.parametrize(
    ("behaviour", "expected"),
    [
        (stall, "no answer to the ClientHello"),
        (stall_mid_record, "stalled after 11 bytes"),
        (garbage, "not TLS"),
        (plain_http, "plain HTTP"),
    ],
)
def test_an_endpoint_that_cannot_be_probed_gets_errors_and_no_verdict(
    behaviour: Callable[[socket.socket, threading.Event], None], expected: str, run_probe: Callable[..., Run]
) -> None:
    with RawServer(behaviour) as server:
        started = time.monotonic()
        result = run_probe(
            f"localhost:{server.port}", "--policy", "ELBSecurityPolicy-TLS13-1-2-2021-06", timeout=1
        )
        elapsed = time.monotonic() - started
    target = f"localhost:{server.port}"
    endpoint = result.endpoint()
    assert endpoint["probed"] is False
    assert endpoint["accepted"] == []
    assert any(expected in e for e in endpoint["errors"]), endpoint["errors"]
    _unknown_everywhere(result, target)
    assert expected in result.finding("TLS-08")["message"]
    assert result.code == 3
    assert server.connections == 1  # the preflight stopped it: no timeout per cipher suite
    assert elapsed < 3


def test_an_unreachable_port_is_a_per_endpoint_error(run_probe: Callable[..., Run]) -> None:
    port = free_port()
    result = run_probe(f"127.0.0.1:{port}")
    assert "connection refused" in result.endpoint()["errors"][0]
    assert result.code == 3


def test_the_run_goes_on_past_bad_endpoints(pki: Pki, run_probe: Callable[..., Run]) -> None:
    with (
        RawServer(stall) as stalled,
        RawServer(garbage) as noise,
        TlsServer(server_context(*pki.rsa)) as good,
    ):
        result = run_probe(
            f"localhost:{stalled.port}",
            f"localhost:{noise.port}",
            f"localhost:{good.port}",
            "--trust-bundle",
            str(pki.root_pem),
            timeout=1,
        )
    probed = [e["probed"] for e in result.doc["endpoints"]]
    assert probed == [False, False, True]
    assert result.status("CERT-04", f"localhost:{good.port}") == "PASS"
    assert result.code == 3  # nothing failing, but incomplete


def test_a_failure_outranks_incompleteness(pki: Pki, tmp_path: Path, run_probe: Callable[..., Run]) -> None:
    with RawServer(stall) as stalled, TlsServer(server_context(*pki.rsa)) as untrusted:
        result = run_probe(
            f"localhost:{stalled.port}", f"localhost:{untrusted.port}", timeout=1
        )  # no trust bundle
    assert result.status("CERT-04", f"localhost:{untrusted.port}") == "FAIL"
    assert result.code == 1


def test_fail_on_critical_ignores_a_high_failure(pki: Pki, run_probe: Callable[..., Run]) -> None:
    with TlsServer(server_context(*pki.rsa)) as server:
        result = run_probe(f"localhost:{server.port}", "--fail-on", "critical")
    assert result.status("CERT-04") == "FAIL"
    assert result.code == 0


def test_metadata_and_loopback_targets_are_refused_without_allow_private(
    run_probe: Callable[..., Run],
) -> None:
    result = run_probe("169.254.169.254", "[fd00:ec2::254]:443", "localhost:1", allow_private=False)
    errors = [e["errors"][0] for e in result.doc["endpoints"]]
    assert "metadata" in errors[0]
    assert "metadata" in errors[1]
    assert "localhost resolves to" in errors[2]
    assert "loopback" in errors[2]
    assert all("--allow-private" in e for e in errors)
    assert result.code == 3


def test_the_table_output_is_readable(pki: Pki, run_probe: Callable[..., Run]) -> None:
    with TlsServer(server_context(*pki.rsa)) as server:
        result = run_probe(
            f"localhost:{server.port}", "--policy", "ELBSecurityPolicy-TLS13-1-2-2021-06", fmt="table"
        )
    assert "TLSv1.3" in result.out
    assert "findings" in result.out
    assert "TLS-08" in result.out
    assert "CN=ringfence test intermediate" in result.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["localhost", "--policy", "NoSuchPolicy"], "unknown policy 'NoSuchPolicy'"),
        (["localhost", "--policy", "TLS_1_0"], "exists for several endpoint types"),
        (
            ["localhost", "--policy", "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09"],
            "no confirmed protocol and cipher list",
        ),
        (
            ["localhost", "--mtls", "--client-cert", "/nonexistent.pem", "--client-key", "/nonexistent.key"],
            "no such file",
        ),
        (["localhost", "--mtls"], "--mtls needs --client-cert and --client-key"),
        (["localhost", "--client-cert", "x.pem"], "only used with --mtls"),
        (["https://example.com"], "is a URL"),
        (["example.com:99999"], "invalid port"),
        (["--targets-file", "/nonexistent/targets.txt"], "cannot read the targets file"),
        ([], "no targets"),
        (["localhost", "--trust-bundle", "/nonexistent.pem"], "cannot read the trust bundle"),
    ],
)
def test_bad_arguments_are_one_sentence_and_exit_2(
    args: list[str], message: str, run_probe: Callable[..., Run]
) -> None:
    result = run_probe(*args)
    assert result.code == 2
    assert message in result.err
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err
    assert result.out == ""


def test_a_trust_bundle_without_certificates_is_a_usage_error(
    tmp_path: Path, run_probe: Callable[..., Run]
) -> None:
    bundle = tmp_path / "empty.pem"
    bundle.write_text("not a certificate\n")
    result = run_probe("localhost", "--trust-bundle", str(bundle))
    assert result.code == 2
    assert "holds no usable PEM certificates" in result.err


def test_an_unloadable_client_key_is_a_usage_error(
    pki: Pki, tmp_path: Path, run_probe: Callable[..., Run]
) -> None:
    wrong_key = tmp_path / "wrong.key"
    wrong_key.write_bytes(pki.rsa[1].read_bytes())
    result = run_probe(
        "localhost", "--mtls", "--client-cert", str(pki.client[0]), "--client-key", str(wrong_key)
    )
    assert result.code == 2
    assert "cannot load the client certificate" in result.err


def test_targets_file(pki: Pki, tmp_path: Path, run_probe: Callable[..., Run]) -> None:
    with TlsServer(server_context(*pki.rsa)) as server:
        targets = tmp_path / "targets.txt"
        targets.write_text(f"# endpoints\nlocalhost:{server.port}\n\n127.0.0.1:{server.port}  # by address\n")
        result = run_probe("--targets-file", str(targets), "--trust-bundle", str(pki.root_pem))
    assert [e["target"] for e in result.doc["endpoints"]] == [
        f"localhost:{server.port}",
        f"127.0.0.1:{server.port}",
    ]
    assert result.code == 0


def test_list_policies(run_probe: Callable[..., Run]) -> None:
    result = run_probe("--list-policies", fmt="table")
    assert result.code == 0
    assert "ELBSecurityPolicy-TLS13-1-2-2021-06" in result.out
    assert "conflicting" in result.out


class _Counter:
    """Counts open connections to one server, and (through `overall`) to all of them."""

    def __init__(self, overall: _Counter | None = None) -> None:
        self.lock = threading.Lock()
        self.active = 0
        self.peak = 0
        self.overall = overall

    def enter(self) -> None:
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
        if self.overall is not None:
            self.overall.enter()

    def leave(self) -> None:
        with self.lock:
            self.active -= 1
        if self.overall is not None:
            self.overall.leave()

    def behaviour(self, conn: socket.socket, stopping: threading.Event) -> None:
        # Counted from the ClientHello to just before the answer: never longer than the client
        # holds the connection open, so the peak cannot overstate the client's concurrency.
        conn.recv(65536)
        self.enter()
        time.sleep(0.01)
        self.leave()
        conn.sendall(b"\x15\x03\x03\x00\x02\x02\x28")  # alert handshake_failure


def test_connection_bounds_hold_per_endpoint_and_overall() -> None:
    from ringfence.probe.engine import ProbeOptions, probe
    from ringfence.probe.runner import Limits
    from ringfence.probe.targets import Endpoint, Target

    overall = _Counter()
    counters = [_Counter(overall), _Counter(overall)]
    with RawServer(counters[0].behaviour) as a, RawServer(counters[1].behaviour) as b:
        endpoints = [Endpoint(Target("localhost", s.port), "127.0.0.1") for s in (a, b)]
        report = probe(endpoints, ProbeOptions(limits=Limits(connections=4, per_endpoint=3, timeout=2)))
    assert all(c.peak <= 3 for c in counters), [c.peak for c in counters]
    assert overall.peak <= 4
    assert overall.peak >= 2  # and they did run side by side
    assert a.connections > 250  # every pair was tried on its own connection
    assert all(e.probed for e in report.endpoints)
