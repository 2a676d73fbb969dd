"""Find credentials in text people write into AWS, and redact them.

User data, environment variables and template parameters are read only to be scanned: what reaches
the model is a redacted text and the findings (kind, location, a preview of a few characters), never
a secret itself. What is found (and reported):

- AWS access key ids (AKIA... long-term, ASIA... temporary); the documentation's example keys (ending
  in EXAMPLE) are not credentials;
- AWS secret access keys: 40 characters of base64 named as one (aws_secret_access_key=...,
  "SecretAccessKey": ...), or beside an access key id;
- private key blocks (-----BEGIN ... PRIVATE KEY-----);
- well-known token formats (GitHub, Slack, Stripe live keys, Google API keys);
- passwords in URLs (scheme://user:password@host);
- assignments to a name that says "secret" (password=, DB_PASSWORD:, api_key=, --password X, a
  variable named SECRET_TOKEN) whose value looks like a secret: at least 8 characters, not a
  reference (${VAR}, $(command), {{resolve:...}}, an ARN, a path, a URL), not a placeholder, and of
  high entropy (>= 3 bits per character), so "password_length=16" and "token_ttl=3600" are quiet.

What is redacted goes further than what is reported: every value assigned to a secret-sounding name
(unless it is a reference) and every long high-entropy token are masked in the stored text too.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import email
import math
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ringfence.model.secrets import SecretFinding

REDACTED = "[REDACTED]"
MAX_STORED = 16 * 1024  # characters of redacted text kept (EC2 user data is at most 16 KB raw)
MAX_DECODED = 1024 * 1024  # bytes a compressed or encoded blob may expand to before it is cut
MIN_SECRET_LENGTH = 8
MIN_ENTROPY = 3.0  # bits per character of a generic secret value

KEYWORD = (
    r"(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|"
    r"private[_-]?key|credentials?|auth[_-]?key)"
)
_NAME_CHARS = r"[A-Za-z0-9_.-]"
SENSITIVE_NAME = re.compile(rf"(?i){KEYWORD}")
# Names that hold a reference to, or a property of, a secret rather than the secret itself.
NOT_A_SECRET_NAME = re.compile(
    r"(?i)(?:^|[_.-])(?:arn|name|names|id|ids|param|parameter|path|file|url|uri|endpoint|length|len|"
    r"ttl|expiry|expiration|expires|timeout|type|region|enabled|required|header|policy|rotation|"
    r"version|prefix|location|ref|store|count|size|format|mode|algorithm|duration|lifetime|min|max)$"
)
PLACEHOLDER_WORDS = (
    "example",
    "changeme",
    "change_me",
    "placeholder",
    "redacted",
    "replace",
    "your_",
    "your-",
    "dummy",
    "xxxx",
    "****",
    "<",
    "todo",
)
REFERENCE_PREFIXES = ("$", "{{", "%(", "<", "!", "arn:", "/", "./", "../", "~/", "file:", "resolve:", "ssm:")

_PRIVATE_KEY = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----.*?(?:-----END \1PRIVATE KEY\2-----|\Z)", re.S
)
_ACCESS_KEY_ID = re.compile(r"(?<![A-Za-z0-9])((?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Za-z0-9])")
_SECRET_KEY_NAMED = re.compile(
    r"(?i)(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)[\"']?\s*(?:=>|[:=]|\s)\s*[\"']?"
    r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
)
_BASE64_40 = re.compile(r"(?<![A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")
_TOKENS = re.compile(
    r"(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|"
    r"xox[abposr]-[A-Za-z0-9-]{10,}|[sr]k_live_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{35})"
)
_URL_CREDENTIALS = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}://[^\s:/@'\"]+:([^\s@/'\"]+)@")
# A name, then = or :, then a value. Names are bounded and checked for a keyword afterwards, in
# Python: a keyword inside an unbounded name pattern backtracks quadratically on long runs of letters.
_ASSIGNMENT = re.compile(
    rf"(?<!{_NAME_CHARS})({_NAME_CHARS}{{1,128}})[\"']?[ \t]*(?:=|:(?!//))[ \t]*"
    r"(\"[^\"\n]*\"|'[^'\n]*'|[^\s\"',;#}\]]+)"
)
_FLAG = re.compile(r"(?<![A-Za-z0-9_-])(--?[A-Za-z0-9-]{1,64})[ \t]+(\"[^\"\n]*\"|'[^'\n]*'|[^\s\"']+)")
_FLAG_NAME = re.compile(r"(?i)password|passwd|secret|token")
_LONG_TOKEN = re.compile(r"(?<![A-Za-z0-9/+=_-])([A-Za-z0-9/+=_-]{32,})(?![A-Za-z0-9/+=_-])")
_BASE64_BLOB = re.compile(r"(?<![A-Za-z0-9/+=])([A-Za-z0-9+/]{24,}={0,2})(?![A-Za-z0-9/+=])")
_NEAR = 200  # characters around an access key id where a bare 40-character value is its secret


@dataclass(frozen=True, slots=True)
class Scanned:
    redacted: str
    findings: tuple[SecretFinding, ...]


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    kind: str  # "" for a span masked without a finding
    preview: str = ""
    inner: tuple[SecretFinding, ...] = ()  # found in the span's base64-decoded text


# --- public API ------------------------------------------------------------------------------------


def scan_text(text: str, where: str, *, depth: int = 0) -> Scanned:
    """The text redacted and what was found in it; locations are "`where` line N"."""
    hits = _resolve(_hits(text, depth))
    locate = _Lines(text, where)
    findings: list[SecretFinding] = []
    for h in hits:
        if h.kind:
            findings.append(SecretFinding(kind=h.kind, location=locate(h.start), preview=h.preview))
        location = f"{locate(h.start)} (base64-decoded)" if h.inner else ""
        findings.extend(SecretFinding(f.kind, location, f.preview) for f in h.inner)  # inside blobs
    return Scanned(redacted=_cap(_apply(text, hits)), findings=tuple(_unique(findings)))


def scan_pairs(
    pairs: Iterable[tuple[str, str]], where: str
) -> tuple[dict[str, str], tuple[SecretFinding, ...]]:
    """Named values (environment variables, parameters): the values redacted, and the findings,
    located as "`where` NAME"."""
    redacted: dict[str, str] = {}
    findings: list[SecretFinding] = []
    for name, value in pairs:
        location = f"{where} {name}".strip()
        scanned = scan_text(value, location)
        found = [SecretFinding(f.kind, location, f.preview) for f in scanned.findings]
        sensitive = is_sensitive_name(name) and not is_reference(value)
        if sensitive and not found and is_secret_like(value):
            found.append(SecretFinding(_named_kind(name, value), location, preview(value)))
        findings.extend(found)
        redacted[name] = REDACTED if sensitive and value else scanned.redacted
    return redacted, tuple(_unique(findings))


def preview(secret: str) -> str:
    """The first few characters (at most 6, at most a quarter of the secret) and an ellipsis."""
    shown = min(6, len(secret) // 4)
    return secret[:shown] + "…"


def is_sensitive_name(name: str) -> bool:
    return bool(SENSITIVE_NAME.search(name)) and not NOT_A_SECRET_NAME.search(name)


def is_reference(value: str) -> bool:
    v = value.strip().strip("\"'").strip()
    return v.startswith(REFERENCE_PREFIXES) or "://" in v or v.lower().startswith("secretsmanager:")


def is_secret_like(value: str) -> bool:
    """Whether a value assigned to a secret-sounding name looks like a real secret."""
    v = value.strip().strip("\"'").strip()
    if len(v) < MIN_SECRET_LENGTH or is_reference(v) or v.startswith("-"):
        return False
    lowered = v.lower()
    if any(word in lowered for word in PLACEHOLDER_WORDS):
        return False
    if re.fullmatch(r"[\d.:-]+", v) or lowered in ("true", "false", "none", "null"):
        return False
    return len(set(v)) >= 5 and entropy(v) >= MIN_ENTROPY


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts: dict[str, int] = {}
    for ch in value:
        counts[ch] = counts.get(ch, 0) + 1
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def decode_user_data(data: bytes | str | None) -> str | None:
    """The text of EC2 user data as the API returns it (base64), gunzipped, double base64 decoded
    and MIME multipart parts unpacked as cloud-init would; None when there is none."""
    if data is None or data == "" or data == b"":
        return None
    raw = data.encode() if isinstance(data, str) else data
    try:
        blob = base64.b64decode(raw, validate=False)
    except (binascii.Error, ValueError):
        blob = raw
    text = _bytes_to_text(blob)
    compact = "".join(text.split())
    inner = _decoded_blob(compact) if _BASE64_BLOB.fullmatch(compact) else None
    text = inner if inner is not None else text
    return _unpack_mime(text)


# --- detection -------------------------------------------------------------------------------------


def _hits(text: str, depth: int) -> Iterator[_Hit]:
    for m in _PRIVATE_KEY.finditer(text):
        label = f"{m.group(1)}PRIVATE KEY{m.group(2) or ''}".strip()
        yield _Hit(m.start(), m.end(), "private_key", f"{label} block")
    key_ids: list[int] = []
    for m in _ACCESS_KEY_ID.finditer(text):
        if not m.group(1).endswith("EXAMPLE"):
            key_ids.append(m.start(1))
            yield _Hit(m.start(1), m.end(1), "aws_access_key_id", preview(m.group(1)))
    for m in _SECRET_KEY_NAMED.finditer(text):
        if "EXAMPLE" not in m.group(1):
            yield _Hit(m.start(1), m.end(1), "aws_secret_access_key", preview(m.group(1)))
    for m in _BASE64_40.finditer(text):
        value = m.group(1)
        near = any(abs(m.start(1) - at) <= _NEAR for at in key_ids)
        mixed = re.search(r"[a-z]", value) and re.search(r"[A-Z]", value)
        if near and mixed and "EXAMPLE" not in value:
            yield _Hit(m.start(1), m.end(1), "aws_secret_access_key", preview(value))
    for m in _TOKENS.finditer(text):
        yield _Hit(m.start(1), m.end(1), "token", preview(m.group(1)))
    for m in _URL_CREDENTIALS.finditer(text):
        password = m.group(1)
        if len(password) >= 4 and not _placeholder(password):
            yield _Hit(m.start(1), m.end(1), "url_credentials", preview(password))
    for pattern in (_ASSIGNMENT, _FLAG):
        for m in pattern.finditer(text):
            yield from _assignment(m, text)
    for m in _LONG_TOKEN.finditer(text):
        value = m.group(1)
        classes = all(re.search(c, value) for c in (r"\d", r"[a-z]", r"[A-Z]"))
        if classes and entropy(value) >= 4.0:
            yield _Hit(m.start(1), m.end(1), "")
    if depth == 0:
        for m in _BASE64_BLOB.finditer(text):
            inner = _decoded_blob(m.group(1))
            found = scan_text(inner, "", depth=1).findings if inner is not None else ()
            if found:
                yield _Hit(m.start(1), m.end(1), "", inner=found)


def _assignment(m: re.Match[str], text: str) -> Iterator[_Hit]:
    name, quoted = m.group(1), m.group(2)
    keyword = _FLAG_NAME if name.startswith("-") else SENSITIVE_NAME
    if not keyword.search(name) or NOT_A_SECRET_NAME.search(name.strip("-")):
        return
    value = quoted[1:-1] if quoted[:1] in "\"'" and len(quoted) >= 2 else quoted
    start = m.start(2) + (1 if value is not quoted else 0)
    end = start + len(value)
    if not value or is_reference(value):
        return
    if is_secret_like(value):
        yield _Hit(start, end, _named_kind(name, value), preview(value))
    else:
        yield _Hit(start, end, "")  # masked in the stored text, not reported


def _named_kind(name: str, value: str) -> str:
    if re.search(r"(?i)secret_?access_?key", name) and re.fullmatch(r"[A-Za-z0-9/+]{40}", value.strip()):
        return "aws_secret_access_key"
    return "password"


def _placeholder(value: str) -> bool:
    lowered = value.lower()
    return (
        is_reference(value)
        or lowered in ("password", "pass", "secret")
        or any(word in lowered for word in PLACEHOLDER_WORDS)
    )


def _resolve(hits: Iterable[_Hit]) -> list[_Hit]:
    """Non-overlapping hits: reported ones first, then masks of blobs that hide findings, then other
    masks; among equals an earlier and longer one wins."""
    tiers: tuple[list[_Hit], list[_Hit], list[_Hit]] = ([], [], [])
    for hit in hits:
        tiers[0 if hit.kind else 1 if hit.inner else 2].append(hit)
    kept: list[_Hit] = []  # non-overlapping, sorted by start
    for tier in tiers:
        accepted: list[_Hit] = []
        at = 0  # index into kept of the first span ending after the candidate's start
        for hit in sorted(tier, key=lambda h: (h.start, h.start - h.end)):
            while at < len(kept) and kept[at].end <= hit.start:
                at += 1
            clashes_kept = at < len(kept) and kept[at].start < hit.end
            clashes_tier = bool(accepted) and hit.start < accepted[-1].end
            if not clashes_kept and not clashes_tier:
                accepted.append(hit)
        kept = sorted([*kept, *accepted], key=lambda h: h.start)
    return kept


def _apply(text: str, hits: list[_Hit]) -> str:
    out: list[str] = []
    at = 0
    for hit in hits:
        out.append(text[at : hit.start])
        out.append(f"[REDACTED:{hit.kind}]" if hit.kind else REDACTED)
        at = hit.end
    out.append(text[at:])
    return "".join(out)


class _Lines:
    """ "`where` line N" of an offset in the text ("`where`" alone for a one-line text)."""

    def __init__(self, text: str, where: str) -> None:
        self.where = where
        self.breaks = [i for i, ch in enumerate(text) if ch == "\n"] if "\n" in text.strip() else None

    def __call__(self, offset: int) -> str:
        if self.breaks is None:
            return self.where
        return f"{self.where} line {bisect.bisect_left(self.breaks, offset) + 1}".strip()


def _unique(findings: Iterable[SecretFinding]) -> list[SecretFinding]:
    return list(dict.fromkeys(findings))


def _cap(text: str) -> str:
    return text if len(text) <= MAX_STORED else text[:MAX_STORED] + "\n…[truncated]"


# --- decoding --------------------------------------------------------------------------------------


def _decoded_blob(token: str) -> str | None:
    """The text a base64 token (possibly of gzip) stands for, when it is mostly printable."""
    try:
        blob = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    if blob[:2] == b"\x1f\x8b":
        blob = _gunzip(blob)
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError:
        return None
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text)
    return text if text and printable / len(text) > 0.95 else None


def _bytes_to_text(blob: bytes) -> str:
    if blob[:2] == b"\x1f\x8b":
        blob = _gunzip(blob)
    return blob.decode("utf-8", errors="replace")


def _gunzip(blob: bytes) -> bytes:
    """At most MAX_DECODED bytes of a gzip stream (a truncated or corrupt stream gives what it has)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        return inflater.decompress(blob, MAX_DECODED)
    except zlib.error:
        return blob


def _unpack_mime(text: str) -> str:
    head = text.lstrip()[:200].lower()
    if not (head.startswith("content-type: multipart") or head.startswith("mime-version")):
        return text
    message = email.message_from_string(text)
    if not message.is_multipart():
        return text
    parts: list[str] = []
    for number, part in enumerate(message.walk()):
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        body = _bytes_to_text(payload) if isinstance(payload, bytes) else str(part.get_payload())
        parts.append(f"--- part {number} ({part.get_content_type()}) ---\n{body}")
    return "\n".join(parts) if parts else text
