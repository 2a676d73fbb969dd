"""Retries that heal, and only those: ringfence's own retry policy in place of botocore's.

botocore's standard and adaptive modes retry every HTTP 500 (a local emulator's "not implemented"
costs seconds of back-off) and treat errors alike across services. Here:

- throttling (per account and region): retried with full-jitter exponential back-off, and the
  account+region's request rate is lowered (AIMD: halved on a throttle, raised again on success);
- transient service errors (502/503/504, InternalError, ServiceUnavailable with an AWS error code,
  a dropped connection): retried a couple of times with a short back-off;
- everything else is final at once: access denied, opt-in required, not implemented, validation
  errors, a 500 without an AWS error code (an emulator's unimplemented operation);
- a read timeout is not retried and marks the account's region as unreachable, so the next calls
  there fail fast instead of each waiting a whole timeout (the gap names the region).
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import (
    ConnectionClosedError,
    ConnectTimeoutError,
    HTTPClientError,
    ReadTimeoutError,
)

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
TRANSIENT_CODES = frozenset(
    {
        "RequestTimeout",
        "RequestTimeoutException",
        "InternalError",
        "InternalFailure",
        "InternalServerError",
        "InternalServerException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "ServiceException",
    }
)
TRANSIENT_STATUS = frozenset({502, 503, 504})
TRANSIENT_ATTEMPTS = 3  # a transient error is tried at most this often, whatever max_attempts says


class RegionUnreachable(HTTPClientError):  # type: ignore[misc]
    """A region that timed out earlier in the scan is not asked again."""

    fmt = "{region} did not answer within the read timeout earlier in this scan; not asked again"


def is_throttle(code: str, status: int | None = None) -> bool:
    return code in THROTTLING_CODES or status == 429


@dataclass(frozen=True, slots=True)
class RetrySettings:
    max_attempts: int = 5  # throttling: first try plus retries
    base_delay: float = 0.5  # seconds: full jitter over base * 2**(attempt-1), capped
    max_delay: float = 20.0
    transient_base_delay: float = 0.1


class RateLimiter:
    """Adaptive client-side rate for one account and region: unlimited until AWS throttles, then
    lowered by a third on each throttle (never below MIN_RATE) and raised by half for every second
    without one, until it is far above what is asked for and unlimited again."""

    MIN_RATE = 2.0  # calls per second
    WINDOW = 2.0  # seconds over which the recent rate is measured

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rate: float | None = None  # None: unlimited
        self._next_slot = 0.0
        self._recent: deque[float] = deque()
        self._last_change = 0.0

    @property
    def rate(self) -> float | None:
        return self._rate

    def acquire(self) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent.append(now)
            while self._recent and self._recent[0] < now - self.WINDOW:
                self._recent.popleft()
            if self._rate is None:
                return
            slot = max(now, self._next_slot)
            self._next_slot = slot + 1.0 / self._rate
        wait = slot - now
        if wait > 0:
            time.sleep(wait)

    def on_throttle(self) -> None:
        with self._lock:
            now = time.monotonic()
            if self._rate is not None and now - self._last_change < 0.2:
                return  # one burst of throttles lowers the rate once
            measured = len(self._recent) / self.WINDOW
            current = self._rate if self._rate is not None else max(measured, 2 * self.MIN_RATE)
            self._rate = max(self.MIN_RATE, current * 0.66)
            self._last_change = now

    def on_success(self) -> None:
        if self._rate is None:
            return
        with self._lock:
            if self._rate is None:
                return
            now = time.monotonic()
            if now - self._last_change >= 1.0:
                self._rate *= 1.5
                self._last_change = now
                measured = len(self._recent) / self.WINDOW
                if self._rate > 4 * max(measured, 1.0):
                    self._rate = None  # far above what is being asked for: unlimited again


def error_of(response: Any) -> tuple[str, int | None]:
    """(AWS error code, HTTP status) of a needs-retry response; ("", status) when it has no code."""
    if not isinstance(response, tuple) or len(response) < 2:
        return "", None
    http, parsed = response[0], response[1]
    status = getattr(http, "status_code", None)
    code = ""
    if isinstance(parsed, dict):
        err = parsed.get("Error") or {}
        code = str(err.get("Code") or "")
    return code, status


class RetryPolicy:
    """The needs-retry handler: returns seconds to sleep before the next try, or None to stop.

    `hooks` gives the per-account state (rate limiter, throttle counter, unreachable regions)
    for the request being retried."""

    def __init__(self, settings: RetrySettings, rng: random.Random | None = None) -> None:
        self.settings = settings
        self._rng = rng or random.Random()  # jitter, not security

    def delay(
        self,
        *,
        attempts: int,
        response: Any,
        caught_exception: BaseException | None,
        on_throttle: Any,
        on_success: Any,
        on_timeout: Any,
    ) -> float | None:
        s = self.settings
        if caught_exception is not None:
            if isinstance(caught_exception, RegionUnreachable):
                return None
            if isinstance(caught_exception, ReadTimeoutError):
                on_timeout(caught_exception)
                return None
            if isinstance(caught_exception, ConnectionClosedError | ConnectTimeoutError):
                if attempts < min(2, s.max_attempts):
                    return self._jitter(s.transient_base_delay, attempts)
                if isinstance(caught_exception, ConnectTimeoutError):
                    on_timeout(caught_exception)
            return None
        code, status = error_of(response)
        if status is not None and status < 400:
            on_success()
            return None
        if is_throttle(code, status):
            on_throttle()
            if attempts >= s.max_attempts:
                return None
            return self._jitter(s.base_delay, attempts)
        on_success()  # an answer that is not a throttle: the rate is fine
        transient = code in TRANSIENT_CODES or (status in TRANSIENT_STATUS and bool(code))
        if transient and attempts < min(TRANSIENT_ATTEMPTS, s.max_attempts):
            return self._jitter(s.transient_base_delay, attempts)
        return None

    def _jitter(self, base: float, attempts: int) -> float:
        ceiling = min(self.settings.max_delay, base * (2 ** (attempts - 1)))
        return self._rng.uniform(0, ceiling)
