"""The one place that owns threads and sockets' scheduling: every endpoint's jobs run under a global
connection bound, a per-endpoint bound, a per-handshake timeout and a total budget.

Two kinds of job, one connection each. A HelloJob (a single ClientHello and its answer: hundreds per
endpoint) is driven by a selector loop in the calling thread, so it costs no thread hand-off. A Job
(a full handshake through the `ssl` module: chain, verification, mTLS) runs in a worker thread.
Both count against the same bounds. Jobs start round-robin across endpoints. An endpoint's first
job is its preflight; its other jobs are queued only when the preflight says it speaks TLS. After
repeated timeouts the rest of an endpoint's jobs are dropped (a server that started stalling would
otherwise cost a timeout per job).
"""

from __future__ import annotations

import contextlib
import queue
import selectors
import socket
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

from ringfence.probe.results import JobKey, Outcome, PairOutcome, PreflightOutcome, SkippedJob, job_label
from ringfence.probe.wire import Answer, RawExchange


@dataclass(frozen=True, slots=True)
class Limits:
    connections: int = 32  # open connections across all endpoints
    per_endpoint: int = 8  # open connections to one endpoint
    timeout: float = 5.0  # seconds for one handshake (connect included)
    budget: float = 300.0  # seconds for the whole run
    max_timeouts: int = 3  # timed-out jobs after which an endpoint's remaining jobs are dropped

    def __post_init__(self) -> None:
        if self.connections < 1 or self.per_endpoint < 1:
            raise ValueError("connection limits must be at least 1")
        if self.timeout <= 0 or self.budget <= 0:
            raise ValueError("the timeout and the budget must be positive")


@dataclass(frozen=True, slots=True)
class Job:
    """A blocking job for a worker thread. `run(deadline)` never raises for network trouble."""

    key: JobKey
    run: Callable[[float], Outcome]


@dataclass(frozen=True, slots=True)
class HelloJob:
    """One ClientHello to `address`:`port`; `finish` (pure) turns the answer into an outcome."""

    key: JobKey
    address: str
    port: int
    hello: Callable[[], bytes]
    finish: Callable[[Answer], Outcome]
    want_certificate: bool = False


AnyJob = Job | HelloJob


@dataclass
class EndpointJobs:
    """An endpoint's preflight and, once it passes, the rest of its jobs."""

    preflight: AnyJob
    followers: Callable[[], Sequence[AnyJob]]
    outcomes: list[Outcome] = field(default_factory=list)
    pending: deque[AnyJob] = field(default_factory=deque)
    running: int = 0
    timeouts: int = 0
    abandoned: str = ""


def run_all(
    endpoints: Sequence[EndpointJobs], limits: Limits, *, clock: Callable[[], float] = time.monotonic
) -> None:
    """Run every job; each endpoint's `outcomes` is filled in place (one per job, skipped ones too)."""
    _Scheduler(endpoints, limits, clock).run()


def _guarded(job: Job, deadline: float) -> Outcome:
    try:
        return job.run(deadline)
    except Exception as exc:  # a prober bug must cost one result, not the run
        return SkippedJob(job.key, f"internal error in {job_label(job.key)}: {type(exc).__name__}: {exc}")


