"""Mutual TLS: three cases (no certificate, an untrusted CA's certificate, the trusted one), one
connection each, each judged by the answer to a real HTTP request.

A completed handshake is not acceptance: nginx with `ssl_verify_client on` completes it and then
answers HTTP 400, and under TLS 1.3 a server rejects a missing certificate only when the client
first reads. So every case sends `GET` and reads: a TLS alert (in the handshake or on that first
read) is refused_handshake, an HTTP error status is refused_http, anything else is accepted.
"""

from __future__ import annotations

import re
import socket
import ssl
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ringfence.probe.chain import describe_error, permissive_context
from ringfence.probe.results import MtlsCaseName, MtlsCaseOutcome, MtlsVerdict
from ringfence.probe.targets import Endpoint
from ringfence.probe.wire import remaining

_STATUS_LINE = re.compile(rb"^HTTP/\d(?:\.\d)? (\d{3})")
_EARLY_ALERT_WAIT = 0.25  # seconds


class ClientCertError(ValueError):
    """The client certificate or key cannot be loaded: a usage error."""


@dataclass(frozen=True)
class MtlsContexts:
    """One client context per case, built once per run and shared by every endpoint."""

    no_cert: ssl.SSLContext
    untrusted_cert: ssl.SSLContext
    trusted_cert: ssl.SSLContext
    path: str = "/"

    def for_case(self, case: MtlsCaseName) -> ssl.SSLContext:
        return {
            MtlsCaseName.NO_CERT: self.no_cert,
            MtlsCaseName.UNTRUSTED_CERT: self.untrusted_cert,
            MtlsCaseName.TRUSTED_CERT: self.trusted_cert,
        }[case]


def build_contexts(client_cert: str, client_key: str, *, path: str = "/") -> MtlsContexts:
    """Contexts for the three cases; the untrusted identity is generated here and never written
    anywhere but a temporary directory that is removed before this returns."""
    trusted = permissive_context()
    try:
        trusted.load_cert_chain(client_cert, client_key)
    except FileNotFoundError as exc:
        raise ClientCertError(f"cannot read {exc.filename or client_cert}: no such file") from None
    except PermissionError as exc:
        raise ClientCertError(f"cannot read {exc.filename or client_cert}: permission denied") from None
    except (ssl.SSLError, OSError) as exc:
        raise ClientCertError(
            f"cannot load the client certificate {client_cert} with the key {client_key}: {describe_error(exc)}"
        ) from None
    untrusted = permissive_context()
    cert_pem, key_pem = untrusted_identity()
    with tempfile.TemporaryDirectory(prefix="ringfence-mtls-") as tmp:
        cert_file, key_file = Path(tmp, "cert.pem"), Path(tmp, "key.pem")
        cert_file.write_bytes(cert_pem)
        key_file.write_bytes(key_pem)
        key_file.chmod(0o600)
        untrusted.load_cert_chain(str(cert_file), str(key_file))
    return MtlsContexts(permissive_context(), untrusted, trusted, path)


