"""What a running scan has done so far: accounts, regions, collectors, API calls, throttles.

The scanner updates a `ScanProgress`; `show_progress` draws it on a terminal (rich), and otherwise
writes one structured log line per finished account and one at the end (logger ringfence.progress,
JSON in the message), so CI logs stay short and machine-readable.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ringfence.sources.aws.session import CallLog

log = logging.getLogger("ringfence.progress")

Listener = Callable[[str, dict[str, Any]], None]  # (event, fields)


@dataclass
class ScanProgress:
    call_log: CallLog = field(default_factory=CallLog)
    accounts_total: int = 0
    accounts_done: int = 0
    regions_total: int = 0
    regions_done: int = 0
    jobs_total: int = 0
    jobs_done: int = 0
    notes: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    listeners: list[Listener] = field(default_factory=list)
    _pending: dict[tuple[str, str], int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- what the scanner reports -----------------------------------------------------------------

    def plan_accounts(self, total: int) -> None:
        self.accounts_total = total
        self._emit("plan", accounts=total)

    def account_planned(self, account: str, regions: tuple[str, ...], regional: int, jobs: int) -> None:
        with self._lock:
            self.jobs_total += jobs
            self.regions_total += len(regions)
            for region in regions:
                self._pending[(account, region)] = regional
        self._emit("account_planned", account=account, regions=len(regions), jobs=jobs)

    def job_done(self, account: str, region: str) -> None:
        finished_region = False
        with self._lock:
            self.jobs_done += 1
            key = (account, region)
            if region and key in self._pending:
                self._pending[key] -= 1
                if self._pending[key] <= 0:
                    del self._pending[key]
                    self.regions_done += 1
                    finished_region = True
        self._emit("job_done", account=account, region=region, region_done=finished_region)

    def account_done(self, account: str, resources: int, gaps: int) -> None:
        with self._lock:
            self.accounts_done += 1
            for key in [k for k in self._pending if k[0] == account]:
                del self._pending[key]  # an account cut short: its regions are over too
                self.regions_done += 1
        self._emit("account_done", account=account, resources=resources, gaps=gaps)

    def note(self, text: str) -> None:
        self.notes.append(text)
        self._emit("note", text=text)

    # --- what a display reads ----------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        return {
            "accounts_done": self.accounts_done,
            "accounts_total": self.accounts_total,
            "regions_done": self.regions_done,
            "regions_total": self.regions_total,
            "collectors_done": self.jobs_done,
            "collectors_total": self.jobs_total,
            "calls": self.call_log.total,
            "throttles": self.call_log.throttles,
            "retries": self.call_log.retries,
            "seconds": round(time.monotonic() - self.started, 1),
        }

    def summary_line(self) -> str:
        s = self.snapshot()
        return (
            f"accounts {s['accounts_done']}/{s['accounts_total']}  regions {s['regions_done']}/"
            f"{s['regions_total']}  collectors {s['collectors_done']}/{s['collectors_total']}  "
            f"calls {s['calls']}  throttles {s['throttles']}"
        )

    def _emit(self, event: str, **fields: Any) -> None:
        for listener in self.listeners:
            listener(event, fields)


@contextmanager
def show_progress(progress: ScanProgress, *, interactive: bool | None = None) -> Iterator[None]:
    """A live line on a terminal; quiet structured log lines otherwise."""
    if interactive is None:
        interactive = sys.stderr.isatty()
    if not interactive:
        yield from _structured(progress)
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[stats]}"),
        TimeElapsedColumn(),
        transient=True,
        console=Console(file=sys.stderr),
    ) as bar:
        task = bar.add_task("scanning", total=None, stats="")

        def update(event: str, fields: dict[str, Any]) -> None:
            if event == "note":
                bar.console.print(f"[dim]{fields['text']}[/dim]")
                return
            bar.update(
                task,
                total=progress.jobs_total or None,
                completed=progress.jobs_done,
                stats=progress.summary_line(),
                description=str(fields.get("account") or "scanning"),
            )

        progress.listeners.append(update)
        try:
            yield
        finally:
            progress.listeners.remove(update)


def _structured(progress: ScanProgress) -> Iterator[None]:
    def write(event: str, fields: dict[str, Any]) -> None:
        if event in ("account_done", "note", "plan"):
            log.info(json.dumps({"event": event, **fields, **progress.snapshot()}, sort_keys=True))

    progress.listeners.append(write)
    try:
        yield
    finally:
        progress.listeners.remove(write)
        log.info(json.dumps({"event": "scan_done", **progress.snapshot()}, sort_keys=True))
