"""Protocol versions and the cipher-suite table: IANA code, IANA name, OpenSSL name, where it is defined.

The table is the candidate set the prober tries: every suite of every shipped AWS policy, the legacy
suites (RC4, 3DES, DES, export, NULL, anonymous) and the other suites OpenSSL-based servers commonly
enable (DHE, CAMELLIA, ARIA, CCM, SEED, IDEA), so that an endpoint accepting something no AWS policy
lists shows up as an extra. PSK and SRP suites are left out: a server only negotiates them for a
client that brings a pre-shared key or an SRP login.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum


class Protocol(IntEnum):
    """A protocol version, valued by its wire code; `label` is the OpenSSL / AWS spelling."""

    SSLv3 = 0x0300
    TLSv1 = 0x0301
    TLSv1_1 = 0x0302
    TLSv1_2 = 0x0303
    TLSv1_3 = 0x0304

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Protocol:
        for protocol, label in _LABELS.items():
            if label.lower() == text.strip().lower():
                return protocol
        if text.strip().lower() in ("tlsv1.0", "tls1.0", "tls 1.0"):
            return cls.TLSv1
        raise ValueError(f"unknown protocol version {text!r}")


_LABELS = {
    Protocol.SSLv3: "SSLv3",
    Protocol.TLSv1: "TLSv1",
    Protocol.TLSv1_1: "TLSv1.1",
    Protocol.TLSv1_2: "TLSv1.2",
    Protocol.TLSv1_3: "TLSv1.3",
}
NEWEST_FIRST = tuple(sorted(Protocol, reverse=True))


@dataclass(frozen=True, slots=True)
class CipherSuite:
    code: int
    openssl: str
    iana: str
    protocols: frozenset[Protocol]
    weaknesses: tuple[str, ...] = ()

    @property
    def tls13(self) -> bool:
        return Protocol.TLSv1_3 in self.protocols

    def defined_for(self, protocol: Protocol) -> bool:
        return protocol in self.protocols


# Where a suite is defined. TLS 1.3 suites exist only in TLS 1.3; AEAD and SHA-256/384 suites only in
# TLS 1.2; ECDHE suites from TLS 1.0 (RFC 4492); export suites were forbidden from TLS 1.1 (RFC 4346);
# DES and IDEA were dropped from TLS 1.2 (RFC 5469).
_SPANS: dict[str, frozenset[Protocol]] = {
    "13": frozenset({Protocol.TLSv1_3}),
    "12": frozenset({Protocol.TLSv1_2}),
    "10+": frozenset({Protocol.TLSv1, Protocol.TLSv1_1, Protocol.TLSv1_2}),
    "30+": frozenset({Protocol.SSLv3, Protocol.TLSv1, Protocol.TLSv1_1, Protocol.TLSv1_2}),
    "30-11": frozenset({Protocol.SSLv3, Protocol.TLSv1, Protocol.TLSv1_1}),
    "30-10": frozenset({Protocol.SSLv3, Protocol.TLSv1}),
}

# (code, OpenSSL name, IANA name, span, weaknesses)
_TABLE: tuple[tuple[int, str, str, str, tuple[str, ...]], ...] = (
    # TLS 1.3
    (0x1301, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", "13", ()),
    (0x1302, "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", "13", ()),
    (0x1303, "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", "13", ()),
    (0x1304, "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_SHA256", "13", ()),
    (0x1305, "TLS_AES_128_CCM_8_SHA256", "TLS_AES_128_CCM_8_SHA256", "13", ()),
    # ECDHE, TLS 1.2 only
    (0xC02B, "ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "12", ()),
    (0xC02C, "ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "12", ()),
    (0xC02F, "ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "12", ()),
    (0xC030, "ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "12", ()),
    (0xCCA9, "ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "12", ()),
    (0xCCA8, "ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "12", ()),
    (0xC023, "ECDHE-ECDSA-AES128-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "12", ()),
    (0xC024, "ECDHE-ECDSA-AES256-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "12", ()),
    (0xC027, "ECDHE-RSA-AES128-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "12", ()),
    (0xC028, "ECDHE-RSA-AES256-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "12", ()),
    (0xC0AC, "ECDHE-ECDSA-AES128-CCM", "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "12", ()),
    (0xC0AD, "ECDHE-ECDSA-AES256-CCM", "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", "12", ()),
    (0xC0AE, "ECDHE-ECDSA-AES128-CCM8", "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "12", ()),
    (0xC0AF, "ECDHE-ECDSA-AES256-CCM8", "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", "12", ()),
    (0xC05C, "ECDHE-ECDSA-ARIA128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", "12", ()),
    (0xC05D, "ECDHE-ECDSA-ARIA256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", "12", ()),
    (0xC060, "ECDHE-ARIA128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", "12", ()),
    (0xC061, "ECDHE-ARIA256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", "12", ()),
    (0xC072, "ECDHE-ECDSA-CAMELLIA128-SHA256", "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", "12", ()),
    (0xC073, "ECDHE-ECDSA-CAMELLIA256-SHA384", "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", "12", ()),
    (0xC076, "ECDHE-RSA-CAMELLIA128-SHA256", "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "12", ()),
    (0xC077, "ECDHE-RSA-CAMELLIA256-SHA384", "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", "12", ()),
    # ECDHE, TLS 1.0 to 1.2
    (0xC009, "ECDHE-ECDSA-AES128-SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "10+", ()),
    (0xC00A, "ECDHE-ECDSA-AES256-SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "10+", ()),
    (0xC013, "ECDHE-RSA-AES128-SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "10+", ()),
    (0xC014, "ECDHE-RSA-AES256-SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "10+", ()),
    (0xC008, "ECDHE-ECDSA-DES-CBC3-SHA", "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", "10+", ("3des",)),
    (0xC012, "ECDHE-RSA-DES-CBC3-SHA", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "10+", ("3des",)),
    (0xC007, "ECDHE-ECDSA-RC4-SHA", "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "10+", ("rc4",)),
    (0xC011, "ECDHE-RSA-RC4-SHA", "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "10+", ("rc4",)),
    (0xC006, "ECDHE-ECDSA-NULL-SHA", "TLS_ECDHE_ECDSA_WITH_NULL_SHA", "10+", ("null",)),
    (0xC010, "ECDHE-RSA-NULL-SHA", "TLS_ECDHE_RSA_WITH_NULL_SHA", "10+", ("null",)),
    # anonymous ECDH
    (0xC015, "AECDH-NULL-SHA", "TLS_ECDH_anon_WITH_NULL_SHA", "10+", ("anonymous", "null")),
    (0xC016, "AECDH-RC4-SHA", "TLS_ECDH_anon_WITH_RC4_128_SHA", "10+", ("anonymous", "rc4")),
    (0xC017, "AECDH-DES-CBC3-SHA", "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA", "10+", ("anonymous", "3des")),
    (0xC018, "AECDH-AES128-SHA", "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "10+", ("anonymous",)),
    (0xC019, "AECDH-AES256-SHA", "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", "10+", ("anonymous",)),
    # DHE, TLS 1.2 only
    (0x009E, "DHE-RSA-AES128-GCM-SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "12", ()),
    (0x009F, "DHE-RSA-AES256-GCM-SHA384", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "12", ()),
    (0x00A2, "DHE-DSS-AES128-GCM-SHA256", "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", "12", ()),
    (0x00A3, "DHE-DSS-AES256-GCM-SHA384", "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", "12", ()),
    (0xCCAA, "DHE-RSA-CHACHA20-POLY1305", "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "12", ()),
    (0x0067, "DHE-RSA-AES128-SHA256", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "12", ()),
    (0x006B, "DHE-RSA-AES256-SHA256", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "12", ()),
    (0x0040, "DHE-DSS-AES128-SHA256", "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", "12", ()),
    (0x006A, "DHE-DSS-AES256-SHA256", "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", "12", ()),
    (0xC09E, "DHE-RSA-AES128-CCM", "TLS_DHE_RSA_WITH_AES_128_CCM", "12", ()),
    (0xC09F, "DHE-RSA-AES256-CCM", "TLS_DHE_RSA_WITH_AES_256_CCM", "12", ()),
    (0xC0A2, "DHE-RSA-AES128-CCM8", "TLS_DHE_RSA_WITH_AES_128_CCM_8", "12", ()),
    (0xC0A3, "DHE-RSA-AES256-CCM8", "TLS_DHE_RSA_WITH_AES_256_CCM_8", "12", ()),
    (0xC052, "DHE-RSA-ARIA128-GCM-SHA256", "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", "12", ()),
    (0xC053, "DHE-RSA-ARIA256-GCM-SHA384", "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", "12", ()),
    (0xC056, "DHE-DSS-ARIA128-GCM-SHA256", "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256", "12", ()),
    (0xC057, "DHE-DSS-ARIA256-GCM-SHA384", "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384", "12", ()),
    (0x00BE, "DHE-RSA-CAMELLIA128-SHA256", "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "12", ()),
    (0x00C4, "DHE-RSA-CAMELLIA256-SHA256", "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", "12", ()),
    (0x00BD, "DHE-DSS-CAMELLIA128-SHA256", "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256", "12", ()),
    (0x00C3, "DHE-DSS-CAMELLIA256-SHA256", "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256", "12", ()),
    # DHE, SSLv3 to TLS 1.2
    (0x0033, "DHE-RSA-AES128-SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "30+", ()),
    (0x0039, "DHE-RSA-AES256-SHA", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "30+", ()),
    (0x0032, "DHE-DSS-AES128-SHA", "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "30+", ()),
    (0x0038, "DHE-DSS-AES256-SHA", "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "30+", ()),
    (0x0045, "DHE-RSA-CAMELLIA128-SHA", "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", "30+", ()),
    (0x0088, "DHE-RSA-CAMELLIA256-SHA", "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", "30+", ()),
    (0x0044, "DHE-DSS-CAMELLIA128-SHA", "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", "30+", ()),
    (0x0087, "DHE-DSS-CAMELLIA256-SHA", "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", "30+", ()),
    (0x009A, "DHE-RSA-SEED-SHA", "TLS_DHE_RSA_WITH_SEED_CBC_SHA", "30+", ()),
    (0x0016, "EDH-RSA-DES-CBC3-SHA", "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", "30+", ("3des",)),
    (0x0013, "EDH-DSS-DES-CBC3-SHA", "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", "30+", ("3des",)),
    (0x0015, "EDH-RSA-DES-CBC-SHA", "TLS_DHE_RSA_WITH_DES_CBC_SHA", "30-11", ("des",)),
    (0x0012, "EDH-DSS-DES-CBC-SHA", "TLS_DHE_DSS_WITH_DES_CBC_SHA", "30-11", ("des",)),
    # RSA key exchange, TLS 1.2 only
    (0x009C, "AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256", "12", ()),
    (0x009D, "AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384", "12", ()),
    (0x003C, "AES128-SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256", "12", ()),
    (0x003D, "AES256-SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256", "12", ()),
    (0xC09C, "AES128-CCM", "TLS_RSA_WITH_AES_128_CCM", "12", ()),
    (0xC09D, "AES256-CCM", "TLS_RSA_WITH_AES_256_CCM", "12", ()),
    (0xC0A0, "AES128-CCM8", "TLS_RSA_WITH_AES_128_CCM_8", "12", ()),
    (0xC0A1, "AES256-CCM8", "TLS_RSA_WITH_AES_256_CCM_8", "12", ()),
    (0xC050, "ARIA128-GCM-SHA256", "TLS_RSA_WITH_ARIA_128_GCM_SHA256", "12", ()),
    (0xC051, "ARIA256-GCM-SHA384", "TLS_RSA_WITH_ARIA_256_GCM_SHA384", "12", ()),
    (0x00BA, "CAMELLIA128-SHA256", "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", "12", ()),
    (0x00C0, "CAMELLIA256-SHA256", "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", "12", ()),
    (0x003B, "NULL-SHA256", "TLS_RSA_WITH_NULL_SHA256", "12", ("null",)),
    # RSA key exchange, SSLv3 to TLS 1.2
    (0x002F, "AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA", "30+", ()),
    (0x0035, "AES256-SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", "30+", ()),
    (0x0041, "CAMELLIA128-SHA", "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", "30+", ()),
    (0x0084, "CAMELLIA256-SHA", "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", "30+", ()),
    (0x0096, "SEED-SHA", "TLS_RSA_WITH_SEED_CBC_SHA", "30+", ()),
    (0x000A, "DES-CBC3-SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "30+", ("3des",)),
    (0x0004, "RC4-MD5", "TLS_RSA_WITH_RC4_128_MD5", "30+", ("rc4",)),
    (0x0005, "RC4-SHA", "TLS_RSA_WITH_RC4_128_SHA", "30+", ("rc4",)),
    (0x0001, "NULL-MD5", "TLS_RSA_WITH_NULL_MD5", "30+", ("null",)),
    (0x0002, "NULL-SHA", "TLS_RSA_WITH_NULL_SHA", "30+", ("null",)),
    (0x0007, "IDEA-CBC-SHA", "TLS_RSA_WITH_IDEA_CBC_SHA", "30-11", ()),
    (0x0009, "DES-CBC-SHA", "TLS_RSA_WITH_DES_CBC_SHA", "30-11", ("des",)),
    # export grade
    (0x0003, "EXP-RC4-MD5", "TLS_RSA_EXPORT_WITH_RC4_40_MD5", "30-10", ("export", "rc4")),
    (0x0006, "EXP-RC2-CBC-MD5", "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", "30-10", ("export",)),
    (0x0008, "EXP-DES-CBC-SHA", "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", "30-10", ("export",)),
    (0x0011, "EXP-EDH-DSS-DES-CBC-SHA", "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", "30-10", ("export",)),
    (0x0014, "EXP-EDH-RSA-DES-CBC-SHA", "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", "30-10", ("export",)),
    (
        0x0017,
        "EXP-ADH-RC4-MD5",
        "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5",
        "30-10",
        ("export", "anonymous", "rc4"),
    ),
    (
        0x0019,
        "EXP-ADH-DES-CBC-SHA",
        "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA",
        "30-10",
        ("export", "anonymous"),
    ),
    # anonymous DH
    (0x0018, "ADH-RC4-MD5", "TLS_DH_anon_WITH_RC4_128_MD5", "30+", ("anonymous", "rc4")),
    (0x001B, "ADH-DES-CBC3-SHA", "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", "30+", ("anonymous", "3des")),
    (0x001A, "ADH-DES-CBC-SHA", "TLS_DH_anon_WITH_DES_CBC_SHA", "30-11", ("anonymous", "des")),
    (0x0034, "ADH-AES128-SHA", "TLS_DH_anon_WITH_AES_128_CBC_SHA", "30+", ("anonymous",)),
    (0x003A, "ADH-AES256-SHA", "TLS_DH_anon_WITH_AES_256_CBC_SHA", "30+", ("anonymous",)),
    (0x0046, "ADH-CAMELLIA128-SHA", "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", "30+", ("anonymous",)),
    (0x0089, "ADH-CAMELLIA256-SHA", "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", "30+", ("anonymous",)),
    (0x009B, "ADH-SEED-SHA", "TLS_DH_anon_WITH_SEED_CBC_SHA", "30+", ("anonymous",)),
    (0x006C, "ADH-AES128-SHA256", "TLS_DH_anon_WITH_AES_128_CBC_SHA256", "12", ("anonymous",)),
    (0x006D, "ADH-AES256-SHA256", "TLS_DH_anon_WITH_AES_256_CBC_SHA256", "12", ("anonymous",)),
    (0x00A6, "ADH-AES128-GCM-SHA256", "TLS_DH_anon_WITH_AES_128_GCM_SHA256", "12", ("anonymous",)),
    (0x00A7, "ADH-AES256-GCM-SHA384", "TLS_DH_anon_WITH_AES_256_GCM_SHA384", "12", ("anonymous",)),
    (0x00BF, "ADH-CAMELLIA128-SHA256", "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256", "12", ("anonymous",)),
    (0x00C5, "ADH-CAMELLIA256-SHA256", "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256", "12", ("anonymous",)),
)

SUITES: tuple[CipherSuite, ...] = tuple(
    CipherSuite(code, openssl, iana, _SPANS[span], weak) for code, openssl, iana, span, weak in _TABLE
)
_BY_CODE = {s.code: s for s in SUITES}
_BY_NAME = {name: s for s in SUITES for name in (s.openssl, s.iana)}

# Signalling value, not a suite: offered beside the tested suite so renegotiation-aware servers talk to us.
EMPTY_RENEGOTIATION_INFO_SCSV = 0x00FF


def by_code(code: int) -> CipherSuite | None:
    return _BY_CODE.get(code)


def by_name(name: str) -> CipherSuite:
    """A suite by OpenSSL or IANA name (KeyError when unknown)."""
    suite = _BY_NAME.get(name.strip())
    if suite is None:
        raise KeyError(f"unknown cipher suite {name!r}")
    return suite


def suite_label(code: int) -> str:
    """The OpenSSL name of a suite code, or its hex code when the table does not know it."""
    suite = _BY_CODE.get(code)
    return suite.openssl if suite else f"0x{code:04X}"


def candidate_pairs(extra: Iterable[CipherSuite] = ()) -> list[tuple[Protocol, CipherSuite]]:
    """Every (protocol, suite) pair the prober tries: each suite with each version that defines it."""
    suites = {s.code: s for s in (*SUITES, *extra)}
    return [(p, s) for p in NEWEST_FIRST for s in suites.values() if s.defined_for(p)]


def pair_order(protocol: Protocol, suite: CipherSuite) -> tuple[int, str]:
    """Sort key: newest protocol first, then by OpenSSL name."""
    return (-int(protocol), suite.openssl)


def weakness_of(protocol: Protocol, suite: CipherSuite) -> tuple[str, ...]:
    """Why a pair is legacy: the suite's own weaknesses plus SSLv3 as a protocol."""
    return (("sslv3",) if protocol is Protocol.SSLv3 else ()) + suite.weaknesses


def iter_suites() -> Iterator[CipherSuite]:
    return iter(SUITES)
