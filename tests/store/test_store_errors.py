"""Bad databases and bad input give one clear StoreError, never a traceback."""

from __future__ import annotations

import importlib.util
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import platformdirs
import pytest
from sqlalchemy import Connection, create_engine, inspect, text

from ringfence.model import ScanResult
from ringfence.store import ScanStore, StoreError, default_database_url
from ringfence.store import migrate as store_migrate
from ringfence.store.schema import SCHEMA_VERSION, meta

MakeResult = Callable[..., ScanResult]
OpenStore = Callable[..., ScanStore]


def _permissions_enforced() -> bool:
    """Whether this process is refused a write into a read-only directory (root usually is not)."""
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch, "ro")
        directory.mkdir(mode=0o555)
        try:
            (directory / "probe").touch()
        except PermissionError:
            return True
        finally:
            directory.chmod(0o755)
        return False


needs_non_root = pytest.mark.skipif(not _permissions_enforced(), reason="file permissions are not enforced")


def one_sentence(error: pytest.ExceptionInfo[StoreError]) -> str:
    message = str(error.value)
    assert "\n" not in message
    assert "Traceback" not in message
    return message


def execute(url: str, *statements: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


# --- the database file ----------------------------------------------------------------------


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "scans.db"
    path.write_bytes(b"this is not a database\n" * 200)

    with pytest.raises(StoreError) as error:
        ScanStore(f"sqlite:///{path}")

    assert one_sentence(error) == f"{path} is not a ringfence database (SQLite says: file is not a database)"


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[tuple[str, sqlite3.Connection]]:
    """A store's database file and another connection holding an exclusive lock on it."""
    path = tmp_path / "scans.db"
    ScanStore(f"sqlite:///{path}").close()  # the tables exist
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    yield f"sqlite:///{path}", other
    other.close()


def test_a_locked_database(locked: tuple[str, sqlite3.Connection], make_result: MakeResult) -> None:
    url, other = locked
    store = ScanStore(url, busy_timeout=0.3)
    other.execute("BEGIN EXCLUSIVE")

    began = time.monotonic()
    with pytest.raises(StoreError) as error:
        store.save(make_result())
    waited = time.monotonic() - began

    assert "is locked by another process" in one_sentence(error)
    assert waited >= 0.25  # it waited for the busy timeout before giving up
    with pytest.raises(StoreError, match="is locked by another process"):
        store.list_scans()
    with pytest.raises(StoreError, match="is locked by another process"):
        ScanStore(url, busy_timeout=0.1)

    other.execute("ROLLBACK")
    store.save(make_result())  # the lock is gone: the store works again
    assert len(store.list_scans()) == 1
    store.close()


def test_a_save_waits_for_a_short_lock(
    locked: tuple[str, sqlite3.Connection], make_result: MakeResult
) -> None:
    url, other = locked
    store = ScanStore(url, busy_timeout=5)
    other.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(0.3, lambda: other.execute("ROLLBACK"))
    release.start()
    try:
        store.save(make_result())
    finally:
        release.join()
    assert len(store.list_scans()) == 1
    store.close()


# --- where the database goes -------------------------------------------------------------------


def test_a_directory_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as error:
        ScanStore(f"sqlite:///{tmp_path / 'missing' / 'scans.db'}")
    assert "the directory" in one_sentence(error)
    assert "does not exist" in str(error.value)


def test_a_directory_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="is not a directory"):
        ScanStore(f"sqlite:///{tmp_path / 'file' / 'scans.db'}")


def test_a_database_path_that_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory, not a database file"):
        ScanStore(f"sqlite:///{tmp_path}")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_a_location_nobody_can_write() -> None:
    # Even root cannot create files in /proc; SQLite itself reports the failure.
    with pytest.raises(StoreError) as error:
        ScanStore("sqlite:////proc/ringfence-test.db")
    message = one_sentence(error)
    assert message in (
        "cannot open the database /proc/ringfence-test.db; check that its directory exists and is writable",
        "cannot create the database /proc/ringfence-test.db: the directory /proc is not writable",
    )


@needs_non_root
def test_an_unwritable_directory(tmp_path: Path) -> None:
    directory = tmp_path / "ro"
    directory.mkdir()
    directory.chmod(0o555)
    try:
        with pytest.raises(StoreError, match="is not writable"):
            ScanStore(f"sqlite:///{directory / 'scans.db'}")
    finally:
        directory.chmod(0o755)


@needs_non_root
def test_a_read_only_database(tmp_path: Path, make_result: MakeResult) -> None:
    path = tmp_path / "scans.db"
    with ScanStore(f"sqlite:///{path}") as store:
        store.save(make_result("1" * 32))
    path.chmod(0o444)
    try:
        with ScanStore(f"sqlite:///{path}") as store:
            assert len(store.list_scans()) == 1  # reading still works
            with pytest.raises(StoreError, match="is read-only"):
                store.save(make_result("2" * 32))
    finally:
        path.chmod(0o644)


def test_the_default_database_is_created_in_the_user_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_result: MakeResult
) -> None:
    data_dir = tmp_path / "home" / "data" / "ringfence"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda appname: str(data_dir))

    assert default_database_url() == f"sqlite:///{data_dir / 'ringfence.db'}"
    with ScanStore() as store:
        store.save(make_result())
        assert store.location == str(data_dir / "ringfence.db")
    assert (data_dir / "ringfence.db").is_file()


def test_an_unwritable_default_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("x")
    data_dir = tmp_path / "file" / "ringfence"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda appname: str(data_dir))

    with pytest.raises(StoreError) as error:
        ScanStore()
    assert one_sentence(error).startswith(f"cannot create the directory {data_dir} for the scan database")