class _Scheduler:
    def __init__(self, endpoints: Sequence[EndpointJobs], limits: Limits, clock: Callable[[], float]) -> None:
        self.endpoints = endpoints
        self.limits = limits
        self.clock = clock
        self.deadline = clock() + limits.budget
        self.running = 0
        self.selector = selectors.DefaultSelector()
        self.exchanges: dict[RawExchange, tuple[EndpointJobs, HelloJob]] = {}
        self.finished: queue.SimpleQueue[tuple[EndpointJobs, Job, Outcome]] = queue.SimpleQueue()
        self.wake_read, self.wake_write = socket.socketpair()
        self.wake_read.setblocking(False)
        self.wake_write.setblocking(False)
        self.selector.register(self.wake_read, selectors.EVENT_READ, None)
        self.pool: ThreadPoolExecutor | None = None
        self.ready: deque[EndpointJobs] = deque()  # endpoints with queued jobs, round-robin
        self.queued: set[int] = set()

    def run(self) -> None:
        for state in self.endpoints:
            state.pending.append(state.preflight)
            self._enqueue(state)
        try:
            while True:
                self._fill()
                if self.running == 0:
                    break
                self._wait()
        finally:
            for exchange in list(self.exchanges):
                exchange.close()
            if self.pool is not None:
                self.pool.shutdown(wait=True)
            self.selector.close()
            self.wake_read.close()
            self.wake_write.close()

    # --- starting jobs ---

    def _fill(self) -> None:
        """Start jobs round-robin over the endpoints that have any queued, within both bounds.
        Endpoints at their own bound rotate to the back; the scan stops once every queued endpoint
        is at its bound or the global bound is reached, so a fill costs O(open connections)."""
        at_bound = 0
        ready = self.ready
        while ready and self.running < self.limits.connections and at_bound < len(ready):
            state = ready[0]
            if not state.pending:
                ready.popleft()
                self.queued.discard(id(state))
                continue
            ready.rotate(-1)
            if state.running >= self.limits.per_endpoint:
                at_bound += 1
                continue
            at_bound = 0
            job = state.pending.popleft()
            now = self.clock()
            if now >= self.deadline:
                reason = f"not tried: the {self.limits.budget:g} s budget was spent"
                state.outcomes.append(SkippedJob(job.key, reason))
                continue
            self._start(state, job, min(self.deadline, now + self.limits.timeout))

    def _enqueue(self, state: EndpointJobs) -> None:
        if state.pending and id(state) not in self.queued:
            self.queued.add(id(state))
            self.ready.append(state)

    def _start(self, state: EndpointJobs, job: AnyJob, deadline: float) -> None:
        state.running += 1
        self.running += 1
        if isinstance(job, Job):
            if self.pool is None:
                self.pool = ThreadPoolExecutor(
                    max_workers=self.limits.connections, thread_name_prefix="ringfence-probe"
                )
            future = self.pool.submit(_guarded, job, deadline)
            future.add_done_callback(partial(self._thread_done, state, job))
            return
        try:
            exchange = RawExchange(
                job.address, job.port, job.hello(), deadline, want_certificate=job.want_certificate
            )
        except Exception as exc:
            self._complete(state, job, SkippedJob(job.key, f"internal error in {job_label(job.key)}: {exc}"))
            return
        if exchange.early is not None:
            exchange.close()
            self._complete(state, job, job.finish(exchange.early))
            return
        self.exchanges[exchange] = (state, job)
        self.selector.register(exchange.sock, exchange.events, exchange)

    def _thread_done(self, state: EndpointJobs, job: Job, future: Future[Outcome]) -> None:
        self.finished.put((state, job, future.result()))
        with contextlib.suppress(OSError):  # the loop is already awake (buffer full) or shutting down
            self.wake_write.send(b"\0")

    # --- waiting for them ---

    def _wait(self) -> None:
        now = self.clock()
        soonest = min((e.deadline for e in self.exchanges), default=now + 1.0)
        for key, mask in self.selector.select(max(0.0, min(soonest - now, 1.0))):
            exchange = key.data
            if exchange is None:
                with contextlib.suppress(BlockingIOError):
                    self.wake_read.recv(4096)
                continue
            answer = exchange.on_event(mask)
            if answer is not None:
                self._end_exchange(exchange, answer)
            elif exchange.events != key.events:
                self.selector.modify(exchange.sock, exchange.events, exchange)
        now = self.clock()
        for exchange in [e for e in self.exchanges if e.deadline <= now]:
            self._end_exchange(exchange, exchange.expire())
        while not self.finished.empty():
            state, job, outcome = self.finished.get_nowait()
            self._complete(state, job, outcome)

    def _end_exchange(self, exchange: RawExchange, answer: Answer) -> None:
        state, job = self.exchanges.pop(exchange)
        self.selector.unregister(exchange.sock)
        exchange.close()
        try:
            outcome = job.finish(answer)
        except Exception as exc:
            outcome = SkippedJob(
                job.key, f"internal error in {job_label(job.key)}: {type(exc).__name__}: {exc}"
            )
        self._complete(state, job, outcome)

    def _complete(self, state: EndpointJobs, job: AnyJob, outcome: Outcome) -> None:
        state.running -= 1
        self.running -= 1
        state.outcomes.append(outcome)
        if job is state.preflight:
            if isinstance(outcome, PreflightOutcome) and outcome.ok:
                state.pending.extend(state.followers())
                self._enqueue(state)
            return
        if isinstance(outcome, PairOutcome) and outcome.timed_out:
            state.timeouts += 1
            if state.timeouts >= self.limits.max_timeouts and state.pending:
                state.abandoned = f"not tried: stopped after {state.timeouts} timed-out handshakes"
                while state.pending:
                    state.outcomes.append(SkippedJob(state.pending.popleft().key, state.abandoned))
