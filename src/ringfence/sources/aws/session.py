"""boto3 sessions and clients: credentials, endpoints, retries, and a record of every call made.

A scan of an organisation talks to hundreds of accounts. Building a botocore client costs ~10 ms of
CPU (EC2 alone has 800 operations), so one `ClientPool` per scan keeps one client per (service,
region) for all accounts, and each account's `ClientFactory` hands out thin `ScopedClient`s that
sign every request with that account's credentials (a thread-local names the account for the
duration of each call or page). Without a pool (the demo builder, one-off calls) a factory builds
its own clients, as botocore intends.
"""

from __future__ import annotations

import platform
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import NoCredentialsError

from ringfence import __version__ as _ringfence_version
from ringfence.sources.aws.retry import RateLimiter, RegionUnreachable, RetryPolicy, RetrySettings

DEFAULT_HOME_REGION = "us-east-1"
USER_AGENT = (
    f"ringfence/{_ringfence_version} botocore/{botocore.__version__} Python/{platform.python_version()}"
)
PARTITION_HOME = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}


def partition_of_region(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


@dataclass
class CallLog:
    """Counts API calls by (service, operation); the least-privilege test reads it."""

    calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_account: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (account, service, op)
    throttles: int = 0
    retries: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, service: str, operation: str, account: str = "") -> None:
        with self._lock:
            self.calls[(service, operation)] += 1
            self.by_account[(account, service, operation)] += 1

    def record_throttle(self) -> None:
        with self._lock:
            self.throttles += 1

    def record_retry(self) -> None:
        with self._lock:
            self.retries += 1

    @property
    def total(self) -> int:
        return sum(self.calls.values())


@dataclass(frozen=True, slots=True)
class AwsOptions:
    profile: str | None = None
    endpoint_url: str | None = None
    home_region: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None
    session_token: str | None = None
    max_workers: int = 16
    max_attempts: int = 5
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_per_account: int = 8  # concurrent collector jobs in one account (API limits are per account)
    retry_base_delay: float = 0.5  # seconds; throttling back-off is full jitter over base * 2**n


_ACTIVE = threading.local()


def _active_factory() -> ClientFactory | None:
    return getattr(_ACTIVE, "factory", None)


@contextmanager
def active(factory: ClientFactory) -> Iterator[None]:
    """Requests made by this thread inside the block are signed and counted for `factory`'s account."""
    previous = getattr(_ACTIVE, "factory", None)
    _ACTIVE.factory = factory
    try:
        yield
    finally:
        _ACTIVE.factory = previous


class _ActiveCredentials:
    """The credentials of the account whose call is in flight on this thread (pool clients)."""

    method = "ringfence-scoped"

    def get_frozen_credentials(self) -> Any:
        factory = _active_factory()
        if factory is None:
            raise NoCredentialsError()  # a pool client used outside a ScopedClient: refuse to guess
        return factory.frozen_credentials()


class ClientPool:
    """One botocore client per (service, region), shared by every account of a scan."""

    def __init__(self, session: boto3.Session, options: AwsOptions) -> None:
        self.session = session
        self.options = options
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self._credentials = _ActiveCredentials()

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        found = self._clients.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                found = build_client(self.session, self.options, service, region, _active_factory)
                found._request_signer._credentials = self._credentials
                self._clients[key] = found
            return found


class ClientFactory:
    """Thread-safe, cached boto3 clients for one set of credentials (one account)."""

    def __init__(
        self,
        session: boto3.Session,
        options: AwsOptions,
        call_log: CallLog | None = None,
        *,
        pool: ClientPool | None = None,
        credentials: Any = None,
        account: str = "",
    ) -> None:
        self.session = session
        self.options = options
        self.call_log = call_log or CallLog()
        self.pool = pool
        self.account = account
        self._credentials = credentials
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self._limiters: dict[str, RateLimiter] = {}
        self.unreachable: dict[str, str] = {}  # region -> why it is not asked again
        self.retry = RetryPolicy(
            RetrySettings(max_attempts=options.max_attempts, base_delay=options.retry_base_delay)
        )

    # --- clients ---------------------------------------------------------------------------------

    def client(self, service: str, region: str) -> Any:
        if self.pool is not None:
            return ScopedClient(self.pool.client(service, region), self)
        key = (service, region)
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                found = build_client(self.session, self.options, service, region, lambda: self)
                if self._credentials is not None:
                    found._request_signer._credentials = self._credentials
                self._clients[key] = found
            return found

    def probe_client(self, service: str, region: str) -> Any:
        """A client that gives up fast: for the first call, which tells whether anything is reachable."""
        client = build_client(
            self.session,
            self.options,
            service,
            region,
            lambda: self,
            max_attempts=2,
            connect_timeout=min(3.0, self.options.connect_timeout),
        )
        if self._credentials is not None:
            client._request_signer._credentials = self._credentials
        return client

    def close(self) -> None:
        """Forget this factory's own clients (an account whose scan is over)."""
        with self._lock:
            self._clients.clear()

    # --- per-account state the shared hooks consult ----------------------------------------------

    def frozen_credentials(self) -> Any:
        creds = self._credentials
        if creds is None:
            creds = self.session.get_credentials()
            if creds is None:
                raise NoCredentialsError()
            self._credentials = creds
        return creds.get_frozen_credentials()

    def limiter(self, region: str) -> RateLimiter:
        found = self._limiters.get(region)
        if found is None:
            with self._lock:
                found = self._limiters.setdefault(region, RateLimiter())
        return found


