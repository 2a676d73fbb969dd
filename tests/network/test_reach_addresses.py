"""Interval sets, CIDRs and ports against Python's own sets and `ipaddress` (hypothesis)."""

from __future__ import annotations

import ipaddress
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ringfence.network.addresses import (
    INTERNET,
    IntervalSet,
    Partition,
    address_value,
    cidr_set,
    parse_ports,
    to_cidrs,
)

spans = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), max_size=6)


def build(items: list[tuple[int, int]]) -> IntervalSet:
    return IntervalSet((lo, lo + size) for lo, size in items)


def members(value: IntervalSet) -> set[int]:
    return {x for lo, hi in value for x in range(lo, hi)}


def canonical(value: IntervalSet) -> bool:
    iv = value.intervals
    return all(lo < hi for lo, hi in iv) and all(iv[i][1] < iv[i + 1][0] for i in range(len(iv) - 1))


@given(spans, spans)
def test_set_algebra_matches_python_sets(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> None:
    x, y = build(a), build(b)
    for result, expected in (
        (x & y, members(x) & members(y)),
        (x | y, members(x) | members(y)),
        (x - y, members(x) - members(y)),
    ):
        assert members(result) == expected
        assert canonical(result)
    assert (x & y) == (y & x)
    assert all((v in x) == (v in members(x)) for v in range(0, 75))


@given(
    spans,
    st.lists(st.integers(0, 80), unique=True, max_size=8),
    st.lists(st.integers(0, 3), min_size=8, max_size=8),
)
def test_a_partition_sorts_addresses_by_label(
    a: list[tuple[int, int]], points: list[int], labels: list[int]
) -> None:
    bounds = sorted(points)
    segments = [(lo, hi, labels[i]) for i, (lo, hi) in enumerate(itertools.pairwise(bounds))]
    x = build(a)
    split = Partition(segments).split(x)
    for label in set(labels):
        expected = {v for v in members(x) for lo, hi, lab in segments if lab == label and lo <= v < hi}
        assert members(split.get(label, IntervalSet())) == expected
        assert canonical(split.get(label, IntervalSet()))


@given(st.ip_addresses(v=4), st.integers(0, 32))
def test_cidrs_round_trip_ipv4(address: ipaddress.IPv4Address, length: int) -> None:
    network = ipaddress.ip_network(f"{address}/{length}", strict=False)
    value = cidr_set(str(network))
    assert value.size() == network.num_addresses
    assert to_cidrs(value) == [str(network)]
    assert address_value(str(address)) in value


@given(st.ip_addresses(v=6), st.integers(0, 128))
def test_cidrs_round_trip_ipv6(address: ipaddress.IPv6Address, length: int) -> None:
    network = ipaddress.ip_network(f"{address}/{length}", strict=False)
    value = cidr_set(str(network))
    assert to_cidrs(value) == [str(network)]
    assert address_value(str(address)) in value
    assert address_value(str(address)) not in cidr_set("0.0.0.0/0")


def test_the_internet_leaves_out_private_and_special_ranges() -> None:
    assert address_value("8.8.8.8") in INTERNET
    assert address_value("203.0.113.5") in INTERNET  # documentation ranges count, so examples work
    for private in ("10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "169.254.169.254", "fd00::1"):
        assert address_value(private) not in INTERNET
    assert address_value("2600:1f18::1") in INTERNET


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("443", [(443, 444)]),
        ("22,3389", [(22, 23), (3389, 3390)]),
        ("1024-65535", [(1024, 65536)]),
        ("all", [(0, 65536)]),
    ],
)
def test_ports_parse(text: str, expected: list[tuple[int, int]]) -> None:
    assert list(parse_ports(text)) == expected


@pytest.mark.parametrize("text", ["http", "70000", "20-10", "-1"])
def test_bad_ports_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="port"):
        parse_ports(text)
