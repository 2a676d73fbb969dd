"""Enumeration against real servers: nginx configured with an AWS policy's exact cipher list must be
found to accept exactly that list; a crafted server covers what OpenSSL 3 can no longer serve."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections.abc import Callable

import pytest
from probe_harness import Pki, Run
from probe_pki import der, make_leaf
from probe_servers import CraftedServer, Nginx, tls_block

from ringfence.probe.ciphers import Protocol, by_name, candidate_pairs
from ringfence.probe.policies import Policy, find_policy


def policy_block(policy: Policy, pki: Pki) -> str:
    """nginx serving exactly `policy`: its protocols, its ciphers, RSA and ECDSA certificates (so the
    ECDSA suites are negotiable too)."""
    return tls_block(
        [pki.rsa, pki.ecdsa],
        protocols=[p.label for p in policy.protocols],
        ciphers=[s.openssl for s in policy.suites if not s.tls13],
        tls13_ciphers=[s.openssl for s in policy.suites if s.tls13],
    )


def pairs_of(items: list[dict[str, str]]) -> set[tuple[str, str]]:
    return {(i["protocol"], i["cipher"]) for i in items}


@pytest.mark.parametrize(
    "policy_name",
    [
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-2016-08",
        "ELBSecurityPolicy-TLS13-1-0-2021-06",
        "cloudfront:TLSv1.2_2021",
    ],
)
def test_nginx_with_a_policy_accepts_exactly_that_policy(
    policy_name: str, pki: Pki, nginx: Callable[[str], Nginx], run_probe: Callable[..., Run]
) -> None:
    policy = find_policy(policy_name)
    server = nginx(policy_block(policy, pki))
    result = run_probe(
        f"localhost:{server.port}", "--policy", policy_name, "--trust-bundle", str(pki.root_pem)
    )
    endpoint = result.endpoint()
    expected = {(p.protocol.label, p.suite.openssl) for p in policy.pairs()}
    assert pairs_of(endpoint["accepted"]) == expected
    assert endpoint["extra"] == []
    assert endpoint["missing"] == []
    assert endpoint["errors"] == []
    assert result.status("TLS-08") == "PASS"
    assert result.status("CERT-04") == "PASS"
    assert result.status("CERT-03") == "PASS"
    assert result.code == 0


def test_accepted_but_not_in_policy_fails_and_refused_policy_pairs_are_listed(
    pki: Pki, nginx: Callable[[str], Nginx], run_probe: Callable[..., Run]
) -> None:
    served = find_policy("ELBSecurityPolicy-2016-08")
    server = nginx(
        tls_block(
            [pki.rsa], protocols=["TLSv1", "TLSv1.1", "TLSv1.2"], ciphers=[s.openssl for s in served.suites]
        )
    )
    result = run_probe(f"localhost:{server.port}", "--policy", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06")
    endpoint = result.endpoint()
    extra = pairs_of(endpoint["extra"])
    assert ("TLSv1", "AES128-SHA") in extra
    assert ("TLSv1.2", "ECDHE-RSA-AES128-SHA256") in extra
    assert ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256") not in extra  # in both policies
    missing = pairs_of(endpoint["missing"])
    # TLS 1.3 is off, and the RSA-only server cannot negotiate ECDSA suites: both are "missing".
    assert ("TLSv1.3", "TLS_AES_128_GCM_SHA256") in missing
    assert ("TLSv1.2", "ECDHE-ECDSA-AES128-GCM-SHA256") in missing
    assert all(p != "TLSv1.3" or c.startswith("TLS_") for p, c in missing)  # only negotiable pairs
    assert result.status("TLS-08") == "FAIL"
    assert "not in ELBSecurityPolicy-TLS13-1-2-Res-2021-06" in result.finding("TLS-08")["message"]
    assert result.code == 1


def _s_client_accepts(port: int, name: str) -> bool:
    """TLS 1.3: only `openssl s_client -ciphersuites` can offer a single suite."""
    done = subprocess.run(
        [
            "openssl",
            "s_client",
            "-connect",
            f"127.0.0.1:{port}",
            "-servername",
            "localhost",
            "-tls1_3",
            "-ciphersuites",
            name,
        ],
        input=b"",
        capture_output=True,
        timeout=20,
        check=False,
    )
    return done.returncode == 0 and f"Cipher is {name}".encode() in done.stdout


_SSL_VERSIONS = {
    Protocol.TLSv1: ssl.TLSVersion.TLSv1,
    Protocol.TLSv1_1: ssl.TLSVersion.TLSv1_1,
    Protocol.TLSv1_2: ssl.TLSVersion.TLSv1_2,
}


def _ssl_accepts(port: int, protocol: Protocol, name: str) -> bool | None:
    """TLS 1.0 to 1.2 through the system OpenSSL (same library as s_client, without a process per
    handshake): one version, one cipher. None when the local OpenSSL does not know the cipher."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        ctx.set_ciphers(f"{name}:@SECLEVEL=0")
    except ssl.SSLError:
        return None
    ctx.minimum_version = ctx.maximum_version = _SSL_VERSIONS[protocol]
    try:
        with (
            socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
            ctx.wrap_socket(raw, server_hostname="localhost") as tls,
        ):
            return tls.cipher()[0] == name
    except (ssl.SSLError, OSError):
        return False


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command is not installed")
@pytest.mark.filterwarnings("ignore:ssl.TLSVersion:DeprecationWarning")
def test_accepted_set_agrees_with_openssl(
    pki: Pki, nginx: Callable[[str], Nginx], run_probe: Callable[..., Run]
) -> None:
    """The oracle: every pair the local OpenSSL can offer gets OpenSSL's own verdict, and it is ours."""
    server = nginx(
        tls_block(
            [pki.rsa, pki.ecdsa],
            protocols=["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"],
            ciphers=[
                "ECDHE-ECDSA-AES128-GCM-SHA256",
                "ECDHE-RSA-AES256-SHA",
                "AES128-SHA",
                "CAMELLIA256-SHA",
                "DHE-RSA-AES128-GCM-SHA256",
                "ECDHE-RSA-CHACHA20-POLY1305",
                "AES256-SHA256",
            ],
            tls13_ciphers=["TLS_AES_256_GCM_SHA384", "TLS_AES_128_CCM_SHA256"],
        )
    )
    result = run_probe(f"localhost:{server.port}")
    ours = pairs_of(result.endpoint()["accepted"])
    theirs: set[tuple[str, str]] = set()
    tested: set[tuple[str, str]] = set()
    for protocol, suite in candidate_pairs():
        if protocol is Protocol.SSLv3:
            continue  # the system OpenSSL has no SSLv3: the crafted server covers it
        verdict = (
            _s_client_accepts(server.port, suite.openssl)
            if protocol is Protocol.TLSv1_3
            else _ssl_accepts(server.port, protocol, suite.openssl)
        )
        if verdict is None:
            continue
        tested.add((protocol.label, suite.openssl))
        if verdict:
            theirs.add((protocol.label, suite.openssl))
    assert len(tested) > 140
    assert theirs, "OpenSSL accepted nothing: the oracle is broken"
    assert {pair for pair in ours if pair in tested} == theirs


