"""ClientHello bytes and the parsing of what a server answers to one. Pure: no sockets here.

The stdlib `ssl` module cannot offer a single TLS 1.3 suite, and the system OpenSSL no longer offers
SSLv3, RC4 or 3DES at all, so a prober built on it reports "refused" for what it never asked. Whether
a server accepts a (version, suite) pair is decided by its reply to a ClientHello offering exactly
that, so the ClientHello is built here byte by byte and only the ServerHello (or HelloRetryRequest,
or an Alert) is read back; no key exchange is completed.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from ringfence.probe.ciphers import EMPTY_RENEGOTIATION_INFO_SCSV, Protocol

CONTENT_CHANGE_CIPHER_SPEC = 20
CONTENT_ALERT = 21
CONTENT_HANDSHAKE = 22
CONTENT_APPLICATION_DATA = 23
_CONTENT_TYPES = {20, 21, 22, 23, 24}

HANDSHAKE_SERVER_HELLO = 2
HANDSHAKE_CERTIFICATE = 11
HANDSHAKE_SERVER_HELLO_DONE = 14

EXT_SERVER_NAME = 0
EXT_SUPPORTED_GROUPS = 10
EXT_EC_POINT_FORMATS = 11
EXT_SIGNATURE_ALGORITHMS = 13
EXT_PADDING = 21
EXT_EXTENDED_MASTER_SECRET = 23
EXT_SUPPORTED_VERSIONS = 43
EXT_PSK_KEY_EXCHANGE_MODES = 45
EXT_KEY_SHARE = 51

GROUP_X25519 = 0x001D
_GROUPS = (
    GROUP_X25519,
    0x0017,
    0x0018,
    0x0019,
    0x001E,
    0x0100,
    0x0101,
)  # x25519 P-256 P-384 P-521 x448 ffdhe2048/3072
_SIGNATURE_ALGORITHMS = (
    0x0403, 0x0503, 0x0603,  # ecdsa_secp256r1_sha256 .. secp521r1_sha512
    0x0807, 0x0808,  # ed25519, ed448
    0x0804, 0x0805, 0x0806,  # rsa_pss_rsae_sha256 .. sha512
    0x0809, 0x080A, 0x080B,  # rsa_pss_pss_sha256 .. sha512
    0x0401, 0x0501, 0x0601,  # rsa_pkcs1_sha256 .. sha512
    0x0303, 0x0301, 0x0302, 0x0402,  # sha224 ecdsa/rsa/dsa, dsa_sha256
    0x0203, 0x0201, 0x0202,  # ecdsa_sha1, rsa_pkcs1_sha1, dsa_sha1: legacy servers sign with these
)  # fmt: skip

# RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest.
HELLO_RETRY_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")

ALERTS = {
    0: "close_notify",
    10: "unexpected_message",
    20: "bad_record_mac",
    21: "decryption_failed",
    22: "record_overflow",
    30: "decompression_failure",
    40: "handshake_failure",
    41: "no_certificate",
    42: "bad_certificate",
    43: "unsupported_certificate",
    44: "certificate_revoked",
    45: "certificate_expired",
    46: "certificate_unknown",
    47: "illegal_parameter",
    48: "unknown_ca",
    49: "access_denied",
    50: "decode_error",
    51: "decrypt_error",
    60: "export_restriction",
    70: "protocol_version",
    71: "insufficient_security",
    80: "internal_error",
    86: "inappropriate_fallback",
    90: "user_canceled",
    100: "no_renegotiation",
    109: "missing_extension",
    110: "unsupported_extension",
    112: "unrecognized_name",
    113: "bad_certificate_status_response",
    115: "unknown_psk_identity",
    116: "certificate_required",
    120: "no_application_protocol",
}
# Alerts that say "our ClientHello was malformed" or "the server broke", not "no": reading them as a
# refusal would turn a prober bug or a sick server into a silent pass.
NOT_A_REFUSAL = frozenset({10, 20, 22, 30, 50, 80})


def alert_name(code: int) -> str:
    return ALERTS.get(code, f"alert {code}")


class MalformedReply(ValueError):
    """The server's bytes are not a well-formed TLS answer."""


# --- building ------------------------------------------------------------------------------------


def _u8(n: int) -> bytes:
    return struct.pack("!B", n)


