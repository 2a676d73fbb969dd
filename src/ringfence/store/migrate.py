"""Create the tables of a new store, upgrade an old one, refuse one written by a newer ringfence."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, inspect, select, text

from ringfence.store.engine import SQLITE_BEGIN, Target
from ringfence.store.errors import StoreError, translated
from ringfence.store.schema import SCHEMA_VERSION, SCHEMA_VERSION_KEY, meta, metadata

# MIGRATIONS[n] upgrades a database at schema version n to n + 1, inside the caller's transaction.
Migration = Callable[[Connection], None]
MIGRATIONS: dict[int, Migration] = {}


def _add_scan_accounts(conn: Connection) -> None:
    """1 -> 2: the scan_accounts table (created by the metadata.create_all that follows)."""


MIGRATIONS[1] = _add_scan_accounts

_PG_LOCK_KEY = 0x72696E67666E6365  # "ringfnce": the advisory lock held while changing the schema


def ensure_schema(target: Target) -> int:
    """Bring the database to SCHEMA_VERSION; returns the version it was at (0: a new database)."""
    with translated(target.label, target.backend), target.engine.connect() as conn:
        with conn.begin():
            found = _read_version(conn, target.label)
        if found == SCHEMA_VERSION:
            return found
        _refuse_newer(found, target.label)
        # Write: take the write lock first (SQLite), then look again in case another process won.
        conn.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
        with conn.begin():
            if target.backend == "postgresql":  # serialise schema changes across processes
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            found = _read_version(conn, target.label)
            _refuse_newer(found, target.label)
            if found == 0:
                _create(conn, target.label)
            else:
                _upgrade(conn, found, target.label)
        return found


def _read_version(conn: Connection, label: str) -> int:
    if not inspect(conn).has_table(meta.name):
        return 0
    value = conn.execute(select(meta.c.value).where(meta.c.key == SCHEMA_VERSION_KEY)).scalar()
    if value is None:
        return 0
    try:
        return int(value)
    except ValueError:
        raise StoreError(f"the database {label} records an unreadable schema version {value!r}") from None


def _refuse_newer(found: int, label: str) -> None:
    if found > SCHEMA_VERSION:
        raise StoreError(
            f"the database {label} was written by a newer ringfence (schema version {found}, this "
            f"version understands up to {SCHEMA_VERSION}); upgrade ringfence to use it"
        )


def _create(conn: Connection, label: str) -> None:
    inspector = inspect(conn)
    foreign = [t.name for t in metadata.sorted_tables if t is not meta and inspector.has_table(t.name)]
    if foreign:
        raise StoreError(
            f"the database {label} already has a table named {foreign[0]!r} that ringfence did not "
            "create; use another database"
        )
    metadata.create_all(conn)
    conn.execute(meta.delete().where(meta.c.key == SCHEMA_VERSION_KEY))
    conn.execute(meta.insert().values(key=SCHEMA_VERSION_KEY, value=str(SCHEMA_VERSION)))


def _upgrade(conn: Connection, found: int, label: str) -> None:
    for version in range(found, SCHEMA_VERSION):
        migration = MIGRATIONS.get(version)
        if migration is None:
            raise StoreError(
                f"the database {label} is at schema version {version} and this ringfence has no "
                "upgrade from it"
            )
        migration(conn)
    metadata.create_all(conn)  # tables added since `found` that a migration did not create itself
    conn.execute(meta.update().where(meta.c.key == SCHEMA_VERSION_KEY).values(value=str(SCHEMA_VERSION)))