def test_legacy_suites_no_current_openssl_serves_are_found(pki: Pki, run_probe: Callable[..., Run]) -> None:
    """SSLv3, RC4, 3DES, export, NULL and anonymous suites, from a server of crafted ServerHellos."""
    accept = {
        (Protocol.SSLv3, "RC4-MD5"),
        (Protocol.SSLv3, "EXP-RC4-MD5"),
        (Protocol.SSLv3, "DES-CBC3-SHA"),
        (Protocol.TLSv1, "DES-CBC3-SHA"),
        (Protocol.TLSv1, "EXP-DES-CBC-SHA"),
        (Protocol.TLSv1_2, "NULL-SHA"),
        (Protocol.TLSv1_2, "ADH-AES128-SHA"),
        (Protocol.TLSv1_2, "ECDHE-RSA-DES-CBC3-SHA"),
    }
    leaf = make_leaf(pki.intermediate)
    with CraftedServer(
        {(int(p), by_name(n).code) for p, n in accept}, [der(leaf), der(pki.intermediate)]
    ) as server:
        result = run_probe(f"localhost:{server.port}", "--policy", "cloudfront:SSLv3")
    endpoint = result.endpoint()
    assert pairs_of(endpoint["accepted"]) == {(p.label, n) for p, n in accept}
    extra = pairs_of(endpoint["extra"])
    assert ("SSLv3", "RC4-MD5") not in extra  # CloudFront's SSLv3 policy has it
    assert {("SSLv3", "EXP-RC4-MD5"), ("TLSv1.2", "NULL-SHA"), ("TLSv1.2", "ADH-AES128-SHA")} <= extra
    assert result.status("TLS-08") == "FAIL"
    message = result.finding("TLS-08")["message"]
    assert "export" in message
    assert "null" in message
    assert "anonymous" in message
    # OpenSSL 3 cannot talk to this server: the chain comes from the raw Certificate message.
    assert [c["subject"] for c in endpoint["chain"]] == ["CN=localhost", "CN=ringfence test intermediate"]
    assert result.code == 1


def test_tls13_only_server_and_hello_retry(
    pki: Pki, nginx: Callable[[str], Nginx], run_probe: Callable[..., Run]
) -> None:
    """A TLS 1.3-only server that wants P-256 answers our x25519 share with a HelloRetryRequest: the
    suite it names there is accepted."""
    server = nginx(
        tls_block(
            [pki.ecdsa],
            protocols=["TLSv1.3"],
            tls13_ciphers=["TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"],
            extra="    ssl_ecdh_curve prime256v1;",
        )
    )
    result = run_probe(f"localhost:{server.port}", "--policy", "ELBSecurityPolicy-TLS13-1-3-2021-06")
    endpoint = result.endpoint()
    assert pairs_of(endpoint["accepted"]) == {
        ("TLSv1.3", "TLS_AES_128_GCM_SHA256"),
        ("TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256"),
    }
    assert pairs_of(endpoint["missing"]) == {("TLSv1.3", "TLS_AES_256_GCM_SHA384")}
    assert result.status("TLS-08") == "PASS"
    assert len(endpoint["chain"]) == 2  # read through the ssl module: TLS 1.3 certificates are encrypted
