"""Servers the probe tests (and bench/probe_bench.py) start on 127.0.0.1: nginx with a given
configuration, a Python `ssl` server, a crafted-ServerHello server for what no current OpenSSL can
serve (SSLv3, RC4, 3DES, export, NULL), and misbehaving servers (stalling, garbage, plain HTTP).

Every server binds a free port, lives in a temporary directory and is stopped on exit.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")


def find_nginx() -> str | None:
    for candidate in NGINX_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("nginx")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, *, alive: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError("the server exited before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


# --- nginx ----------------------------------------------------------------------------------------


class Nginx:
    """nginx in the foreground, one process (`master_process off`), with `server_block` as its only
    server. `{port}` in the block is replaced by the port it listens on."""

    def __init__(self, binary: str, workdir: Path, server_block: str) -> None:
        self.binary = binary
        self.workdir = workdir
        self.server_block = server_block
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None

    def _config(self, port: int) -> str:
        w = self.workdir
        user = "user root;\n" if os.geteuid() == 0 else ""
        return (
            f"{user}daemon off;\nmaster_process off;\nworker_processes 1;\npid {w}/nginx.pid;\n"
            f"error_log {w}/error.log warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            "  access_log off;\n"
            f"  client_body_temp_path {w}/body; proxy_temp_path {w}/proxy; fastcgi_temp_path {w}/fastcgi;\n"
            f"  uwsgi_temp_path {w}/uwsgi; scgi_temp_path {w}/scgi;\n"
            "  default_type text/plain;\n"
            "  server {\n" + self.server_block.replace("{port}", str(port)) + "\n  }\n}\n"
        )

    def start(self) -> Nginx:
        self.workdir.mkdir(parents=True, exist_ok=True)
        last = ""
        for _ in range(5):
            port = free_port()
            conf = self.workdir / "nginx.conf"
            conf.write_text(self._config(port))
            log = self.workdir / "error.log"
            log.write_text("")
            proc = subprocess.Popen(
                [self.binary, "-p", str(self.workdir), "-c", str(conf), "-e", str(log)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                wait_for_port(port, alive=lambda p=proc: p.poll() is None)  # type: ignore[misc]
            except RuntimeError:
                proc.kill()
                proc.wait()
                last = log.read_text()
                if "Address already in use" in last:
                    continue
                raise RuntimeError(f"nginx did not start: {last.strip()}") from None
            self._proc, self.port = proc, port
            return self
        raise RuntimeError(f"nginx found no free port: {last.strip()}")

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def tls_block(
    certs: Sequence[tuple[Path, Path]],
    *,
    protocols: Iterable[str] = ("TLSv1.2", "TLSv1.3"),
    ciphers: Sequence[str] = (),
    tls13_ciphers: Sequence[str] = (),
    extra: str = "",
    body: str = 'return 200 "ok\\n";',
) -> str:
    """A `server { }` body: listen ssl on {port}, one ssl_certificate per (cert, key) pair."""
    lines = ["    listen 127.0.0.1:{port} ssl;", "    server_name localhost;"]
    for cert, key in certs:
        lines += [f"    ssl_certificate {cert};", f"    ssl_certificate_key {key};"]
    protos = list(protocols)
    lines.append(f"    ssl_protocols {' '.join(protos)};")
    if ciphers:
        seclevel = ":@SECLEVEL=0" if {"SSLv3", "TLSv1", "TLSv1.1"} & set(protos) else ""
        lines.append(f'    ssl_ciphers "{":".join(ciphers)}{seclevel}";')
    elif "TLSv1.2" not in protos and "TLSv1" not in protos and "TLSv1.1" not in protos:
        pass
    lines.append("    ssl_prefer_server_ciphers on;")
    if tls13_ciphers:
        lines.append(f"    ssl_conf_command Ciphersuites {':'.join(tls13_ciphers)};")
    if extra:
        lines.append(extra)
    lines.append(f"    location / {{ {body} }}")
    return "\n".join(lines)


# --- Python servers --------------------------------------------------------------------------------


class _ThreadedServer:
    """Accepts on 127.0.0.1 in a thread and hands each connection to `handle` in its own thread."""

    def __init__(self) -> None:
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self._listener.settimeout(0.1)
        self.port = int(self._listener.getsockname()[1])
        self.stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.connections = 0

    def handle(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._run, args=(conn,), daemon=True).start()

    def _run(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            self.handle(conn)
        except OSError:
            pass
        finally:
            conn.close()

    def __enter__(self) -> _ThreadedServer:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stopping.set()
        self._listener.close()
        self._thread.join(2)


def _read_request(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


class TlsServer(_ThreadedServer):
    """A Python `ssl` server answering every request with HTTP 200 (or `status`)."""

    def __init__(self, ctx: ssl.SSLContext, status: int = 200) -> None:
        super().__init__()
        self.ctx = ctx
        self.status = status

    def handle(self, conn: socket.socket) -> None:
        try:
            tls = self.ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            return
        with tls:
            try:
                if _read_request(tls):
                    reason = "OK" if self.status < 400 else "Error"
                    tls.sendall(
                        f"HTTP/1.1 {self.status} {reason}\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n".encode()
                    )
            except (ssl.SSLError, OSError):
                return


def server_context(
    cert: Path, key: Path, *, client_ca: Path | None = None, tls13: bool = True, tls12: bool = True
) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.set_ciphers("ALL:@SECLEVEL=0")
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2 if tls12 else ssl.TLSVersion.TLSv1_3
    ctx.maximum_version = ssl.TLSVersion.TLSv1_3 if tls13 else ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(str(cert), str(key))
    if client_ca is not None:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cafile=str(client_ca))
    return ctx


# --- misbehaving servers ---------------------------------------------------------------------------


class RawServer(_ThreadedServer):
    """Runs `behaviour(conn, stopping)` for each connection."""

    def __init__(self, behaviour: Callable[[socket.socket, threading.Event], None]) -> None:
        super().__init__()
        self.behaviour = behaviour

    def handle(self, conn: socket.socket) -> None:
        self.behaviour(conn, self.stopping)


def stall(conn: socket.socket, stopping: threading.Event) -> None:
    """Read the ClientHello, then say nothing until the test ends."""
    conn.recv(65536)
    stopping.wait(30)


def stall_mid_record(conn: socket.socket, stopping: threading.Event) -> None:
    """Start a ServerHello record, then stall halfway through it."""
    conn.recv(65536)
    conn.sendall(b"\x16\x03\x03\x00\x5a\x02\x00\x00\x56\x03\x03")
    stopping.wait(30)


def garbage(conn: socket.socket, stopping: threading.Event) -> None:
    conn.recv(65536)
    conn.sendall(b"\x8f\x00\xffgarbage, not a ServerHello\x00\x01" * 4)


def plain_http(conn: socket.socket, stopping: threading.Event) -> None:
    conn.recv(65536)
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


# --- a server of crafted ServerHellos --------------------------------------------------------------


@dataclass(frozen=True)
class ClientHello:
    record_version: int
    version: int
    suites: tuple[int, ...]
    extensions: dict[int, bytes]


def read_client_hello(conn: socket.socket) -> ClientHello | None:
    """Read and parse one ClientHello record, independently of the prober's own code."""
    data = b""
    while len(data) < 5 or len(data) < 5 + struct.unpack("!H", data[3:5])[0]:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    content_type, record_version, _ = struct.unpack("!BHH", data[:5])
    body = data[5 + 4 :]
    if content_type != 22 or data[5] != 1:
        return None
    (version,) = struct.unpack("!H", body[:2])
    offset = 2 + 32
    offset += 1 + body[offset]
    (suites_len,) = struct.unpack("!H", body[offset : offset + 2])
    suites = struct.unpack(f"!{suites_len // 2}H", body[offset + 2 : offset + 2 + suites_len])
    offset += 2 + suites_len
    offset += 1 + body[offset]
    extensions: dict[int, bytes] = {}
    if offset + 2 <= len(body):
        (total,) = struct.unpack("!H", body[offset : offset + 2])
        offset += 2
        end = offset + total
        while offset + 4 <= end:
            kind, length = struct.unpack("!HH", body[offset : offset + 4])
            extensions[kind] = body[offset + 4 : offset + 4 + length]
            offset += 4 + length
    return ClientHello(record_version, version, tuple(suites), extensions)


