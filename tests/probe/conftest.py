"""Fixtures for the probe tests: a test PKI on disk, nginx (found at /usr/sbin/nginx; the tests that
need it skip with the reason only when it is truly absent), and a runner for the `probe` command."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from probe_harness import Pki, Run, build_parser
from probe_pki import ec_key, make_ca, make_leaf, rsa_key, write_certs, write_identity
from probe_servers import Nginx, find_nginx

from ringfence.probe.command import run_probe_command


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    d = tmp_path_factory.mktemp("pki")
    root = make_ca("ringfence test root", days=3650)
    intermediate = make_ca("ringfence test intermediate", issuer=root, days=1800)
    rsa_leaf = make_leaf(intermediate, key=rsa_key(2048))
    ec_leaf = make_leaf(intermediate, key=ec_key())
    client_ca = make_ca("ringfence test client CA")
    client = make_leaf(client_ca, cn="trusted client", dns=(), ips=(), key=ec_key(), client=True)
    return Pki(
        dir=d,
        root=root,
        intermediate=intermediate,
        root_pem=write_certs(d / "root.pem", root),
        rsa=write_identity(d, "rsa", rsa_leaf, intermediate),
        ecdsa=write_identity(d, "ecdsa", ec_leaf, intermediate),
        client_ca_pem=write_certs(d / "client-ca.pem", client_ca),
        client=write_identity(d, "client", client),
    )


@pytest.fixture(scope="session")
def nginx_binary() -> str:
    binary = find_nginx()
    if binary is None:
        pytest.skip("nginx is not installed (not at /usr/sbin/nginx nor on PATH): apt-get install -y nginx")
    return binary


@pytest.fixture
def nginx(nginx_binary: str, tmp_path: Path) -> Iterator[Callable[[str], Nginx]]:
    """Start nginx servers with the given server blocks; all are stopped after the test."""
    started: list[Nginx] = []

    def start(server_block: str) -> Nginx:
        server = Nginx(nginx_binary, tmp_path / f"nginx{len(started)}", server_block).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def run_probe(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run `ringfence probe ARGS` in-process; JSON output and --allow-private unless told otherwise."""

    def run(*args: str, fmt: str = "json", allow_private: bool = True, timeout: float = 2) -> Run:
        argv = ["probe", *args, "--format", fmt, "--timeout", str(timeout)]
        if allow_private:
            argv.append("--allow-private")
        code = run_probe_command(build_parser().parse_args(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