# --- URLs and servers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url", "'not a url' is not a database URL; use sqlite:///PATH or postgresql+psycopg://"),
        ("", "'' is not a database URL"),
        ("nosuchdb://host/db", "nosuchdb://host/db names an unknown database or driver"),
        ("postgresql+nosuchdriver://host/db", "names an unknown database or driver"),
    ],
)
def test_invalid_urls(url: str, expected: str) -> None:
    with pytest.raises(StoreError) as error:
        ScanStore(url)
    assert expected in one_sentence(error)


@pytest.mark.skipif(importlib.util.find_spec("MySQLdb") is not None, reason="MySQLdb is installed")
def test_a_driver_that_is_not_installed() -> None:
    with pytest.raises(StoreError, match=r"the database driver for mysql\+mysqldb://u@h/db is not installed"):
        ScanStore("mysql+mysqldb://u@h/db")


@pytest.mark.parametrize("driver", ["postgresql+psycopg", "postgresql"])
def test_an_unreachable_postgres_server(driver: str) -> None:
    with pytest.raises(StoreError) as error:
        ScanStore(f"{driver}://postgres:s3cret@127.0.0.1:1/test")
    message = one_sentence(error)
    assert message.startswith(
        "cannot connect to the database server postgresql+psycopg://postgres:***@127.0.0.1:1/test"
    )
    assert "s3cret" not in message


# --- schema versions -----------------------------------------------------------------------------


def test_a_database_from_a_newer_ringfence_is_refused(
    store_url: str, open_store: OpenStore, make_result: MakeResult
) -> None:
    open_store(store_url).save(make_result())
    newer = SCHEMA_VERSION + 1
    execute(store_url, f"UPDATE ringfence_meta SET value = '{newer}' WHERE key = 'schema_version'")

    with pytest.raises(StoreError) as error:
        open_store(store_url)

    assert one_sentence(error).endswith(
        f"was written by a newer ringfence (schema version {newer}, this version understands up to "
        f"{SCHEMA_VERSION}); upgrade ringfence to use it"
    )


def test_a_newer_database_is_left_untouched(sqlite_url: str) -> None:
    execute(
        sqlite_url,
        "CREATE TABLE ringfence_meta (key VARCHAR(64) PRIMARY KEY, value VARCHAR(255) NOT NULL)",
        f"INSERT INTO ringfence_meta VALUES ('schema_version', '{SCHEMA_VERSION + 5}')",
    )
    with pytest.raises(StoreError, match="newer ringfence"):
        ScanStore(sqlite_url)
    engine = create_engine(sqlite_url)
    assert inspect(engine).get_table_names() == ["ringfence_meta"]  # no tables created
    engine.dispose()


def test_an_unreadable_schema_version(sqlite_url: str) -> None:
    ScanStore(sqlite_url).close()
    execute(sqlite_url, "UPDATE ringfence_meta SET value = 'two' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="records an unreadable schema version 'two'"):
        ScanStore(sqlite_url)


def test_a_database_with_someone_elses_tables(sqlite_url: str) -> None:
    execute(sqlite_url, "CREATE TABLE scans (name TEXT)")
    with pytest.raises(StoreError, match="already has a table named 'scans' that ringfence did not create"):
        ScanStore(sqlite_url)


def test_the_schema_version_is_recorded(store_url: str, open_store: OpenStore) -> None:
    open_store(store_url)
    engine = create_engine(store_url)
    with engine.connect() as conn:
        version = conn.execute(meta.select()).mappings().one()
    engine.dispose()
    assert dict(version) == {"key": "schema_version", "value": str(SCHEMA_VERSION)}


def test_an_older_database_is_migrated(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, make_result: MakeResult
) -> None:
    with ScanStore(sqlite_url) as store:
        store.save(make_result())
    applied: list[int] = []

    def upgrade(conn: Connection) -> None:
        applied.append(SCHEMA_VERSION)
        conn.execute(text("CREATE TABLE upgraded (x INTEGER)"))

    monkeypatch.setattr(store_migrate, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(store_migrate, "MIGRATIONS", {SCHEMA_VERSION: upgrade})

    with ScanStore(sqlite_url) as store:
        assert len(store.list_scans()) == 1
    with ScanStore(sqlite_url):
        pass  # already upgraded: not again

    assert applied == [SCHEMA_VERSION]
    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT value FROM ringfence_meta")).scalar() == str(SCHEMA_VERSION + 1)
    assert "upgraded" in inspect(engine).get_table_names()
    engine.dispose()


def test_an_older_database_without_an_upgrade_is_refused(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ScanStore(sqlite_url).close()
    monkeypatch.setattr(store_migrate, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match=f"is at schema version {SCHEMA_VERSION} and this ringfence has no"):
        ScanStore(sqlite_url)


def test_a_database_opened_read_only(tmp_path: Path, make_result: MakeResult) -> None:
    path = tmp_path / "scans.db"
    with ScanStore(f"sqlite:///{path}") as store:
        store.save(make_result("1" * 32))
    # SQLite's own read-only mode: refused even for root, unlike file permissions.
    with ScanStore(f"sqlite:///file:{path}?mode=ro&uri=true") as store:
        assert [s.id for s in store.list_scans()] == ["1" * 32]
        with pytest.raises(StoreError) as error:
            store.save(make_result("2" * 32))
    assert (
        one_sentence(error)
        == f"the database file:{path} is read-only; check the file and directory permissions"
    )
