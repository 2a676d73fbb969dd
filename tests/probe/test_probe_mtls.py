"""Mutual TLS against real servers: nginx that verifies (HTTP 400 after a completed handshake),
nginx that soft-fails (optional_no_ca), and a Python server that refuses in the TLS layer."""

from __future__ import annotations

from collections.abc import Callable

from probe_harness import Pki, Run
from probe_servers import Nginx, TlsServer, server_context, tls_block


def _mtls_args(pki: Pki) -> list[str]:
    return ["--mtls", "--client-cert", str(pki.client[0]), "--client-key", str(pki.client[1])]


def test_nginx_verify_on_refuses_with_http_400_and_passes(
    pki: Pki, nginx: Callable[[str], Nginx], run_probe: Callable[..., Run]
) -> None:
    server = nginx(
        tls_block(
            [pki.rsa],
            extra=f"    ssl_verify_client on;\n    ssl_client_certificate {pki.client_ca_pem};",
        )
    )
    result = run_probe(f"localhost:{server.port}", *_mtls_args(pki))
    endpoint = result.endpoint()
    assert endpoint["mtls"] == {
        "no_cert": "refused_http",
        "untrusted_cert": "refused_http",
        "trusted_cert": "accepted",
    }
    assert endpoint["mtls_detail"]["no_cert"].startswith("HTTP 400")
    assert result.status("TLS-09") == "PASS"
    assert result.finding("TLS-09")["severity"] == "critical"


def test_soft_fail_nginx_passes_the_no_certificate_case_but_fails_on_an_untrusted_ca(
    pki: Pki, nginx: Callable[[str], Nginx], run_probe: Callable[..., Run]
) -> None:
    """optional_no_ca with a check for *a* certificate: only the untrusted-CA case catches it."""
    server = nginx(
        tls_block(
            [pki.rsa],
            extra=(
                f"    ssl_verify_client optional_no_ca;\n    ssl_client_certificate {pki.client_ca_pem};\n"
                "    if ($ssl_client_verify = NONE) { return 400; }"
            ),
        )
    )
    result = run_probe(f"localhost:{server.port}", *_mtls_args(pki))
    assert result.endpoint()["mtls"] == {
        "no_cert": "refused_http",
        "untrusted_cert": "accepted",
        "trusted_cert": "accepted",
    }
    assert result.status("TLS-09") == "FAIL"
    assert "untrusted_cert" in result.finding("TLS-09")["message"]
    assert result.code == 1


def test_no_verification_at_all_fails(
    pki: Pki, nginx: Callable[[str], Nginx], run_probe: Callable[..., Run]
) -> None:
    server = nginx(tls_block([pki.rsa]))
    result = run_probe(f"localhost:{server.port}", *_mtls_args(pki))
    assert result.endpoint()["mtls"]["no_cert"] == "accepted"
    assert result.status("TLS-09") == "FAIL"


def test_tls13_server_refuses_on_the_first_read_and_passes(pki: Pki, run_probe: Callable[..., Run]) -> None:
    """Under TLS 1.3 the client's handshake completes before the server has judged the client
    certificate; the refusal (an alert) arrives on the first read."""
    ctx = server_context(*pki.rsa, client_ca=pki.client_ca_pem, tls12=False)
    with TlsServer(ctx) as server:
        result = run_probe(f"localhost:{server.port}", *_mtls_args(pki))
    endpoint = result.endpoint()
    assert endpoint["mtls"] == {
        "no_cert": "refused_handshake",
        "untrusted_cert": "refused_handshake",
        "trusted_cert": "accepted",
    }
    assert "first read" in endpoint["mtls_detail"]["no_cert"]
    assert "certificate_required" in endpoint["mtls_detail"]["no_cert"]
    assert "unknown_ca" in endpoint["mtls_detail"]["untrusted_cert"]
    assert result.status("TLS-09") == "PASS"


def test_tls12_server_refuses_in_the_handshake(pki: Pki, run_probe: Callable[..., Run]) -> None:
    ctx = server_context(*pki.rsa, client_ca=pki.client_ca_pem, tls13=False)
    with TlsServer(ctx) as server:
        result = run_probe(f"localhost:{server.port}", *_mtls_args(pki))
    endpoint = result.endpoint()
    assert endpoint["mtls"]["no_cert"] == "refused_handshake"
    assert "during the handshake" in endpoint["mtls_detail"]["no_cert"]
    assert endpoint["mtls"]["untrusted_cert"] == "refused_handshake"
    assert result.status("TLS-09") == "PASS"


def test_a_server_that_refuses_the_trusted_certificate_too_does_not_pass(
    pki: Pki, run_probe: Callable[..., Run]
) -> None:
    ctx = server_context(*pki.rsa, client_ca=pki.root_pem)  # trusts another CA than the client's
    with TlsServer(ctx) as server:
        result = run_probe(f"localhost:{server.port}", *_mtls_args(pki))
    assert result.endpoint()["mtls"]["trusted_cert"] == "refused_handshake"
    assert result.status("TLS-09") == "FAIL"
    assert "refuses the trusted certificate too" in result.finding("TLS-09")["message"]


def test_without_mtls_there_is_no_tls09_finding(pki: Pki, run_probe: Callable[..., Run]) -> None:
    with TlsServer(server_context(*pki.rsa)) as server:
        result = run_probe(f"localhost:{server.port}")
    assert result.endpoint()["mtls"] is None
    assert not [f for f in result.doc["findings"] if f["control_id"] == "TLS-09"]
