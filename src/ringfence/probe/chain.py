"""The served certificate chain: two jobs (fetch it, verify it) and the pure reading of certificates.

The chain is read from a normal `ssl` handshake that verifies nothing (so an expired or self-signed
chain is still seen); servers the system OpenSSL can no longer talk to (SSLv3, RC4, 3DES only)
have their chain read from the Certificate message of a raw TLS 1.2-or-older handshake instead.
Verification is a second handshake with verification on, against the system roots or the user's
trust bundle, so the verdict is the one a real client would reach.
"""

from __future__ import annotations

import os
import re
import socket
import ssl
import threading
from typing import Any

from ringfence.probe.ciphers import SUITES, Protocol
from ringfence.probe.clienthello import build_client_hello
from ringfence.probe.results import ChainOutcome, Verification, VerifyOutcome
from ringfence.probe.targets import Endpoint
from ringfence.probe.wire import ClosedReply, Failure, HelloReply, exchange, remaining

_LEGACY_CIPHERS = "ALL:COMPLEMENTOFALL:@SECLEVEL=0"
_ENCODING_DER = 2  # _ssl.ENCODING_DER


# SSL_OP_LEGACY_SERVER_CONNECT (Python names it from 3.12): OpenSSL 3 clients refuse servers that do
# not support secure renegotiation (RFC 5746); a prober must still reach them to report on them.
_OP_LEGACY_SERVER_CONNECT = getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0x4)


def _talk_to_legacy_servers(ctx: ssl.SSLContext) -> None:
    ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    ctx.set_ciphers(_LEGACY_CIPHERS)
    ctx.options |= _OP_LEGACY_SERVER_CONNECT


def permissive_context() -> ssl.SSLContext:
    """A client context that talks to anything the system OpenSSL still can and verifies nothing."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    _talk_to_legacy_servers(ctx)
    return ctx


def verifying_context(trust_bundle: str | None) -> ssl.SSLContext:
    """Chain verification against the system roots, or only the trust bundle when one is given.

    The host name and key sizes are judged separately (hostname_matches, weak_key): OpenSSL's
    security level would otherwise turn a 1024-bit key into a vague handshake failure."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if trust_bundle:
        ctx.load_verify_locations(cafile=trust_bundle)
    else:
        _load_system_roots(ctx)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_REQUIRED
    _talk_to_legacy_servers(ctx)
    return ctx


_HASHED_NAME = re.compile(r"^[0-9a-f]{8}\.\d+$")


def _load_system_roots(ctx: ssl.SSLContext) -> None:
    """The system roots. Parsing the whole bundle file costs ~80 ms; a hashed certificate directory
    (c_rehash layout, as Debian's /etc/ssl/certs) is looked up lazily, so it is preferred when the
    user has not pointed OpenSSL at a bundle file."""
    paths = ssl.get_default_verify_paths()
    directory = paths.capath
    if not os.environ.get(paths.openssl_cafile_env) and directory and os.path.isdir(directory):
        with os.scandir(directory) as entries:
            if any(_HASHED_NAME.match(entry.name) for entry in entries):
                ctx.load_verify_locations(capath=directory)
                return
    ctx.load_default_certs(ssl.Purpose.SERVER_AUTH)


_CONTEXTS: dict[str | None, ssl.SSLContext] = {}
_CONTEXTS_LOCK = threading.Lock()


def shared_verifying_context(trust_bundle: str | None) -> ssl.SSLContext:
    """One verifying context per trust source for the whole run, built on first use (in a job)."""
    with _CONTEXTS_LOCK:
        ctx = _CONTEXTS.get(trust_bundle)
        if ctx is None:
            ctx = _CONTEXTS[trust_bundle] = verifying_context(trust_bundle)
        return ctx


def _tls_socket(endpoint: Endpoint, ctx: ssl.SSLContext, deadline: float) -> ssl.SSLSocket:
    assert endpoint.address is not None
    left = remaining(deadline)
    if left <= 0:
        raise TimeoutError("no time left")
    raw = socket.create_connection((endpoint.address, endpoint.target.port), timeout=left)
    try:
        raw.settimeout(max(0.001, remaining(deadline)))
        return ctx.wrap_socket(raw, server_hostname=endpoint.target.server_name)
    except BaseException:
        raw.close()
        raise


def _unverified_chain(sock: ssl.SSLSocket) -> tuple[bytes, ...]:
    # Python 3.13 made get_unverified_chain public; 3.10-3.12 have it on the private _sslobj.
    inner: Any = getattr(sock, "_sslobj", None)
    getter: Any = getattr(sock, "get_unverified_chain", None) or getattr(inner, "get_unverified_chain", None)
    if getter is not None:
        out: list[bytes] = []
        for cert in getter() or []:
            out.append(cert if isinstance(cert, bytes) else cert.public_bytes(_ENCODING_DER))
        if out:
            return tuple(out)
    leaf = sock.getpeercert(binary_form=True)
    return (leaf,) if leaf else ()


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return exc.verify_message or str(exc)
    if isinstance(exc, ssl.SSLError):
        return (exc.reason or str(exc)).replace("_", " ").lower()
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc)


def fetch_chain(endpoint: Endpoint, deadline: float, ctx: ssl.SSLContext | None = None) -> ChainOutcome:
    """The chain as served (leaf first), without judging it."""
    try:
        with _tls_socket(endpoint, ctx or permissive_context(), deadline) as sock:
            certificates = _unverified_chain(sock)
        if certificates:
            return ChainOutcome(certificates, "handshake")
        first_error = "the server sent no certificate"
    except (OSError, ssl.SSLError) as exc:
        first_error = describe_error(exc)
        if isinstance(exc, TimeoutError | ConnectionRefusedError):
            return ChainOutcome((), "", f"could not read the certificate chain: {first_error}")
    return _chain_from_certificate_message(endpoint, deadline, first_error)


def _chain_from_certificate_message(endpoint: Endpoint, deadline: float, first_error: str) -> ChainOutcome:
    assert endpoint.address is not None
    suites = [s.code for s in SUITES if not s.tls13 and "anonymous" not in s.weaknesses]
    errors = [first_error]
    for protocol in (Protocol.TLSv1_2, Protocol.SSLv3):
        hello = build_client_hello(protocol, suites, endpoint.target.server_name)
        answer = exchange(endpoint.address, endpoint.target.port, hello, deadline, want_certificate=True)
        if isinstance(answer, HelloReply) and answer.certificates:
            return ChainOutcome(answer.certificates, "certificate-message")
        if isinstance(answer, Failure | ClosedReply):
            errors.append(answer.detail)
    return ChainOutcome((), "", "could not read the certificate chain: " + "; ".join(dict.fromkeys(errors)))


def verify_chain(endpoint: Endpoint, deadline: float, trust_bundle: str | None) -> VerifyOutcome:
    try:
        ctx = shared_verifying_context(trust_bundle)
    except (ssl.SSLError, OSError) as exc:
        return VerifyOutcome(Verification.NOT_DONE, f"cannot load the trusted roots: {describe_error(exc)}")
    try:
        with _tls_socket(endpoint, ctx, deadline):
            return VerifyOutcome(Verification.VERIFIED)
    except ssl.SSLCertVerificationError as exc:
        return VerifyOutcome(Verification.FAILED, describe_error(exc))
    except (OSError, ssl.SSLError) as exc:
        return VerifyOutcome(
            Verification.NOT_DONE, f"could not run the verifying handshake: {describe_error(exc)}"
        )
