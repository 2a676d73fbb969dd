"""boto3 sessions and clients: credentials, endpoints, retries, and a record of every call made."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
from botocore.config import Config

DEFAULT_HOME_REGION = "us-east-1"
PARTITION_HOME = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}


@dataclass
class CallLog:
    """Counts API calls by (service, operation); the least-privilege test reads it."""

    calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    throttles: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, service: str, operation: str) -> None:
        with self._lock:
            self.calls[(service, operation)] += 1

    def record_throttle(self) -> None:
        with self._lock:
            self.throttles += 1

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


class ClientFactory:
    """Thread-safe, cached boto3 clients for one set of credentials."""

    def __init__(self, session: boto3.Session, options: AwsOptions, call_log: CallLog | None = None) -> None:
        self.session = session
        self.options = options
        self.call_log = call_log or CallLog()
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                found = self._make(service, region)
                self._clients[key] = found
            return found

    def probe_client(self, service: str, region: str) -> Any:
        """A client that gives up fast: for the first call, which tells whether anything is reachable."""
        return self._make(
            service, region, max_attempts=2, connect_timeout=min(3.0, self.options.connect_timeout)
        )

    def _make(
        self,
        service: str,
        region: str,
        *,
        max_attempts: int | None = None,
        connect_timeout: float | None = None,
    ) -> Any:
        opts = self.options
        config_kwargs: dict[str, Any] = {
            "retries": {"mode": "adaptive", "max_attempts": max_attempts or opts.max_attempts},
            "connect_timeout": connect_timeout or opts.connect_timeout,
            "read_timeout": opts.read_timeout,
            "max_pool_connections": max(10, opts.max_workers),
            "user_agent_extra": "ringfence",
        }
        if opts.endpoint_url:
            # A custom endpoint has no per-account host names (s3control) or bucket subdomains.
            config_kwargs["inject_host_prefix"] = False
            config_kwargs["s3"] = {"addressing_style": "path"}
        client = self.session.client(
            service,
            region_name=region,
            endpoint_url=opts.endpoint_url,
            config=Config(**config_kwargs),
        )
        log = self.call_log
        name = client.meta.service_model.service_name

        def on_call(model: Any, **_: Any) -> None:
            log.record(name, model.name)

        def on_retry(response: Any, **_: Any) -> None:
            if response is None:
                return
            parsed = response[1] if isinstance(response, tuple) and len(response) > 1 else None
            if isinstance(parsed, dict):
                code = parsed.get("Error", {}).get("Code", "")
                if "Throttl" in code or code in (
                    "RequestLimitExceeded",
                    "TooManyRequestsException",
                    "SlowDown",
                ):
                    log.record_throttle()

        client.meta.events.register("before-call", on_call)
        client.meta.events.register("needs-retry", on_retry)
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
