"""Saving, listing and loading scans, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, func, select

from ringfence.model import Finding, ScanResult, Severity, SourceLocation, Status
from ringfence.store import ScanStore, StoreError
from ringfence.store import rows as store_rows
from ringfence.store.schema import coverage_gaps, findings, resources, scans

MakeResult = Callable[..., ScanResult]
OpenStore = Callable[..., ScanStore]


def assert_same_scan(loaded: ScanResult, saved: ScanResult) -> None:
    assert loaded.info == saved.info
    assert loaded.findings == saved.findings
    assert list(loaded.inventory) == list(saved.inventory)  # same resources, same order
    assert len(loaded.inventory) == len(saved.inventory)


def row_counts(url: str, scan_id: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            counts = {"scans": conn.execute(select(func.count()).where(scans.c.id == scan_id)).scalar_one()}
            for table in (coverage_gaps, findings, resources):
                query = select(func.count()).select_from(table).where(table.c.scan_id == scan_id)
                counts[table.name] = conn.execute(query).scalar_one()
        return counts
    finally:
        engine.dispose()


def test_round_trip(store_url: str, open_store: OpenStore, make_result: MakeResult) -> None:
    saved = make_result()
    open_store(store_url).save(saved)

    loaded = open_store(store_url).load(saved.info.id)  # a second connection: really from the database

    assert_same_scan(loaded, saved)
    located = [f for f in loaded.findings if f.location is not None]
    assert [f.location.line for f in located if f.location] == [12]
    volume = loaded.inventory.by_arn(f"arn:aws:ec2:eu-west-1:{saved.info.accounts[0]}:volume/vol-1")
    assert volume is not None
    assert volume.tags == {"Name": "data", "env": "prod"}


def test_round_trip_of_a_large_scan_crosses_insert_batches(
    store_url: str, open_store: OpenStore, make_result: MakeResult
) -> None:
    saved = make_result(extra_volumes=12_000)
    store = open_store(store_url)
    store.save(saved)

    loaded = store.load(saved.info.id)

    assert_same_scan(loaded, saved)
    assert row_counts(store_url, saved.info.id)["resources"] == len(saved.inventory)


def test_empty_scan_round_trips(store_url: str, open_store: OpenStore, make_result: MakeResult) -> None:
    saved = make_result(findings=[], gaps=[])
    store = open_store(store_url)
    store.save(saved)

    assert store.load(saved.info.id).info == saved.info
    [summary] = store.list_scans()
    assert summary.finding_count == 0
    assert summary.complete


def test_list_is_newest_first_with_counts(
    store_url: str, open_store: OpenStore, make_result: MakeResult
) -> None:
    store = open_store(store_url)
    # Saved out of order, with the ISO-8601 spellings a scan may use; 11:30+02:00 is 09:30Z.
    store.save(make_result("b" * 32, started="2024-03-01T09:00:00Z"))
    store.save(make_result("c" * 32, started="2024-03-01T11:30:00+02:00", gaps=[]))
    store.save(make_result("a" * 32, started="2024-03-01T10:00:00+00:00", findings=[]))
    store.save(make_result("d" * 32, started="2024-02-01T00:00:00.123456Z"))

    listed = store.list_scans()

    assert [s.id[0] for s in listed] == ["a", "c", "b", "d"]
    newest, middle = listed[0], listed[1]
    assert newest.finding_count == 0
    assert newest.gap_count == 2
    assert newest.resource_count == 5
    assert middle.started == "2024-03-01T11:30:00+02:00"
    assert middle.gap_count == 0
    assert middle.complete
    assert middle.accounts == ("123456789012",)
    assert middle.regions == ("eu-west-1", "us-east-1")
    assert middle.source == "live"
    assert middle.findings_by_status == {
        Status.PASS: 1,
        Status.FAIL: 4,
        Status.UNKNOWN: 1,
        Status.NOT_APPLICABLE: 1,
        Status.SUPPRESSED: 1,
    }
    assert middle.failing_by_severity == {
        Severity.INFO: 0,
        Severity.LOW: 1,
        Severity.MEDIUM: 0,
        Severity.HIGH: 1,
        Severity.CRITICAL: 2,
    }
    assert middle.failing == 4


def test_list_limit_counts_only_the_listed_scans(
    store_url: str, open_store: OpenStore, make_result: MakeResult
) -> None:
    store = open_store(store_url)
    for day in range(1, 6):
        store.save(make_result(f"{day:032d}", started=f"2024-04-0{day}T00:00:00Z"))

    listed = store.list_scans(limit=2)

    assert [s.started[:10] for s in listed] == ["2024-04-05", "2024-04-04"]
    assert all(s.gap_count == 2 and s.finding_count == 8 for s in listed)
    assert store.list_scans(limit=0) == []
    assert len(store.list_scans()) == 5
    with pytest.raises(StoreError, match="must not be negative"):
        store.list_scans(limit=-1)


def test_latest(store_url: str, open_store: OpenStore, make_result: MakeResult) -> None:
    store = open_store(store_url)
    assert store.latest() is None
    assert store.list_scans() == []
    store.save(make_result("1" * 32, started="2024-01-02T00:00:00Z"))
    newest = make_result("2" * 32, started="2024-01-03T00:00:00Z")
    store.save(newest)
    store.save(make_result("3" * 32, started="2024-01-01T00:00:00Z"))

    latest = store.latest()

    assert latest is not None
    assert_same_scan(latest, newest)


def test_load_by_unique_prefix(store_url: str, open_store: OpenStore, make_result: MakeResult) -> None:
    store = open_store(store_url)
    store.save(make_result("abc1" + "0" * 28))
    store.save(make_result("abc2" + "0" * 28))
    store.save(make_result("abd0" + "0" * 28))

    assert store.load("abc1").info.id == "abc1" + "0" * 28
    assert store.load("  abd ").info.id == "abd0" + "0" * 28
    assert store.resolve("abc2") == "abc2" + "0" * 28
    with pytest.raises(StoreError, match=r"prefix 'abc' is ambiguous: it matches abc10+, abc20+; give more"):
        store.load("abc")
    with pytest.raises(StoreError, match="no stored scan has an id starting with 'abz'"):
        store.load("abz")
    with pytest.raises(StoreError, match="give a scan id"):
        store.load(" ")


def test_prefix_is_matched_literally(store_url: str, open_store: OpenStore, make_result: MakeResult) -> None:
    store = open_store(store_url)
    store.save(make_result("scan_1"))
    store.save(make_result("scanX1"))

    assert store.resolve("scan_") == "scan_1"  # "_" is no LIKE wildcard here
    for text in ("scan%", "%", "' OR 1=1 --", "SCAN"):
        with pytest.raises(StoreError, match="no stored scan"):
            store.resolve(text)


def test_an_exact_id_wins_over_longer_ids_it_prefixes(
    store_url: str, open_store: OpenStore, make_result: MakeResult
) -> None:
    store = open_store(store_url)
    store.save(make_result("abc"))
    store.save(make_result("abcdef"))

    assert store.load("abc").info.id == "abc"


def test_saving_a_scan_twice_is_refused(
    store_url: str, open_store: OpenStore, make_result: MakeResult
) -> None:
    store = open_store(store_url)
    store.save(make_result())

    with pytest.raises(StoreError, match="already stored"):
        store.save(make_result())
    assert len(store.list_scans()) == 1


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, RuntimeError])
def test_an_interrupted_save_stores_nothing(
    store_url: str,
    open_store: OpenStore,
    make_result: MakeResult,
    monkeypatch: pytest.MonkeyPatch,
    interruption: type[BaseException],
) -> None:
    store = open_store(store_url)
    earlier = make_result("e" * 32, started="2024-01-01T00:00:00Z")
    store.save(earlier)
    broken = make_result("f" * 32, extra_volumes=7_000)
    original = store_rows.resource_rows

    def interrupted(scan_id: str, resources: object) -> object:
        # The scan row, gaps, findings and a first batch of resources are already written.
        for n, row in enumerate(original(scan_id, resources)):  # type: ignore[arg-type]
            if n == 6_000:
                raise interruption("interrupted in the middle of the save")
            yield row

    monkeypatch.setattr(store_rows, "resource_rows", interrupted)
    with pytest.raises(interruption):
        store.save(broken)
    monkeypatch.undo()

    assert row_counts(store_url, broken.info.id) == {
        "scans": 0,
        "coverage_gaps": 0,
        "findings": 0,
        "resources": 0,
    }
    assert [s.id for s in store.list_scans()] == [earlier.info.id]
    store.save(broken)  # the connection is usable and the id is free
    assert_same_scan(store.load("f"), broken)


def test_a_failed_save_stores_nothing(store_url: str, open_store: OpenStore, make_result: MakeResult) -> None:
    store = open_store(store_url)
    good = make_result()
    bad_finding = Finding.make(
        control_id="X-01",
        status=Status.FAIL,
        severity=Severity.LOW,
        resource_id="r",
        resource_type="t",
        account="a",
        region="r",
        message="m",
        location=SourceLocation(file="t.yaml", line=object()),  # type: ignore[arg-type]  # not JSON: refused
    )
    bad = ScanResult(info=good.info, findings=(*good.findings, bad_finding), inventory=good.inventory)

    with pytest.raises(StoreError, match="not JSON serializable"):
        store.save(bad)

    assert store.list_scans() == []
    assert row_counts(store_url, good.info.id)["findings"] == 0


def test_a_scan_with_a_time_that_is_not_iso_is_refused(
    store_url: str, open_store: OpenStore, make_result: MakeResult
) -> None:
    store = open_store(store_url)
    with pytest.raises(StoreError, match="start time 'yesterday' is not ISO-8601"):
        store.save(make_result(started="yesterday"))
    assert store.list_scans() == []


def test_closed_store_refuses_work(store_url: str, make_result: MakeResult) -> None:
    with ScanStore(store_url) as store:
        store.save(make_result())
    with pytest.raises(StoreError, match="has been closed"):
        store.list_scans()


def test_an_in_memory_store(make_result: MakeResult) -> None:
    saved = make_result()
    with ScanStore("sqlite://") as store:
        store.save(saved)
        assert_same_scan(store.load(saved.info.id), saved)


def test_concurrent_saves_to_one_sqlite_file(sqlite_url: str, make_result: MakeResult) -> None:
    ScanStore(sqlite_url).close()
    errors: list[BaseException] = []

    def save(n: int) -> None:
        try:
            with ScanStore(sqlite_url) as store:
                store.save(make_result(f"{n:032d}", extra_volumes=500))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with ScanStore(sqlite_url) as store:
        assert len(store.list_scans()) == 6
