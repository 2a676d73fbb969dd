"""Raw I/O: one TCP connection, one ClientHello out, the server's first answer back.

`ReplyReader` is the pure half: bytes in, an Answer out when enough have arrived. Two drivers
feed it: `RawExchange`, a non-blocking connection the runner's event loop drives (hundreds of
single-suite probes from one thread, no thread hand-offs), and `exchange`, a blocking call for the
odd job that runs in a worker thread. Every exchange is bounded by its deadline as a whole, so a
server that trickles bytes or stalls halfway through a record cannot hold it past that.
"""

from __future__ import annotations

import errno
import selectors
import socket
import time
from dataclasses import dataclass

from ringfence.probe.ciphers import Protocol
from ringfence.probe.clienthello import (
    CONTENT_ALERT,
    CONTENT_CHANGE_CIPHER_SPEC,
    CONTENT_HANDSHAKE,
    HANDSHAKE_CERTIFICATE,
    HANDSHAKE_SERVER_HELLO,
    HANDSHAKE_SERVER_HELLO_DONE,
    Alert,
    MalformedReply,
    ServerHello,
    parse_alert,
    parse_certificate_list,
    parse_server_hello,
    split_handshake_messages,
    split_records,
)


@dataclass(frozen=True, slots=True)
class HelloReply:
    server_hello: ServerHello
    certificates: tuple[bytes, ...] = ()


@dataclass(frozen=True, slots=True)
class AlertReply:
    alert: Alert


@dataclass(frozen=True, slots=True)
class ClosedReply:
    """The server hung up (or reset) without a word: for a single-suite probe, a refusal."""

    detail: str


@dataclass(frozen=True, slots=True)
class Failure:
    """The exchange could not answer the question (timeout, refused connection, garbage)."""

    detail: str
    timed_out: bool = False


Reply = HelloReply | AlertReply | ClosedReply
Answer = Reply | Failure


