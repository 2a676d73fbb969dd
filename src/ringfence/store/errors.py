"""StoreError, and the translation of database driver errors into one clear sentence."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc


class StoreError(Exception):
    """The scan store cannot do what was asked; the message is one sentence for the user."""


# SQLite reports these as text only; the phrases are stable across SQLite versions.
_SQLITE_LOCKED = ("database is locked", "database table is locked")
_SQLITE_CORRUPT = ("file is not a database", "file is encrypted", "disk image is malformed")
_SQLITE_READONLY = ("readonly database", "read-only")
_SQLITE_CANNOT_OPEN = ("unable to open database file",)
_SQLITE_FULL = ("database or disk is full",)


def first_line(error: BaseException) -> str:
    """The first line of an error's text, without a trailing full stop."""
    text = str(error).strip()
    line = text.splitlines()[0].strip() if text else type(error).__name__
    return line.rstrip(".")


def _reason(error: exc.SQLAlchemyError) -> str:
    orig = getattr(error, "orig", None)
    return first_line(orig if isinstance(orig, BaseException) else error)


def describe(error: exc.SQLAlchemyError, target: str, backend: str) -> str:
    """One sentence saying what went wrong with the database `target` (a path or a safe URL)."""
    reason = _reason(error)
    lowered = reason.lower()
    if backend == "sqlite":
        if any(p in lowered for p in _SQLITE_LOCKED):
            return f"the database {target} is locked by another process; try again when it has finished"
        if any(p in lowered for p in _SQLITE_CORRUPT):
            return f"{target} is not a ringfence database (SQLite says: {reason})"
        if any(p in lowered for p in _SQLITE_READONLY):
            return f"the database {target} is read-only; check the file and directory permissions"
        if any(p in lowered for p in _SQLITE_CANNOT_OPEN):
            return f"cannot open the database {target}; check that its directory exists and is writable"
        if any(p in lowered for p in _SQLITE_FULL):
            return f"cannot write to the database {target}: the disk is full"
    elif isinstance(error, exc.OperationalError | exc.InterfaceError) and "connect" in lowered:
        return f"cannot connect to the database server {target} ({reason})"
    if isinstance(error, exc.StatementError) and not isinstance(error, exc.DBAPIError):
        return f"the database {target} could not be given the data ({reason})"
    if isinstance(error, exc.IntegrityError):
        return f"the database {target} refused the data as a duplicate or inconsistent ({reason})"
    return f"the database {target} failed: {reason}"


@contextmanager
def translated(target: str, backend: str) -> Iterator[None]:
    """Turn any SQLAlchemy error raised inside the block into a StoreError."""
    try:
        yield
    except exc.SQLAlchemyError as error:
        raise StoreError(describe(error, target, backend)) from error
