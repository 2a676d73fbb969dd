"""Addresses and ports as sets of integer intervals.

IPv4 and IPv6 share one integer line so that one set type serves both: an IPv4 address is its
32-bit value, an IPv6 address is its 128-bit value plus 2**32. A CIDR is then one interval, and
every decision the engine makes (a rule's CIDR, a route's prefix, an ENI's address) is an interval
set operation. Port sets use the same type over 0..65535.
"""

from __future__ import annotations

import functools
import ipaddress
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import islice

V6_BASE = 1 << 32
_V4_END = V6_BASE
_V6_END = V6_BASE + (1 << 128)
PORT_END = 65536


class IntervalSet:
    """An immutable set of integers kept as sorted, disjoint, non-touching half-open intervals."""

    __slots__ = ("_hash", "_iv")

    def __init__(self, intervals: Iterable[tuple[int, int]] = ()) -> None:
        merged: list[tuple[int, int]] = []
        for lo, hi in sorted(iv for iv in intervals if iv[0] < iv[1]):
            if merged and lo <= merged[-1][1]:
                if hi > merged[-1][1]:
                    merged[-1] = (merged[-1][0], hi)
            else:
                merged.append((lo, hi))
        self._iv: tuple[tuple[int, int], ...] = tuple(merged)
        self._hash: int | None = None

    @classmethod
    def _raw(cls, intervals: tuple[tuple[int, int], ...]) -> IntervalSet:
        out = cls.__new__(cls)
        out._iv = intervals
        out._hash = None
        return out

    @classmethod
    def span(cls, lo: int, hi: int) -> IntervalSet:
        """The integers lo..hi-1."""
        return cls._raw(((lo, hi),) if lo < hi else ())

    @classmethod
    def point(cls, value: int) -> IntervalSet:
        return cls._raw(((value, value + 1),))

    @property
    def intervals(self) -> tuple[tuple[int, int], ...]:
        return self._iv

    def __bool__(self) -> bool:
        return bool(self._iv)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IntervalSet) and self._iv == other._iv

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(self._iv)
        return self._hash

    def __repr__(self) -> str:
        return f"IntervalSet({list(self._iv)!r})"

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self._iv)

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, int):
            return False
        i = bisect_right(self._iv, (value, _V6_END + 1)) - 1
        return i >= 0 and self._iv[i][0] <= value < self._iv[i][1]

    def size(self) -> int:
        return sum(hi - lo for lo, hi in self._iv)

    def first(self) -> int:
        return self._iv[0][0]

    def is_single(self) -> bool:
        return len(self._iv) == 1 and self._iv[0][1] - self._iv[0][0] == 1

    def __or__(self, other: IntervalSet) -> IntervalSet:
        if not other._iv:
            return self
        if not self._iv:
            return other
        return IntervalSet(self._iv + other._iv)

    def __and__(self, other: IntervalSet) -> IntervalSet:
        a, b = self._iv, other._iv
        if not a or not b:
            return EMPTY
        if a is b:
            return self
        if len(a) > len(b):
            a, b = b, a
            self, other = other, self
        if len(a) == 1:
            return self._clip(a[0][0], a[0][1], b, other)
        out: list[tuple[int, int]] = []
        i = j = 0
        while i < len(a) and j < len(b):
            lo = max(a[i][0], b[j][0])
            hi = min(a[i][1], b[j][1])
            if lo < hi:
                out.append((lo, hi))
            if a[i][1] < b[j][1]:
                i += 1
            else:
                j += 1
        if len(out) == len(a) and tuple(out) == a:
            return self
        return IntervalSet._raw(tuple(out))

    @staticmethod
    def _clip(lo: int, hi: int, b: tuple[tuple[int, int], ...], whole: IntervalSet) -> IntervalSet:
        """[lo, hi) intersected with the intervals `b` (of the set `whole`), by bisection."""
        start = bisect_right(b, (lo, _V6_END + 1)) - 1
        if start < 0 or b[start][1] <= lo:
            start += 1
        end = bisect_right(b, (hi, -1))
        if start >= end:
            return EMPTY
        if end - start == 1:
            ilo, ihi = b[start]
            if ilo >= lo and ihi <= hi:
                return IntervalSet._raw((b[start],)) if len(b) > 1 else whole
            return IntervalSet._raw(((max(ilo, lo), min(ihi, hi)),))
        parts = list(b[start:end])
        parts[0] = (max(parts[0][0], lo), parts[0][1])
        parts[-1] = (parts[-1][0], min(parts[-1][1], hi))
        return IntervalSet._raw(tuple(parts))

    def __sub__(self, other: IntervalSet) -> IntervalSet:
        a, b = self._iv, other._iv
        if not a or not b:
            return self
        out: list[tuple[int, int]] = []
        j = 0
        for lo, hi in a:
            while j < len(b) and b[j][1] <= lo:
                j += 1
            k = j
            cur = lo
            while k < len(b) and b[k][0] < hi:
                if b[k][0] > cur:
                    out.append((cur, b[k][0]))
                cur = max(cur, b[k][1])
                if b[k][1] >= hi:
                    break
                k += 1
            if cur < hi:
                out.append((cur, hi))
        return IntervalSet._raw(tuple(out))

    def overlaps(self, other: IntervalSet) -> bool:
        return bool(self & other)

    def issubset(self, other: IntervalSet) -> bool:
        return not (self - other)