def untrusted_identity() -> tuple[bytes, bytes]:
    """A client certificate (PEM chain: leaf then CA) from a CA made up on the spot, and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ringfence untrusted probe CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ringfence untrusted probe client")])
        )
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    chain = leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return chain, key_pem


def http_request(host: str, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: ringfence-probe\r\nConnection: close\r\n\r\n".encode()


def classify_http(answer: bytes) -> tuple[MtlsVerdict, str]:
    """An HTTP answer: an error status is refused_http, any other status accepted."""
    match = _STATUS_LINE.match(answer)
    if not match:
        head = answer[:24].decode("ascii", "replace")
        return MtlsVerdict.ERROR, f"the answer is not HTTP ({head!r})"
    status = int(match.group(1))
    verdict = MtlsVerdict.REFUSED_HTTP if status >= 400 else MtlsVerdict.ACCEPTED
    return verdict, f"HTTP {status}"


def _refusal_reason(exc: BaseException) -> str | None:
    """The alert behind an SSL error, when the error is the server saying no; None otherwise."""
    if isinstance(exc, ssl.SSLError) and exc.reason and "ALERT" in exc.reason:
        return "alert " + exc.reason.split("ALERT_", 1)[-1].lower()
    return None


def run_case(
    endpoint: Endpoint, case: MtlsCaseName, contexts: MtlsContexts, deadline: float
) -> MtlsCaseOutcome:
    assert endpoint.address is not None
    ctx = contexts.for_case(case)
    host = endpoint.target.server_name or endpoint.address

    def outcome(verdict: MtlsVerdict, detail: str) -> MtlsCaseOutcome:
        return MtlsCaseOutcome(case, verdict, detail)

    left = remaining(deadline)
    if left <= 0:
        return outcome(MtlsVerdict.ERROR, "no time left")
    try:
        raw = socket.create_connection((endpoint.address, endpoint.target.port), timeout=left)
    except OSError as exc:
        return outcome(MtlsVerdict.ERROR, f"cannot connect: {describe_error(exc)}")
    try:
        raw.settimeout(max(0.001, remaining(deadline)))
        try:
            sock = ctx.wrap_socket(raw, server_hostname=endpoint.target.server_name)
        except ssl.SSLError as exc:
            reason = _refusal_reason(exc)
            if reason:
                return outcome(MtlsVerdict.REFUSED_HANDSHAKE, f"{reason} during the handshake")
            if isinstance(exc, ssl.SSLEOFError):
                return outcome(
                    MtlsVerdict.REFUSED_HANDSHAKE, "the server closed the connection during the handshake"
                )
            return outcome(MtlsVerdict.ERROR, f"handshake failed: {describe_error(exc)}")
        except ConnectionResetError:
            return outcome(
                MtlsVerdict.REFUSED_HANDSHAKE, "the server reset the connection during the handshake"
            )
        except OSError as exc:
            return outcome(MtlsVerdict.ERROR, f"handshake failed: {describe_error(exc)}")
        with sock:
            return _request(sock, case, host, contexts.path, deadline)
    finally:
        raw.close()


def _request(
    sock: ssl.SSLSocket, case: MtlsCaseName, host: str, path: str, deadline: float
) -> MtlsCaseOutcome:
    version = sock.version() or "TLS"

    def outcome(verdict: MtlsVerdict, detail: str) -> MtlsCaseOutcome:
        return MtlsCaseOutcome(case, verdict, detail)

    def refused(exc: BaseException, answer: bytes) -> MtlsCaseOutcome | None:
        reason = _refusal_reason(exc)
        if reason:
            return outcome(MtlsVerdict.REFUSED_HANDSHAKE, f"{reason} on the first read ({version})")
        if not answer and isinstance(exc, ssl.SSLEOFError | ConnectionError):
            return outcome(
                MtlsVerdict.REFUSED_HANDSHAKE, f"the server closed the connection unanswered ({version})"
            )
        return None

    answer = b""
    try:
        if version == "TLSv1.3":
            # A TLS 1.3 server judges the client certificate after the client's handshake is done
            # and says no with an alert: listen briefly before writing, so that the alert is read
            # rather than lost to the reset our request would provoke on a closing connection.
            sock.settimeout(max(0.001, min(_EARLY_ALERT_WAIT, remaining(deadline))))
            try:
                answer = sock.recv(8192)
                if not answer:
                    return outcome(
                        MtlsVerdict.REFUSED_HANDSHAKE,
                        f"the server closed the connection unanswered ({version})",
                    )
            except TimeoutError:
                pass
        sock.settimeout(max(0.001, remaining(deadline)))
        sock.sendall(http_request(host, path))
        while b"\r\n" not in answer and len(answer) < 8192:
            sock.settimeout(max(0.001, remaining(deadline)))
            chunk = sock.recv(8192)
            if not chunk:
                break
            answer += chunk
    except TimeoutError:
        if not answer:
            return outcome(MtlsVerdict.ERROR, "timed out waiting for the HTTP answer")
    except (ssl.SSLError, OSError) as exc:
        refusal = refused(exc, answer)
        if refusal is not None:
            return refusal
        if not answer:
            return outcome(MtlsVerdict.ERROR, f"reading the answer failed: {describe_error(exc)}")
    if not answer:
        return outcome(
            MtlsVerdict.REFUSED_HANDSHAKE, f"the server closed the connection unanswered ({version})"
        )
    verdict, detail = classify_http(answer)
    return outcome(verdict, f"{detail} ({version})")