def _u16(n: int) -> bytes:
    return struct.pack("!H", n)


def _u24(n: int) -> bytes:
    return struct.pack("!I", n)[1:]


def _vec8(data: bytes) -> bytes:
    return _u8(len(data)) + data


def _vec16(data: bytes) -> bytes:
    return _u16(len(data)) + data


def _ext(kind: int, data: bytes) -> bytes:
    return _u16(kind) + _vec16(data)


def _server_name(host: str) -> bytes:
    name = host.encode("idna") if not host.isascii() else host.encode("ascii")
    return _vec16(_u8(0) + _vec16(name))


def x25519_public_key() -> bytes:
    """An X25519 key share for a handshake that never completes: the server only needs a valid
    point to answer with its ServerHello, and every 32-byte string is one (RFC 7748 masks the top
    bit; the few low-order points are 2^-250 unlikely). No private key is kept: none is needed."""
    return os.urandom(32)


def build_client_hello(
    protocol: Protocol,
    suites: Sequence[int],
    server_name: str | None,
    *,
    offer_versions: Sequence[Protocol] = (),
    key_share: bytes | None = None,
) -> bytes:
    """One TLS record holding a ClientHello for `protocol` offering exactly `suites`.

    For TLS 1.3 (or when `offer_versions` names versions for supported_versions) the hello carries
    supported_versions, key_share (x25519) and psk_key_exchange_modes; the legacy version is TLS 1.2.
    SSLv3 hellos carry no extensions, as SSLv3-era servers expect.
    """
    versions = tuple(offer_versions) or ((Protocol.TLSv1_3,) if protocol is Protocol.TLSv1_3 else ())
    modern = Protocol.TLSv1_3 in versions
    legacy_version = Protocol.TLSv1_2 if modern else protocol
    offered = list(suites)
    if not modern or any(v < Protocol.TLSv1_3 for v in versions):
        offered.append(EMPTY_RENEGOTIATION_INFO_SCSV)
    session_id = os.urandom(32) if modern else b""
    body = (
        _u16(int(legacy_version))
        + os.urandom(32)
        + _vec8(session_id)
        + _vec16(b"".join(_u16(s) for s in offered))
        + _vec8(b"\x00")
    )
    if protocol is not Protocol.SSLv3 or modern:
        extensions = b""
        if server_name:
            extensions += _ext(EXT_SERVER_NAME, _server_name(server_name))
        extensions += _ext(EXT_SUPPORTED_GROUPS, _vec16(b"".join(_u16(g) for g in _GROUPS)))
        extensions += _ext(EXT_EC_POINT_FORMATS, _vec8(b"\x00"))
        extensions += _ext(EXT_SIGNATURE_ALGORITHMS, _vec16(b"".join(_u16(a) for a in _SIGNATURE_ALGORITHMS)))
        extensions += _ext(EXT_EXTENDED_MASTER_SECRET, b"")
        if modern:
            extensions += _ext(EXT_SUPPORTED_VERSIONS, _vec8(b"".join(_u16(int(v)) for v in versions)))
            share = key_share if key_share is not None else x25519_public_key()
            extensions += _ext(EXT_KEY_SHARE, _vec16(_u16(GROUP_X25519) + _vec16(share)))
            extensions += _ext(EXT_PSK_KEY_EXCHANGE_MODES, _vec8(b"\x01"))  # psk_dhe_ke
        # Some middleboxes hang on hellos of 256 to 511 bytes (RFC 7685): pad those to 512.
        unpadded = 4 + len(body) + 2 + len(extensions)
        if 256 <= unpadded < 512:
            extensions += _ext(EXT_PADDING, b"\x00" * max(0, 512 - unpadded - 4))
        body += _vec16(extensions)
    handshake = _u8(1) + _u24(len(body)) + body
    record_version = Protocol.SSLv3 if protocol is Protocol.SSLv3 and not modern else Protocol.TLSv1
    return _u8(CONTENT_HANDSHAKE) + _u16(int(record_version)) + _vec16(handshake)


# --- parsing -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Record:
    content_type: int
    version: int
    payload: bytes


@dataclass(frozen=True, slots=True)
class ServerHello:
    legacy_version: int
    cipher_suite: int
    selected_version: int | None  # from supported_versions (TLS 1.3)
    hello_retry: bool

    @property
    def version(self) -> int:
        return self.selected_version if self.selected_version is not None else self.legacy_version