EMPTY = IntervalSet()
ALL_V4 = IntervalSet.span(0, _V4_END)
ALL_V6 = IntervalSet.span(V6_BASE, _V6_END)
ALL_ADDRESSES = ALL_V4 | ALL_V6
ALL_PORTS = IntervalSet.span(0, PORT_END)


@functools.lru_cache(maxsize=65536)
def cidr_set(text: str) -> IntervalSet:
    """The addresses of a CIDR (host bits are ignored, as AWS canonicalises them); ValueError if bad."""
    network = ipaddress.ip_network(text.strip(), strict=False)
    base = int(network.network_address) + (V6_BASE if network.version == 6 else 0)
    return IntervalSet.span(base, base + network.num_addresses)


@functools.lru_cache(maxsize=65536)
def cidr_length(text: str) -> int:
    return ipaddress.ip_network(text.strip(), strict=False).prefixlen


def address_value(text: str) -> int:
    """One address (or a /32, /128 written as a CIDR) as an integer on the shared line."""
    plain = text.strip().split("/")[0]
    parts = plain.split(".")
    if len(parts) == 4 and all(p.isdigit() and len(p) <= 3 for p in parts):
        a, b, c, d = (int(p) for p in parts)
        if max(a, b, c, d) <= 255:
            return (a << 24) | (b << 16) | (c << 8) | d
    address = ipaddress.ip_address(plain)
    return int(address) + (V6_BASE if address.version == 6 else 0)


def addresses_set(texts: Iterable[str]) -> IntervalSet:
    values: list[tuple[int, int]] = []
    for text in texts:
        try:
            value = address_value(text)
        except ValueError:
            continue
        values.append((value, value + 1))
    return IntervalSet(values)


def address_text(value: int) -> str:
    if value >= V6_BASE:
        return str(ipaddress.IPv6Address(value - V6_BASE))
    return str(ipaddress.IPv4Address(value))


def to_cidrs(addresses: IntervalSet, limit: int | None = None) -> list[str]:
    """The smallest list of CIDRs covering exactly the set, IPv4 first (the first `limit` of them)."""
    return list(islice(_cidrs(addresses), limit))


