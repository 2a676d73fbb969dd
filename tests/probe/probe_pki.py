"""A throwaway PKI for the probe tests, built with `cryptography`: roots, intermediates, leaves, and
the odd shapes the checks must catch (expired, self-signed, short-lived intermediate, weak key)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
NOW = datetime.now(UTC)
_RSA_CACHE: dict[int, rsa.RSAPrivateKey] = {}


def rsa_key(bits: int = 2048, *, fresh: bool = False) -> rsa.RSAPrivateKey:
    """RSA keys are slow to make: tests share one per size unless they need their own."""
    if fresh or bits not in _RSA_CACHE:
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        if fresh:
            return key
        _RSA_CACHE[bits] = key
    return _RSA_CACHE[bits]


def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@dataclass(frozen=True)
class Issued:
    cert: x509.Certificate
    key: PrivateKey

    @property
    def name(self) -> x509.Name:
        return self.cert.subject


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_ca(
    cn: str,
    *,
    issuer: Issued | None = None,
    key: PrivateKey | None = None,
    days: int = 3650,
    not_after: datetime | None = None,
) -> Issued:
    key = key or ec_key()
    signer = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(issuer.name if issuer else _name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(not_after or NOW + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    return Issued(builder.sign(signer, hashes.SHA256()), key)


def make_leaf(
    issuer: Issued | None,
    *,
    cn: str = "localhost",
    dns: Sequence[str] = ("localhost",),
    ips: Sequence[str] = ("127.0.0.1",),
    key: PrivateKey | None = None,
    days: int = 365,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    digest: hashes.HashAlgorithm | None = None,
    client: bool = False,
) -> Issued:
    """A server (or, with client=True, a client) certificate; issuer None makes it self-signed."""
    key = key or rsa_key()
    sans: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    sans += [x509.IPAddress(ip_address(i)) for i in ips]
    usage = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(issuer.name if issuer else _name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or NOW - timedelta(days=1))
        .not_valid_after(not_after or NOW + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    signer = issuer.key if issuer else key
    return Issued(builder.sign(signer, digest or hashes.SHA256()), key)


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def key_pem(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def write_identity(directory: Path, stem: str, leaf: Issued, *chain: Issued) -> tuple[Path, Path]:
    """`stem`.pem (leaf then chain) and `stem`.key; returns both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / f"{stem}.pem", directory / f"{stem}.key"
    cert_path.write_bytes(pem(leaf.cert, *(c.cert for c in chain)))
    key_path.write_bytes(key_pem(leaf.key))
    key_path.chmod(0o600)
    return cert_path, key_path


def write_certs(path: Path, *issued: Issued) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pem(*(i.cert for i in issued)))
    return path


def der(issued: Issued) -> bytes:
    return issued.cert.public_bytes(serialization.Encoding.DER)


def sha1_leaf(issuer: Issued, key: PrivateKey, directory: Path) -> Issued:
    """A leaf signed with SHA-1, which `cryptography` refuses to make: signed by the openssl command."""
    import subprocess

    directory.mkdir(parents=True, exist_ok=True)
    ca_cert, ca_key = write_identity(directory, "sha1-ca", issuer)
    leaf_key = directory / "sha1-leaf.key"
    leaf_key.write_bytes(key_pem(key))
    csr, out, ext = directory / "sha1.csr", directory / "sha1.pem", directory / "sha1.ext"
    ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n")
    subprocess.run(
        ["openssl", "req", "-new", "-key", str(leaf_key), "-subj", "/CN=localhost", "-out", str(csr)],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            "openssl",
            "x509",
            "-req",
            "-in",
            str(csr),
            "-CA",
            str(ca_cert),
            "-CAkey",
            str(ca_key),
            "-sha1",
            "-days",
            "30",
            "-extfile",
            str(ext),
            "-set_serial",
            "7",
            "-out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return Issued(x509.load_pem_x509_certificate(out.read_bytes()), key)
