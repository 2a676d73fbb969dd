"""Protocol and cipher-suite enumeration: one job per (version, suite), one connection per job.

The jobs only say which ClientHello to send; the runner's event loop does the I/O. `interpret`
and `preflight_outcome` are the pure halves: what the server's answer means.
"""

from __future__ import annotations

from functools import partial

from ringfence.probe.ciphers import SUITES, CipherSuite, Protocol, suite_label
from ringfence.probe.clienthello import NOT_A_REFUSAL, build_client_hello
from ringfence.probe.results import JobKind, Pair, PairOutcome, PairStatus, PreflightOutcome
from ringfence.probe.runner import HelloJob
from ringfence.probe.targets import Endpoint
from ringfence.probe.wire import AlertReply, Answer, ClosedReply, Failure


def _version_label(code: int) -> str:
    try:
        return Protocol(code).label
    except ValueError:
        return f"version 0x{code:04X}"


def interpret(protocol: Protocol, suite: CipherSuite, answer: Answer) -> tuple[PairStatus, str]:
    """Accepted only when the server picked exactly the offered version and suite."""
    if isinstance(answer, Failure):
        return PairStatus.ERROR, answer.detail
    if isinstance(answer, AlertReply):
        status = PairStatus.ERROR if answer.alert.description in NOT_A_REFUSAL else PairStatus.REFUSED
        return status, f"alert {answer.alert.name}"
    if isinstance(answer, ClosedReply):
        return PairStatus.REFUSED, answer.detail
    hello = answer.server_hello
    chosen = hello.cipher_suite
    if protocol is Protocol.TLSv1_3:
        if hello.selected_version is None:
            return PairStatus.REFUSED, f"the server answered with {_version_label(hello.legacy_version)}"
        if hello.selected_version != Protocol.TLSv1_3:
            return (
                PairStatus.ERROR,
                f"the server selected {_version_label(hello.selected_version)}, not offered",
            )
    else:
        if hello.selected_version is not None:
            return PairStatus.ERROR, "the server selected a version through supported_versions, not offered"
        if hello.legacy_version < protocol:
            return PairStatus.REFUSED, f"the server answered with {_version_label(hello.legacy_version)}"
        if hello.legacy_version > protocol:
            return (
                PairStatus.ERROR,
                f"the server answered with {_version_label(hello.legacy_version)}, not offered",
            )
    if chosen != suite.code:
        return PairStatus.ERROR, f"the server chose {suite_label(chosen)}, which was not offered"
    return PairStatus.ACCEPTED, "hello retry request" if hello.hello_retry else ""


def _pair_outcome(protocol: Protocol, suite: CipherSuite, answer: Answer) -> PairOutcome:
    status, detail = interpret(protocol, suite, answer)
    timed_out = isinstance(answer, Failure) and answer.timed_out
    return PairOutcome(protocol, suite, status, detail, timed_out=timed_out)


def pair_job(endpoint: Endpoint, protocol: Protocol, suite: CipherSuite) -> HelloJob:
    assert endpoint.address is not None
    return HelloJob(
        key=Pair(protocol, suite),
        address=endpoint.address,
        port=endpoint.target.port,
        hello=partial(build_client_hello, protocol, [suite.code], endpoint.target.server_name),
        finish=partial(_pair_outcome, protocol, suite),
    )


def broad_hello(server_name: str | None) -> bytes:
    """A ClientHello offering every version from TLS 1.0 to 1.3 and every suite of the table."""
    tls13 = [s.code for s in SUITES if s.tls13]
    legacy = [s.code for s in SUITES if not s.tls13]
    return build_client_hello(
        Protocol.TLSv1_2,
        tls13 + legacy,
        server_name,
        offer_versions=(Protocol.TLSv1_3, Protocol.TLSv1_2, Protocol.TLSv1_1, Protocol.TLSv1),
    )


def preflight_outcome(answer: Answer) -> PreflightOutcome:
    """Does the endpoint speak TLS? A stalled, plain-HTTP or garbage endpoint stops here."""
    if isinstance(answer, Failure):
        return PreflightOutcome(False, answer.detail)
    if isinstance(answer, ClosedReply):
        return PreflightOutcome(False, f"no TLS answer: {answer.detail}")
    if isinstance(answer, AlertReply):
        return PreflightOutcome(
            True, f"the server refused a broad ClientHello with alert {answer.alert.name}"
        )
    hello = answer.server_hello
    return PreflightOutcome(
        True, f"negotiated {_version_label(hello.version)} {suite_label(hello.cipher_suite)}"
    )


def preflight_job(endpoint: Endpoint) -> HelloJob:
    assert endpoint.address is not None
    return HelloJob(
        key=JobKind.PREFLIGHT,
        address=endpoint.address,
        port=endpoint.target.port,
        hello=partial(broad_hello, endpoint.target.server_name),
        finish=preflight_outcome,
    )
