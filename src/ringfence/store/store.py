"""ScanStore: save every scan, list them, load one back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from ringfence.model.scan import ScanResult
from ringfence.store import repository, resumable
from ringfence.store.engine import DEFAULT_BUSY_TIMEOUT, SQLITE_BEGIN, open_engine
from ringfence.store.errors import StoreError, first_line, translated
from ringfence.store.migrate import ensure_schema
from ringfence.store.schema import STATE_RUNNING
from ringfence.store.summary import ScanSummary

if TYPE_CHECKING:
    from ringfence.scanner import Resume
    from ringfence.sources.aws.runner import Collected

_AMBIGUOUS_SHOWN = 5


class ScanStore:
    """The history of scans in one database: SQLite by default, or any SQLAlchemy URL.

    Every method raises StoreError (one sentence) for anything wrong with the database.
    """

    def __init__(self, url: str | None = None, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> None:
        self._target = open_engine(url, busy_timeout=busy_timeout)
        self._closed = False
        try:
            ensure_schema(self._target)
        except BaseException:
            self._target.engine.dispose()
            raise

    @property
    def location(self) -> str:
        """The database file, or its URL without a password."""
        return self._target.label

    def save(self, result: ScanResult) -> None:
        """Store a scan and everything in it, in one transaction: all of it or nothing."""
        scan_id = result.info.id
        if not scan_id:
            raise StoreError("cannot store a scan without an id")
        with self._transaction(write=True) as conn:
            if repository.exists(conn, scan_id):
                raise StoreError(f"a scan with the id {scan_id} is already stored in {self.location}")
            try:
                repository.insert_scan(conn, result)
            except (TypeError, ValueError) as error:  # a value the driver cannot encode (JSON)
                raise StoreError(f"cannot store scan {scan_id}: {first_line(error)}") from error

    def list_scans(self, limit: int | None = None) -> list[ScanSummary]:
        """Summaries of the stored scans, newest first (the newest `limit` when given)."""
        if limit is not None and limit < 0:
            raise StoreError(f"the number of scans to list must not be negative (got {limit})")
        with self._transaction() as conn:
            return repository.summaries(conn, limit)

    def resolve(self, scan_id: str) -> str:
        """The full id of the stored scan whose id is `scan_id` or uniquely starts with it."""
        with self._transaction() as conn:
            return self._resolve(conn, scan_id)

    def load(self, scan_id: str) -> ScanResult:
        """A stored scan (by its id or a unique prefix of it) with findings and inventory."""
        with self._transaction() as conn:
            found = repository.load_scan(conn, self._resolve(conn, scan_id))
        if found is None:  # deleted between resolving and reading: only without isolation
            raise StoreError(f"no stored scan has the id {scan_id!r}")
        return found

    def latest(self) -> ScanResult | None:
        """The newest stored scan, or None when there is none."""
        with self._transaction() as conn:
            newest = repository.newest_ids(conn, 1)
            return repository.load_scan(conn, newest[0]) if newest else None

    def close(self) -> None:
        self._closed = True
        self._target.engine.dispose()

    def __enter__(self) -> ScanStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ScanStore({self.location!r})"

    # --- resumable scans (ringfence scan --org; see ringfence.store.resumable) -------------------

    def begin_scan(self, scan_id: str, started: str, source: str) -> None:
        """Record a running scan: it is not in the history until `finish` stores its result."""
        with self._transaction(write=True) as conn:
            if repository.exists(conn, scan_id):
                raise StoreError(f"a scan with the id {scan_id} is already stored in {self.location}")
            resumable.begin(conn, scan_id, started, source)

    def account_done(self, scan_id: str, account: str, collected: Collected) -> None:
        """Keep one finished account of a running scan (a Ctrl-C or crash later loses none of it)."""
        with self._transaction(write=True) as conn:
            try:
                resumable.add_account(
                    conn,
                    scan_id,
                    account,
                    collected.regions.get(account, ()),
                    collected.resources,
                    collected.gaps,
                    collected.incomplete,
                )
            except (TypeError, ValueError) as error:
                raise StoreError(
                    f"cannot store account {account} of scan {scan_id}: {first_line(error)}"
                ) from error

    def resume_state(self, scan_id: str) -> Resume:
        """The interrupted scan `scan_id` (or a unique prefix of it): its start and finished accounts."""
        from ringfence.scanner import Resume
        from ringfence.sources.aws.runner import Collected

        with self._transaction() as conn:
            full = self._resolve(conn, scan_id)
            if resumable.state_of(conn, full) != STATE_RUNNING:
                raise StoreError(f"scan {full} is complete; only an interrupted scan can be resumed")
            started = resumable.started_of(conn, full)
            done = {
                account: Collected(
                    resources=found, gaps=gaps, incomplete=incomplete, regions={account: regions}
                )
                for account, (regions, found, gaps, incomplete) in resumable.finished_accounts(
                    conn, full
                ).items()
            }
        return Resume(scan_id=full, started=started, done=done)

    def running_scans(self) -> list[str]:
        """Ids of scans that were begun but not finished (interrupted), newest first."""
        with self._transaction() as conn:
            return resumable.running_ids(conn)

    def finish(self, result: ScanResult) -> None:
        """Store the result of a scan begun with `begin_scan` over its partial rows (or save it)."""
        with self._transaction(write=True) as conn:
            if resumable.state_of(conn, result.info.id) != STATE_RUNNING:
                if repository.exists(conn, result.info.id):
                    raise StoreError(
                        f"a scan with the id {result.info.id} is already stored in {self.location}"
                    )
                repository.insert_scan(conn, result)
                return
            try:
                resumable.finish(conn, result)
            except (TypeError, ValueError) as error:
                raise StoreError(f"cannot store scan {result.info.id}: {first_line(error)}") from error

    # --- internals -----------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[Connection]:
        if self._closed:
            raise StoreError(f"the scan store {self.location} has been closed")
        target = self._target
        with translated(target.label, target.backend), target.engine.connect() as conn:
            if write:
                conn.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
            with conn.begin():
                yield conn

    def _resolve(self, conn: Connection, scan_id: str) -> str:
        wanted = scan_id.strip()
        if not wanted:
            raise StoreError("give a scan id, or the first characters of one")
        if repository.exists(conn, wanted):
            return wanted
        matches = repository.ids_with_prefix(conn, wanted, _AMBIGUOUS_SHOWN + 1)
        if not matches:
            raise StoreError(f"no stored scan has an id starting with {wanted!r}")
        if len(matches) > 1:
            shown = ", ".join(matches[:_AMBIGUOUS_SHOWN])
            more = " and more" if len(matches) > _AMBIGUOUS_SHOWN else ""
            raise StoreError(
                f"the scan id prefix {wanted!r} is ambiguous: it matches {shown}{more}; give more characters"
            )
        return matches[0]
