"""Certificate chains served by real servers: CERT-03 (no CA expires before the leaf) and CERT-04
(verifies, names the host, in date, strong key, no SHA-1)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from probe_harness import Pki, Run, expired
from probe_pki import NOW, make_ca, make_leaf, rsa_key, sha1_leaf, write_certs, write_identity
from probe_servers import TlsServer, server_context


def _serve(identity: tuple[Path, Path]) -> TlsServer:
    return TlsServer(server_context(*identity))


def test_a_good_chain_passes_with_the_trust_bundle(pki: Pki, run_probe: Callable[..., Run]) -> None:
    with _serve(pki.rsa) as server:
        result = run_probe(f"localhost:{server.port}", "--trust-bundle", str(pki.root_pem))
    endpoint = result.endpoint()
    assert [c["subject"] for c in endpoint["chain"]] == ["CN=localhost", "CN=ringfence test intermediate"]
    leaf = endpoint["chain"][0]
    assert leaf["issuer"] == "CN=ringfence test intermediate"
    assert leaf["key"] == "RSA 2048"
    assert leaf["signature"] == "ecdsa-with-SHA256"
    assert endpoint["chain_verification"]["status"] == "verified"
    assert result.status("CERT-04") == "PASS"
    assert result.status("CERT-03") == "PASS"
    assert "expires in" in result.finding("CERT-04")["message"]


def test_without_the_trust_bundle_the_private_root_is_not_trusted(
    pki: Pki, run_probe: Callable[..., Run]
) -> None:
    with _serve(pki.rsa) as server:
        result = run_probe(f"localhost:{server.port}")
    assert result.status("CERT-04") == "FAIL"
    assert "does not verify" in result.finding("CERT-04")["message"]


def test_an_intermediate_that_expires_before_its_leaf_fails_cert03(
    pki: Pki, tmp_path: Path, run_probe: Callable[..., Run]
) -> None:
    short = make_ca("short-lived intermediate", issuer=pki.root, days=60)
    leaf = make_leaf(short, days=300)  # outlives its issuer
    with _serve(write_identity(tmp_path, "short", leaf, short)) as server:
        result = run_probe(f"localhost:{server.port}", "--trust-bundle", str(pki.root_pem))
    assert result.status("CERT-03") == "FAIL"
    assert "short-lived intermediate expires" in result.finding("CERT-03")["message"]
    assert result.status("CERT-04") == "PASS"  # the chain itself is valid today
    assert result.code == 1


def test_an_expired_leaf_fails_cert04(pki: Pki, tmp_path: Path, run_probe: Callable[..., Run]) -> None:
    with _serve(write_identity(tmp_path, "expired", expired(pki.intermediate), pki.intermediate)) as server:
        result = run_probe(f"localhost:{server.port}", "--trust-bundle", str(pki.root_pem))
    message = result.finding("CERT-04")["message"]
    assert result.status("CERT-04") == "FAIL"
    assert "expired" in message
    assert result.code == 1


def test_a_self_signed_leaf_fails_cert04(tmp_path: Path, run_probe: Callable[..., Run]) -> None:
    with _serve(write_identity(tmp_path, "self", make_leaf(None))) as server:
        result = run_probe(f"localhost:{server.port}")
    assert result.status("CERT-04") == "FAIL"
    assert "self-signed" in result.finding("CERT-04")["message"]
    assert result.status("CERT-03") == "NOT_APPLICABLE"


def test_a_leaf_for_another_name_fails_cert04(
    pki: Pki, tmp_path: Path, run_probe: Callable[..., Run]
) -> None:
    other = make_leaf(pki.intermediate, cn="www.example.com", dns=("www.example.com",), ips=())
    with _serve(write_identity(tmp_path, "other", other, pki.intermediate)) as server:
        result = run_probe(f"localhost:{server.port}", "--trust-bundle", str(pki.root_pem))
    assert result.status("CERT-04") == "FAIL"
    assert "not valid for localhost" in result.finding("CERT-04")["message"]


def test_an_ip_target_is_matched_against_ip_sans(pki: Pki, run_probe: Callable[..., Run]) -> None:
    with _serve(pki.rsa) as server:
        result = run_probe(f"127.0.0.1:{server.port}", "--trust-bundle", str(pki.root_pem))
    assert result.status("CERT-04") == "PASS"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command signs the SHA-1 certificate")
def test_a_weak_key_and_a_sha1_signature_fail_cert04(
    pki: Pki, tmp_path: Path, run_probe: Callable[..., Run]
) -> None:
    weak = sha1_leaf(pki.intermediate, rsa_key(1024), tmp_path / "sha1")
    with _serve(write_identity(tmp_path, "weak", weak, pki.intermediate)) as server:
        result = run_probe(f"localhost:{server.port}", "--trust-bundle", str(pki.root_pem))
    message = result.finding("CERT-04")["message"]
    assert result.status("CERT-04") == "FAIL"
    assert "RSA 1024 is below 2048 bits" in message
    assert "SHA1" in message


def test_ca_certificate_with_later_expiry_passes_cert03(
    pki: Pki, tmp_path: Path, run_probe: Callable[..., Run]
) -> None:
    root = make_ca("long root", not_after=NOW + timedelta(days=4000))
    leaf = make_leaf(root, days=30)
    bundle = write_certs(tmp_path / "long-root.pem", root)
    with _serve(write_identity(tmp_path, "long", leaf, root)) as server:
        result = run_probe(f"localhost:{server.port}", "--trust-bundle", str(bundle))
    assert result.status("CERT-03") == "PASS"
    assert result.status("CERT-04") == "PASS"
