"""Targets: `HOST[:PORT]` parsing, one DNS resolution per target, and the address safety rule.

A host name is resolved once; the address that was checked is the address connected to, so a
name cannot pass the check and then resolve (or rebind) to the metadata service. Link-local,
metadata, loopback and unspecified addresses are refused unless the user allows private targets.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 443
_METADATA = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),  # EC2 instance metadata (IMDS)
        ipaddress.ip_address("fd00:ec2::254"),  # IMDS over IPv6 (Nitro)
        ipaddress.ip_address("169.254.170.2"),  # ECS task metadata / credentials
        ipaddress.ip_address("fd00:ec2::23"),  # EKS pod identity agent
        ipaddress.ip_address("169.254.170.23"),  # EKS pod identity agent
    }
)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]


class TargetError(ValueError):
    """A target that cannot be parsed: a usage error."""


@dataclass(frozen=True, slots=True)
class Target:
    host: str  # a name or an address literal, without brackets
    port: int

    @property
    def label(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def is_address(self) -> bool:
        return _as_address(self.host) is not None

    @property
    def server_name(self) -> str | None:
        """The SNI / Host name to send: the host unless it is an address literal."""
        return None if self.is_address else self.host


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A target bound to the one address it was resolved to (None: not resolved, see `error`)."""

    target: Target
    address: str | None
    error: str = ""

    @property
    def label(self) -> str:
        return self.target.label


def parse_target(text: str) -> Target:
    raw = text.strip()
    if not raw:
        raise TargetError("an empty target")
    if "://" in raw:
        raise TargetError(f"target {raw!r} is a URL; give HOST or HOST:PORT")
    host, port_text = raw, ""
    if raw.startswith("["):
        end = raw.find("]")
        if end < 0:
            raise TargetError(f"target {raw!r} has an unclosed '['")
        host, rest = raw[1:end], raw[end + 1 :]
        if rest:
            if not rest.startswith(":"):
                raise TargetError(f"target {raw!r}: expected ':PORT' after ']'")
            port_text = rest[1:]
        if _as_address(host) is None or ":" not in host:
            raise TargetError(f"target {raw!r}: only IPv6 addresses go in brackets")
    elif raw.count(":") == 1:
        host, port_text = raw.split(":")
    elif raw.count(":") > 1 and _as_address(raw) is None:
        raise TargetError(f"target {raw!r} is not HOST[:PORT] (write IPv6 addresses as [ADDR]:PORT)")
    port = DEFAULT_PORT
    if port_text or raw.endswith(":"):
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise TargetError(f"target {raw!r} has an invalid port {port_text!r}")
        port = int(port_text)
    host = host.rstrip(".") if host != "." else host
    if not host or not _valid_host(host):
        raise TargetError(f"target {raw!r} has an invalid host name")
    return Target(host.lower(), port)


def _valid_host(host: str) -> bool:
    if _as_address(host) is not None:
        return True
    try:
        encoded = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = encoded.split(".")
    return len(encoded) <= 253 and all(
        0 < len(label) <= 63 and all(c.isalnum() or c in "-_" for c in label) for label in labels
    )


def read_targets_file(path: str) -> list[str]:
    """Targets one per line; blank lines and `#` comments are skipped. OSError when unreadable."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def _as_address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def unsafe_reason(address: str) -> str | None:
    """Why connecting to `address` is refused without --allow-private (None: allowed)."""
    ip = _as_address(address)
    if ip is None:
        return f"{address} is not an IP address"
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    for candidate in (ip, mapped):
        if candidate is None:
            continue
        if candidate in _METADATA:
            return f"{candidate} is a cloud metadata address"
        if candidate.is_loopback:
            return f"{candidate} is a loopback address"
        if candidate.is_link_local:
            return f"{candidate} is a link-local address"
        if candidate.is_unspecified:
            return f"{candidate} is the unspecified address"
        if candidate.is_multicast:
            return f"{candidate} is a multicast address"
    return None


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for family, *_, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            addr = str(sockaddr[0])
            if addr not in seen:
                seen.append(addr)
    return seen


def resolve(target: Target, *, allow_private: bool, resolver: Resolver = system_resolver) -> Endpoint:
    """Bind a target to one address, or say why not. Every address of a name is checked: a name
    that resolves to anything unsafe is refused as a whole (a rebinding name cannot slip through)."""
    if target.is_address:
        addresses = [target.host]
    else:
        try:
            addresses = list(resolver(target.host, target.port))
        except (OSError, UnicodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            return Endpoint(target, None, f"cannot resolve {target.host}: {reason}")
        if not addresses:
            return Endpoint(target, None, f"cannot resolve {target.host}: no addresses")
    if not allow_private:
        for address in addresses:
            unsafe = unsafe_reason(address)
            if unsafe:
                via = "" if target.is_address else f"{target.host} resolves to {address}; "
                return Endpoint(
                    target, None, f"refused: {via}{unsafe} (pass --allow-private to probe such targets)"
                )
    ipv4 = [a for a in addresses if ":" not in a]
    return Endpoint(target, (ipv4 or addresses)[0])


def resolve_all(
    targets: Iterable[Target], *, allow_private: bool, resolver: Resolver = system_resolver, workers: int = 16
) -> list[Endpoint]:
    items = list(targets)
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(items)))) as pool:
        return list(pool.map(lambda t: resolve(t, allow_private=allow_private, resolver=resolver), items))