class ProbeIOError(Exception):
    """A Failure raised by the blocking driver."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.detail)
        self.failure = failure


def remaining(deadline: float) -> float:
    return deadline - time.monotonic()


def _reason(exc: OSError) -> str:
    return exc.strerror or errno.errorcode.get(exc.errno or 0, type(exc).__name__)


# --- the pure half -----------------------------------------------------------------------------------


class ReplyReader:
    """Accumulates the server's bytes until they make an answer: a ServerHello (and, when asked,
    the Certificate message that follows it in TLS 1.2 and older), an Alert, or a hang-up."""

    def __init__(self, *, want_certificate: bool = False) -> None:
        self.want_certificate = want_certificate
        self.received = 0
        self._buffer = b""
        self._handshake = b""
        self._hello: ServerHello | None = None

    def feed(self, chunk: bytes) -> Answer | None:
        self.received += len(chunk)
        self._buffer += chunk
        try:
            records, self._buffer = split_records(self._buffer)
            for record in records:
                answer = self._record(record.content_type, record.payload)
                if answer is not None:
                    return answer
        except MalformedReply as exc:
            return Failure(str(exc))
        return None

    def _record(self, content_type: int, payload: bytes) -> Answer | None:
        hello = self._hello
        if content_type == CONTENT_ALERT:
            return HelloReply(hello) if hello is not None else AlertReply(parse_alert(payload))
        if content_type == CONTENT_CHANGE_CIPHER_SPEC:
            return None
        if content_type != CONTENT_HANDSHAKE:
            if hello is not None:
                return HelloReply(hello)
            raise MalformedReply(f"the server sent record type {content_type} before a ServerHello")
        self._handshake += payload
        messages, self._handshake = split_handshake_messages(self._handshake)
        for kind, body in messages:
            if hello is None:
                if kind != HANDSHAKE_SERVER_HELLO:
                    raise MalformedReply(f"the server sent handshake message {kind} before a ServerHello")
                hello = self._hello = parse_server_hello(body)
                if not self.want_certificate or hello.hello_retry or hello.version >= Protocol.TLSv1_3:
                    return HelloReply(hello)
            elif kind == HANDSHAKE_CERTIFICATE:
                return HelloReply(hello, tuple(parse_certificate_list(body)))
            elif kind == HANDSHAKE_SERVER_HELLO_DONE:
                return HelloReply(hello)
        return None

    def eof(self, reset: OSError | None = None) -> Answer:
        if self._hello is not None:
            return HelloReply(self._hello)
        if self.received == 0:
            if reset is not None:
                return ClosedReply(f"the connection was reset without an answer ({_reason(reset)})")
            return ClosedReply("the server closed the connection without answering")
        return Failure(
            f"the server closed the connection after {self.received} bytes of an incomplete answer"
        )

    def stalled(self, waited: float) -> Failure:
        if self._hello is not None:
            return Failure(
                f"timed out after {waited:.1f} s waiting for the Certificate message", timed_out=True
            )
        if self.received:
            return Failure(
                f"the server stalled after {self.received} bytes of an incomplete answer ({waited:.1f} s)",
                timed_out=True,
            )
        return Failure(f"no answer to the ClientHello within {waited:.1f} s", timed_out=True)


# --- the non-blocking driver -------------------------------------------------------------------------


class RawExchange:
    """One non-blocking connection: connect, send the hello, read until the reader has an answer.
    The runner's selector calls `on_event`; `expire` ends it at its deadline."""

    def __init__(
        self, address: str, port: int, hello: bytes, deadline: float, *, want_certificate: bool = False
    ):
        self.address, self.port, self.deadline = address, port, deadline
        self.started = time.monotonic()
        self.reader = ReplyReader(want_certificate=want_certificate)
        self._pending = hello
        self._connected = False
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        code = self.sock.connect_ex((address, port))
        self.early: Answer | None = None
        if code not in (0, errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY):
            self.early = self._connect_failure(code)

    @property
    def events(self) -> int:
        return selectors.EVENT_WRITE if self._pending or not self._connected else selectors.EVENT_READ

    def _connect_failure(self, code: int) -> Failure:
        if code == errno.ECONNREFUSED:
            return Failure(f"connection refused by {self.address} port {self.port}")
        return Failure(
            f"cannot connect to {self.address} port {self.port}: {errno.errorcode.get(code, code)}"
        )

    def on_event(self, mask: int) -> Answer | None:
        if not self._connected:
            code = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code:
                return self._connect_failure(code)
            self._connected = True
        if self._pending:
            try:
                sent = self.sock.send(self._pending)
            except BlockingIOError:
                return None
            except OSError as exc:
                return ClosedReply(f"the connection failed while sending the ClientHello ({_reason(exc)})")
            self._pending = self._pending[sent:]
            return None
        if mask & selectors.EVENT_READ:
            try:
                chunk = self.sock.recv(65536)
            except BlockingIOError:
                return None
            except OSError as exc:
                return self.reader.eof(reset=exc)
            return self.reader.feed(chunk) if chunk else self.reader.eof()
        return None

    def expire(self) -> Failure:
        if not self._connected:
            return Failure(f"timed out connecting to {self.address} port {self.port}", timed_out=True)
        if self._pending:
            return Failure("timed out sending the ClientHello", timed_out=True)
        return self.reader.stalled(time.monotonic() - self.started)

    def close(self) -> None:
        self.sock.close()


# --- the blocking driver -----------------------------------------------------------------------------


def connect(address: str, port: int, deadline: float) -> socket.socket:
    left = remaining(deadline)
    if left <= 0:
        raise ProbeIOError(Failure("no time left to connect", timed_out=True))
    try:
        sock = socket.create_connection((address, port), timeout=left)
    except TimeoutError:
        raise ProbeIOError(
            Failure(f"timed out connecting to {address} port {port}", timed_out=True)
        ) from None
    except ConnectionRefusedError:
        raise ProbeIOError(Failure(f"connection refused by {address} port {port}")) from None
    except OSError as exc:
        raise ProbeIOError(Failure(f"cannot connect to {address} port {port}: {_reason(exc)}")) from None
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def exchange(
    address: str, port: int, hello: bytes, deadline: float, *, want_certificate: bool = False
) -> Answer:
    """Send `hello` and read up to the ServerHello (and, with want_certificate, the Certificate)."""
    started = time.monotonic()
    reader = ReplyReader(want_certificate=want_certificate)
    try:
        sock = connect(address, port, deadline)
    except ProbeIOError as exc:
        return exc.failure
    with sock:
        try:
            sock.settimeout(max(0.001, remaining(deadline)))
            sock.sendall(hello)
        except TimeoutError:
            return Failure("timed out sending the ClientHello", timed_out=True)
        except OSError as exc:
            return ClosedReply(f"the connection failed while sending the ClientHello ({_reason(exc)})")
        while True:
            left = remaining(deadline)
            if left <= 0:
                return reader.stalled(time.monotonic() - started)
            sock.settimeout(left)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                return reader.stalled(time.monotonic() - started)
            except OSError as exc:
                return reader.eof(reset=exc)
            answer = reader.feed(chunk) if chunk else reader.eof()
            if answer is not None:
                return answer