@dataclass(frozen=True, slots=True)
class Alert:
    level: int
    description: int

    @property
    def name(self) -> str:
        return alert_name(self.description)


def split_records(buffer: bytes) -> tuple[list[Record], bytes]:
    """Complete records at the head of `buffer`, and the bytes left over. Raises MalformedReply."""
    records: list[Record] = []
    offset = 0
    while len(buffer) - offset >= 5:
        content_type, version, length = struct.unpack_from("!BHH", buffer, offset)
        if content_type not in _CONTENT_TYPES or version >> 8 != 3:
            raise MalformedReply(describe_non_tls(buffer[offset:]))
        if length > 2**14 + 2048:
            raise MalformedReply(f"a TLS record of {length} bytes is longer than the protocol allows")
        if len(buffer) - offset - 5 < length:
            break
        records.append(Record(content_type, version, buffer[offset + 5 : offset + 5 + length]))
        offset += 5 + length
    if offset == 0 and buffer and (buffer[0] not in _CONTENT_TYPES or (len(buffer) > 1 and buffer[1] != 3)):
        raise MalformedReply(describe_non_tls(buffer))
    return records, buffer[offset:]


def describe_non_tls(data: bytes) -> str:
    head = data[:16]
    if head.startswith(b"HTTP/"):
        return "the server answered in plain HTTP, not TLS"
    if head[:1].isalpha() and head[:12].isascii():
        text = head.decode("ascii", "replace").split("\r")[0].split("\n")[0]
        return f"the server's answer is not TLS (it starts with text {text!r})"
    return f"the server's answer is not TLS (it starts with bytes {head[:8].hex(' ')})"


def split_handshake_messages(data: bytes) -> tuple[list[tuple[int, bytes]], bytes]:
    """Complete handshake messages (type, body) at the head of `data`, and the rest."""
    messages: list[tuple[int, bytes]] = []
    offset = 0
    while len(data) - offset >= 4:
        kind = data[offset]
        length = int.from_bytes(data[offset + 1 : offset + 4], "big")
        if len(data) - offset - 4 < length:
            break
        messages.append((kind, data[offset + 4 : offset + 4 + length]))
        offset += 4 + length
    return messages, data[offset:]


def parse_alert(payload: bytes) -> Alert:
    if len(payload) < 2:
        raise MalformedReply("a truncated TLS alert")
    return Alert(payload[0], payload[1])


def parse_server_hello(body: bytes) -> ServerHello:
    try:
        (legacy_version,) = struct.unpack_from("!H", body, 0)
        random = body[2:34]
        sid_len = body[34]
        offset = 35 + sid_len
        (suite,) = struct.unpack_from("!H", body, offset)
        offset += 3  # suite + compression method
        selected: int | None = None
        if len(body) > offset:
            (ext_total,) = struct.unpack_from("!H", body, offset)
            offset += 2
            end = offset + ext_total
            if end > len(body):
                raise MalformedReply("ServerHello extensions run past the message")
            while offset + 4 <= end:
                kind, length = struct.unpack_from("!HH", body, offset)
                data = body[offset + 4 : offset + 4 + length]
                if kind == EXT_SUPPORTED_VERSIONS and len(data) == 2:
                    selected = struct.unpack("!H", data)[0]
                offset += 4 + length
    except (struct.error, IndexError):
        raise MalformedReply("a truncated ServerHello") from None
    if len(random) != 32:
        raise MalformedReply("a truncated ServerHello")
    return ServerHello(legacy_version, suite, selected, random == HELLO_RETRY_RANDOM)


def parse_certificate_list(body: bytes) -> list[bytes]:
    """DER certificates of a TLS 1.2-or-older Certificate message (leaf first)."""
    if len(body) < 3:
        raise MalformedReply("a truncated Certificate message")
    total = int.from_bytes(body[:3], "big")
    offset, end = 3, min(3 + total, len(body))
    certificates: list[bytes] = []
    while offset + 3 <= end:
        length = int.from_bytes(body[offset : offset + 3], "big")
        certificates.append(body[offset + 3 : offset + 3 + length])
        offset += 3 + length
    return certificates