class ScopedClient:
    """A pool client seen through one account: every call and page is made as that account."""

    def __init__(self, client: Any, factory: ClientFactory) -> None:
        self._client = client
        self._factory = factory
        self.meta = client.meta
        self.exceptions = client.exceptions

    def can_paginate(self, operation: str) -> bool:
        return bool(self._client.can_paginate(operation))

    def get_paginator(self, operation: str) -> _ScopedPaginator:
        return _ScopedPaginator(self._client.get_paginator(operation), self._factory)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr
        factory = self._factory

        def call(*args: Any, **kwargs: Any) -> Any:
            with active(factory):
                return attr(*args, **kwargs)

        return call


class _ScopedPaginator:
    def __init__(self, paginator: Any, factory: ClientFactory) -> None:
        self._paginator = paginator
        self._factory = factory

    def paginate(self, **kwargs: Any) -> Iterator[Any]:
        with active(self._factory):
            pages = iter(self._paginator.paginate(**kwargs))
        while True:
            with active(self._factory):
                page = next(pages, None)
            if page is None:
                return
            yield page


def build_client(
    session: boto3.Session,
    opts: AwsOptions,
    service: str,
    region: str,
    owner: Callable[[], ClientFactory | None],
    *,
    max_attempts: int | None = None,
    connect_timeout: float | None = None,
) -> Any:
    """A botocore client with ringfence's retry policy and hooks; `owner()` names the account
    (its call log, rate limiter and unreachable regions) for the request in flight."""
    config_kwargs: dict[str, Any] = {
        # botocore's own retry handler is replaced below; "standard" keeps its header seeding.
        "retries": {"mode": "standard", "max_attempts": max_attempts or opts.max_attempts},
        "connect_timeout": connect_timeout or opts.connect_timeout,
        "read_timeout": opts.read_timeout,
        "max_pool_connections": max(10, opts.max_workers),
        # A fixed User-Agent: botocore otherwise rebuilds it from ~20 components twice per request,
        # a third of its own CPU per call (measured on a 150-account scan).
        "user_agent": USER_AGENT,
    }
    if opts.endpoint_url:
        # A custom endpoint has no per-account host names (s3control) or bucket subdomains.
        config_kwargs["inject_host_prefix"] = False
        config_kwargs["s3"] = {"addressing_style": "path"}
    client = session.client(
        service,
        region_name=region,
        endpoint_url=opts.endpoint_url,
        config=Config(**config_kwargs),
    )
    name = client.meta.service_model.service_name
    event_name = client.meta.service_model.service_id.hyphenize()
    client.meta.events.unregister(f"needs-retry.{event_name}", unique_id=f"retry-config-{event_name}")
    attempts_cap = max_attempts or opts.max_attempts

    def on_call(model: Any, **_: Any) -> None:
        factory = owner()
        if factory is not None:
            factory.call_log.record(name, model.name, factory.account)

    def before_send(request: Any, **_: Any) -> None:
        factory = owner()
        if factory is None:
            return None
        if region in factory.unreachable:
            raise RegionUnreachable(region=region, error=factory.unreachable[region])
        factory.limiter(region).acquire()
        return None

    def needs_retry(
        response: Any = None, attempts: int = 1, caught_exception: Any = None, **_: Any
    ) -> float | None:
        factory = owner()
        if factory is None:
            return None
        limiter = factory.limiter(region)

        def throttled() -> None:
            factory.call_log.record_throttle()
            limiter.on_throttle()

        def timed_out(exc: BaseException) -> None:
            factory.unreachable.setdefault(region, type(exc).__name__)

        policy = factory.retry
        if attempts_cap < policy.settings.max_attempts:
            policy = RetryPolicy(
                RetrySettings(max_attempts=attempts_cap, base_delay=policy.settings.base_delay)
            )
        delay = policy.delay(
            attempts=attempts,
            response=response,
            caught_exception=caught_exception,
            on_throttle=throttled,
            on_success=limiter.on_success,
            on_timeout=timed_out,
        )
        if delay is not None:
            factory.call_log.record_retry()
        return delay

    client.meta.events.register("before-call", on_call)
    client.meta.events.register(f"before-send.{event_name}", before_send)
    client.meta.events.register(f"needs-retry.{event_name}", needs_retry, unique_id="ringfence-retry")
    if opts.endpoint_url and service == "s3control":
        client.meta.events.register("before-send", _unprefixed_host(opts.endpoint_url))
    return client


def _unprefixed_host(endpoint_url: str) -> Any:
    """s3control's endpoint rules put the account id in front of the host name, which a custom
    endpoint (a local emulator, a proxy) does not serve: send such requests to the endpoint as given."""
    endpoint = urlsplit(endpoint_url)

    def strip_prefix(request: Any, **_: Any) -> None:
        url = urlsplit(request.url)
        if url.netloc != endpoint.netloc and url.netloc.endswith("." + endpoint.netloc):
            request.url = urlunsplit(url._replace(netloc=endpoint.netloc))
            if "Host" in request.headers:
                request.headers.replace_header("Host", endpoint.netloc)

    return strip_prefix


def make_session(options: AwsOptions) -> boto3.Session:
    kwargs: dict[str, Any] = {}
    if options.profile:
        kwargs["profile_name"] = options.profile
    if options.access_key_id:
        kwargs["aws_access_key_id"] = options.access_key_id
        kwargs["aws_secret_access_key"] = options.secret_access_key
        kwargs["aws_session_token"] = options.session_token
    if options.home_region:
        kwargs["region_name"] = options.home_region
    return boto3.Session(**kwargs)
