"""Where the store lives: the default database, URL checks and engine set-up per backend."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import URL, Engine, create_engine, event, exc, make_url

from ringfence.store.errors import StoreError, first_line

APP_NAME = "ringfence"
DB_FILE = "ringfence.db"
DEFAULT_BUSY_TIMEOUT = 5.0  # seconds to wait for another process's SQLite lock
POSTGRES_CONNECT_TIMEOUT = 10  # seconds
SUPPORTED = "sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DATABASE"

# A connection execution option naming how SQLite starts a transaction (see _sqlite_begin).
SQLITE_BEGIN = "ringfence_sqlite_begin"
_BEGIN_STATEMENTS = {"DEFERRED": "BEGIN DEFERRED", "IMMEDIATE": "BEGIN IMMEDIATE"}


def default_database_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / DB_FILE


def default_database_url() -> str:
    """The SQLite database in the per-user data directory (the directory may not exist yet)."""
    return URL.create("sqlite", database=str(default_database_path())).render_as_string()


@dataclass(frozen=True)
class Target:
    """An opened engine and how to name its database in messages (never with a password)."""

    engine: Engine
    label: str
    backend: str  # the SQLAlchemy dialect name: "sqlite", "postgresql", ...


def open_engine(url: str | None, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Target:
    """An engine for `url` (None: the default SQLite file, its directory created)."""
    if url is None:
        path = default_database_path()
        _make_directory(path.parent)
        url = default_database_url()
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite(parsed, busy_timeout)
    return _server(parsed)


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        raise StoreError(f"{url!r} is not a database URL; use {SUPPORTED}") from None
    if parsed.drivername == "postgresql":  # psycopg 3 is the driver ringfence installs
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _make_directory(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"cannot create the directory {directory} for the scan database: {error.strerror}"
        ) from None


def _sqlite(url: URL, busy_timeout: float) -> Target:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    label = "(in memory)" if in_memory else database
    if not in_memory and not database.startswith("file:"):
        _check_sqlite_location(Path(database))
    engine = _create(url, label, connect_args={"timeout": busy_timeout})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return Target(engine, label, "sqlite")


def _check_sqlite_location(path: Path) -> None:
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file")
    parent = path.parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise StoreError(f"cannot create the database {path}: the directory {parent} {what}")
    if not path.exists() and not os.access(parent, os.W_OK | os.X_OK):
        raise StoreError(f"cannot create the database {path}: the directory {parent} is not writable")


def _server(url: URL) -> Target:
    label = url.render_as_string(hide_password=True)
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT
    engine = _create(url, label, connect_args=connect_args)
    return Target(engine, label, url.get_backend_name())


def _create(url: URL, label: str, *, connect_args: dict[str, Any]) -> Engine:
    try:
        return create_engine(url, connect_args=connect_args)
    except exc.NoSuchModuleError:
        raise StoreError(f"{label} names an unknown database or driver; use {SUPPORTED}") from None
    except ImportError as error:
        raise StoreError(
            f"the database driver for {label} is not installed ({first_line(error)}); use {SUPPORTED}"
        ) from None
    except (exc.ArgumentError, TypeError, ValueError) as error:
        raise StoreError(f"{label} is not a usable database URL ({first_line(error)})") from None


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (see _sqlite_begin),
    # so that a save is one transaction from its first statement to its commit.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # Writers take the write lock up front (BEGIN IMMEDIATE) so they wait for the busy timeout
    # instead of failing on a read-to-write lock upgrade; readers do not block writers.
    mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
    connection.exec_driver_sql(_BEGIN_STATEMENTS[mode])