def _handshake(kind: int, body: bytes) -> bytes:
    return bytes([kind]) + len(body).to_bytes(3, "big") + body


def _record(content_type: int, version: int, payload: bytes) -> bytes:
    return struct.pack("!BHH", content_type, version, len(payload)) + payload


class CraftedServer(_ThreadedServer):
    """Accepts exactly the (version, suite code) pairs in `accept` and negotiates versions like a
    real server (the highest it supports up to the client's); answers ServerHello, Certificate and
    ServerHelloDone in one flight and hangs up, or an Alert."""

    def __init__(self, accept: Iterable[tuple[int, int]], chain: Sequence[bytes]) -> None:
        super().__init__()
        self.accept = frozenset(accept)
        self.versions = sorted({v for v, _ in self.accept})
        self.chain = tuple(chain)

    def handle(self, conn: socket.socket) -> None:
        hello = read_client_hello(conn)
        if hello is None:
            return
        usable = [v for v in self.versions if v <= hello.version]
        if not usable:
            conn.sendall(_record(21, 0x0301, b"\x02\x46"))  # protocol_version
            return
        version = usable[-1]
        suite = next((s for s in hello.suites if (version, s) in self.accept), None)
        if suite is None:
            conn.sendall(_record(21, version, b"\x02\x28"))  # handshake_failure
            return
        server_hello = (
            struct.pack("!H", version) + os.urandom(32) + b"\x00" + struct.pack("!H", suite) + b"\x00"
        )
        certs = b"".join(len(d).to_bytes(3, "big") + d for d in self.chain)
        flight = (
            _handshake(2, server_hello)
            + _handshake(11, len(certs).to_bytes(3, "big") + certs)
            + _handshake(14, b"")
        )
        conn.sendall(_record(22, version, flight))