def _cidrs(addresses: IntervalSet) -> Iterator[str]:
    for lo, hi in addresses:
        for start, end, base, bits in ((lo, min(hi, _V4_END), 0, 32), (max(lo, V6_BASE), hi, V6_BASE, 128)):
            cur = start
            while cur < end:
                rel = cur - base
                size = rel & -rel if rel else 1 << bits
                while size > end - cur:
                    size >>= 1
                length = bits - size.bit_length() + 1
                first = ipaddress.IPv4Address(rel) if bits == 32 else ipaddress.IPv6Address(rel)
                yield f"{first}/{length}"
                cur += size


def describe_addresses(addresses: IntervalSet, limit: int = 6) -> str:
    cidrs = to_cidrs(addresses, limit + 1)
    text = ", ".join(c.removesuffix("/32").removesuffix("/128") for c in cidrs[:limit])
    return text + (" and more" if len(cidrs) > limit else "")


def port_range(lo: int, hi: int) -> IntervalSet:
    """Ports lo..hi inclusive."""
    return IntervalSet.span(max(lo, 0), min(hi, PORT_END - 1) + 1)


def parse_ports(text: str) -> IntervalSet:
    """'443', '1024-65535', '22,3389' or 'all'; ValueError with the reason otherwise."""
    text = str(text).strip().lower()
    if text in ("all", "*", "any"):
        return ALL_PORTS
    result = EMPTY
    for part in text.split(","):
        lo_text, _, hi_text = part.strip().partition("-")
        try:
            lo = int(lo_text)
            hi = int(hi_text) if hi_text else lo
        except ValueError:
            raise ValueError(f"{part.strip()!r} is not a port or port range") from None
        if not 0 <= lo <= hi <= PORT_END - 1:
            raise ValueError(f"{part.strip()!r} is not a port range within 0-65535")
        result = result | port_range(lo, hi)
    return result


def describe_ports(ports: IntervalSet) -> str:
    if ports == ALL_PORTS:
        return "all ports"
    return ",".join(str(lo) if hi - lo == 1 else f"{lo}-{hi - 1}" for lo, hi in ports)


# Addresses that are never on the public internet (RFC 6890 and the IPv6 special registry); what is
# left of 0.0.0.0/0 and of 2000::/3 is an "internet address". The documentation ranges
# (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) stay internet addresses so that examples work.
_NOT_INTERNET_V4 = (
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "224.0.0.0/3",
)
_NOT_INTERNET_V6 = ("2001:db8::/32", "2001:2::/48")


def _internet() -> IntervalSet:
    v4 = ALL_V4
    for cidr in _NOT_INTERNET_V4:
        v4 = v4 - cidr_set(cidr)
    v6 = cidr_set("2000::/3")
    for cidr in _NOT_INTERNET_V6:
        v6 = v6 - cidr_set(cidr)
    return v4 | v6


INTERNET = _internet()


class Partition:
    """The address line cut into labelled segments; `split` sorts a set's addresses by label in one
    sweep (no intersection per label)."""

    __slots__ = ("_hi", "_labels", "_lo")

    def __init__(self, segments: Iterable[tuple[int, int, int]]) -> None:
        ordered = sorted(segments)
        self._lo = [s[0] for s in ordered]
        self._hi = [s[1] for s in ordered]
        self._labels = [s[2] for s in ordered]

    def split(self, addresses: IntervalSet) -> dict[int, IntervalSet]:
        pieces: dict[int, list[tuple[int, int]]] = {}
        los, his, labels = self._lo, self._hi, self._labels
        for lo, hi in addresses.intervals:
            index = bisect_right(los, lo) - 1
            if index < 0:
                index = 0
            while index < len(los) and los[index] < hi:
                start, end = max(lo, los[index]), min(hi, his[index])
                if start < end:
                    spans = pieces.setdefault(labels[index], [])
                    if spans and spans[-1][1] == start:
                        spans[-1] = (spans[-1][0], end)
                    else:
                        spans.append((start, end))
                index += 1
        return {label: IntervalSet._raw(tuple(spans)) for label, spans in pieces.items()}
