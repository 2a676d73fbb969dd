"""Typed, frozen results of a probe: what each job saw and what an endpoint is, once assembled.

A job outcome says what one connection saw. "Could not run" (an error with its reason) is kept
apart from "refused": a timed-out handshake never counts as a refusal, and an endpoint that could
not be probed gets errors, never a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from ringfence.probe.ciphers import CipherSuite, Protocol
from ringfence.probe.targets import Endpoint


class PairStatus(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    ERROR = "error"


class MtlsVerdict(StrEnum):
    REFUSED_HANDSHAKE = "refused_handshake"
    REFUSED_HTTP = "refused_http"
    ACCEPTED = "accepted"
    ERROR = "error"


class MtlsCaseName(StrEnum):
    NO_CERT = "no_cert"
    UNTRUSTED_CERT = "untrusted_cert"
    TRUSTED_CERT = "trusted_cert"


# --- job outcomes (one connection each) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreflightOutcome:
    """Does the endpoint answer a ClientHello in TLS at all? Errors here stop the endpoint's probe."""

    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class PairOutcome:
    protocol: Protocol
    suite: CipherSuite
    status: PairStatus
    detail: str = ""
    timed_out: bool = False


@dataclass(frozen=True, slots=True)
class ChainOutcome:
    certificates: tuple[bytes, ...]  # DER, as served, leaf first
    source: str  # "handshake" (ssl) or "certificate-message" (raw TLS <= 1.2)
    error: str = ""


class Verification(StrEnum):
    VERIFIED = "verified"
    FAILED = "failed"
    NOT_DONE = "not_done"


@dataclass(frozen=True, slots=True)
class VerifyOutcome:
    verification: Verification
    detail: str = ""


@dataclass(frozen=True, slots=True)
class MtlsCaseOutcome:
    case: MtlsCaseName
    verdict: MtlsVerdict
    detail: str


@dataclass(frozen=True, slots=True)
class Pair:
    protocol: Protocol
    suite: CipherSuite

    @property
    def label(self) -> str:
        return f"{self.protocol.label} {self.suite.openssl}"


class JobKind(StrEnum):
    PREFLIGHT = "preflight"
    CHAIN = "chain"
    VERIFY = "verify"


JobKey = Pair | MtlsCaseName | JobKind


def job_label(key: JobKey) -> str:
    if isinstance(key, Pair):
        return key.label
    if isinstance(key, MtlsCaseName):
        return f"mTLS {key.value}"
    return key.value


@dataclass(frozen=True, slots=True)
class SkippedJob:
    """A job that never ran or broke (budget spent, endpoint abandoned, internal error)."""

    key: JobKey
    reason: str


Outcome = PreflightOutcome | PairOutcome | ChainOutcome | VerifyOutcome | MtlsCaseOutcome | SkippedJob


# --- assembled results -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CertInfo:
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    key: str  # "RSA 2048", "EC secp256r1 256", "Ed25519"
    key_type: str  # RSA | EC | Ed25519 | Ed448 | DSA | other
    key_bits: int
    signature: str  # "sha256WithRSAEncryption"
    signature_hash: str | None  # "sha256"; None for Ed25519/Ed448
    is_ca: bool
    self_signed: bool
    dns_names: tuple[str, ...]
    ip_addresses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MtlsResult:
    no_cert: MtlsCaseOutcome
    untrusted_cert: MtlsCaseOutcome
    trusted_cert: MtlsCaseOutcome

    def cases(self) -> tuple[MtlsCaseOutcome, ...]:
        return (self.no_cert, self.untrusted_cert, self.trusted_cert)


@dataclass(frozen=True, slots=True)
class PolicyDiff:
    extra: tuple[Pair, ...]  # accepted, not in the policy
    missing: tuple[Pair, ...]  # in the policy, refused


@dataclass(frozen=True, slots=True)
class EndpointResult:
    endpoint: Endpoint
    probed: bool  # the endpoint answered in TLS; False: errors only, no verdict
    accepted: tuple[Pair, ...] = ()
    refused: tuple[Pair, ...] = ()
    untested: tuple[tuple[Pair, str], ...] = ()  # pairs that errored or never ran, with why
    chain: tuple[CertInfo, ...] = ()
    chain_source: str = ""
    chain_error: str = ""
    verification: VerifyOutcome = field(default_factory=lambda: VerifyOutcome(Verification.NOT_DONE))
    mtls: MtlsResult | None = None
    policy_diff: PolicyDiff | None = None
    errors: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.probed and not self.untested and not self.errors
