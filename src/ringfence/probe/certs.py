"""Reading certificates (pure): DER in, CertInfo out, and the facts CERT-03/CERT-04 judge.

`cryptography` is imported on first use: it is ~50 ms of start-up that the network phase of a
probe does not need.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ringfence.probe.results import CertInfo

if TYPE_CHECKING:
    from cryptography import x509


def _name(name: x509.Name) -> str:
    try:
        return name.rfc4514_string()
    except ValueError:
        return repr(name)


def _signature_name(cert: x509.Certificate) -> str:
    oid = cert.signature_algorithm_oid
    name = oid._name
    return oid.dotted_string if name == "Unknown OID" else name


def _key(cert: x509.Certificate) -> tuple[str, str, int]:
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size}", "RSA", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name} {key.key_size}", "EC", key.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", "Ed25519", 256
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", "Ed448", 456
    if isinstance(key, dsa.DSAPublicKey):
        return f"DSA {key.key_size}", "DSA", key.key_size
    return type(key).__name__, "other", 0


def describe_certificate(der: bytes) -> CertInfo:
    from cryptography import x509
    from cryptography.exceptions import UnsupportedAlgorithm

    cert = x509.load_der_x509_certificate(der)
    key, key_type, bits = _key(cert)
    try:
        digest = cert.signature_hash_algorithm
        hash_name = digest.name if digest is not None else None
    except UnsupportedAlgorithm:
        hash_name = "unknown"
    try:
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    dns: list[str] = []
    ips: list[str] = []
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns = [str(n) for n in san.get_values_for_type(x509.DNSName)]
        ips = [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        pass
    return CertInfo(
        subject=_name(cert.subject),
        issuer=_name(cert.issuer),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        key=key,
        key_type=key_type,
        key_bits=bits,
        signature=_signature_name(cert),
        signature_hash=hash_name,
        is_ca=is_ca,
        self_signed=cert.subject == cert.issuer,
        dns_names=tuple(dns),
        ip_addresses=tuple(ips),
    )


def describe_chain(ders: Sequence[bytes]) -> tuple[tuple[CertInfo, ...], str]:
    """CertInfo for each certificate, and an error when one cannot be parsed."""
    infos: list[CertInfo] = []
    for index, der in enumerate(ders):
        try:
            infos.append(describe_certificate(der))
        except ValueError as exc:
            return tuple(infos), f"certificate {index} of the served chain cannot be parsed: {exc}"
    return tuple(infos), ""


def common_name(subject: str) -> str:
    for part in subject.split(","):
        key, _, value = part.partition("=")
        if key.strip() in ("CN", "commonName"):
            return value
    return subject


def hostname_matches(cert: CertInfo, host: str) -> bool:
    """RFC 6125 matching on subjectAltName only (no CN fallback, like current browsers and Python)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        return any(ipaddress.ip_address(ip) == address for ip in cert.ip_addresses)
    wanted = host.rstrip(".").lower()
    for pattern in cert.dns_names:
        name = pattern.rstrip(".").lower()
        if name == wanted:
            return True
        if name.startswith("*.") and "*" not in name[2:]:
            head, _, rest = wanted.partition(".")
            if head and rest == name[2:] and rest.count(".") >= 1:
                return True
    return False


def weak_key(cert: CertInfo) -> str | None:
    """Why the key is too weak for CERT-04 (RSA >= 2048, EC >= 256), or None."""
    if cert.key_type == "RSA" and cert.key_bits < 2048:
        return f"{cert.key} is below 2048 bits"
    if cert.key_type == "EC" and cert.key_bits < 256:
        return f"{cert.key} is below 256 bits"
    if cert.key_type in ("DSA", "other"):
        return f"{cert.key} is neither RSA nor EC"
    return None


def weak_signature(cert: CertInfo) -> str | None:
    """SHA-1 or MD5 signatures; a self-signed root's own signature does not count (nobody checks it)."""
    if cert.self_signed:
        return None
    if cert.signature_hash in ("sha1", "md5"):
        return f"{cert.signature} ({cert.signature_hash.upper()})"
    return None


def days_left(cert: CertInfo, now: datetime | None = None) -> int:
    moment = now or datetime.now(UTC)
    return (cert.not_after - moment).days
