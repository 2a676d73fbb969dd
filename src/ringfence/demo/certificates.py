"""TLS certificates imported into ACM: a CA and the leaf certificates it signs, made on the fly.

Keys are EC P-256 (generated in a millisecond, unlike the RSA keys behind ACM's RequestCertificate
in the emulator), and validity dates are chosen, so expiry controls have something real to find.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ringfence.demo.kit import DemoAws, Workload, tag_list


@dataclass(frozen=True)
class Issuer:
    """A certificate authority that signs the demo's certificates."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "AU"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def certificate_authority(common_name: str, organisation: str, *, years: int = 10) -> Issuer:
    """A self-signed CA certificate valid from a year ago for `years` years."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name, organisation)
    start = _now() - dt.timedelta(days=365)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return Issuer(key=key, certificate=cert)


def server_certificate(
    issuer: Issuer, domain: str, organisation: str, *, sans: Sequence[str] = (), days_left: int = 300
) -> tuple[bytes, bytes]:
    """A TLS server certificate for `domain` (and `sans`) that expires in `days_left` days:
    (certificate PEM, private key PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    end = _now() + dt.timedelta(days=days_left)
    names = [x509.DNSName(d) for d in (domain, *sans)]
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(domain, organisation))
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(end - dt.timedelta(days=397))
        .not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(issuer.key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def import_certificate(
    aws: DemoAws,
    wl: Workload,
    name: str,
    issuer: Issuer,
    domain: str,
    organisation: str,
    *,
    sans: Sequence[str] = (),
    days_left: int = 300,
) -> str:
    """Issue a certificate from `issuer` and import it into ACM with its chain; returns its ARN."""
    cert_pem, key_pem = server_certificate(issuer, domain, organisation, sans=sans, days_left=days_left)
    reply = aws.client("acm", wl.region).import_certificate(
        Certificate=cert_pem,
        PrivateKey=key_pem,
        CertificateChain=issuer.pem,
        Tags=tag_list(wl.tags(name)),
    )
    return str(reply["CertificateArn"])
