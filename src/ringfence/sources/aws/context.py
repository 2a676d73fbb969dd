"""What a collector is given: clients for one account and region, paging, and gap recording."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from ringfence.model.findings import CoverageGap
from ringfence.sources.aws.errors import error_code, error_message, gap_kind
from ringfence.sources.aws.session import ClientFactory


class CollectionStopped(Exception):
    """A listing call failed; its gap is recorded and the collector cannot go on."""


@dataclass(frozen=True, slots=True)
class Reply:
    data: dict[str, Any] = field(default_factory=dict)
    absent: bool = False  # the API answered "no such configuration" (a normal state)
    error: str | None = None  # why the value could not be read; a gap was recorded


@dataclass
class CollectContext:
    factory: ClientFactory
    account: str
    region: str
    service: str
    partition: str = "aws"
    gaps: list[CoverageGap] = field(default_factory=list)
    # The user asked for the long-running, non-read drift detection (cloudformation:DetectStackDrift).
    detect_drift: bool = False

    def client(self, service: str | None = None, region: str | None = None) -> Any:
        return self.factory.client(service or self.service, region or self.region)

    def arn(
        self, service: str, resource: str, *, region: str | None = None, account: str | None = None
    ) -> str:
        reg = self.region if region is None else region
        acct = self.account if account is None else account
        return f"arn:{self.partition}:{service}:{reg}:{acct}:{resource}"

    def record_gap(self, service: str, operation: str, exc: BaseException, region: str | None = None) -> str:
        code = error_code(exc)
        message = error_message(exc)
        self.gaps.append(
            CoverageGap(
                account=self.account,
                region=self.region if region is None else region,
                service=service,
                operation=operation,
                error_code=code,
                message=message,
            )
        )
        return f"{gap_kind(code)}: {service}:{operation} ({code})"

    def paginate(
        self,
        operation: str,
        key: str,
        *,
        service: str | None = None,
        region: str | None = None,
        **kwargs: Any,
    ) -> list[dict[str, Any]]:
        """Every item of a listing, across pages; a failure records a gap and stops the collector."""
        return list(self.iter_pages(operation, key, service=service, region=region, **kwargs))

    def iter_pages(
        self,
        operation: str,
        key: str,
        *,
        service: str | None = None,
        region: str | None = None,
        **kwargs: Any,
    ) -> Iterator[dict[str, Any]]:
        client = self.client(service, region)
        svc = service or self.service
        try:
            if client.can_paginate(operation):
                for page in client.get_paginator(operation).paginate(**kwargs):
                    yield from page.get(key, [])
            else:
                yield from getattr(client, operation)(**kwargs).get(key, [])
        except (ClientError, BotoCoreError, ResponseParserError) as exc:
            self.record_gap(svc, _api_name(operation), exc, region)
            raise CollectionStopped(operation) from exc

    def call(
        self,
        operation: str,
        *,
        service: str | None = None,
        region: str | None = None,
        absent: Iterable[str] = (),
        **kwargs: Any,
    ) -> Reply:
        """One call. An error code in `absent` means "not configured"; other errors are gaps."""
        client = self.client(service, region)
        try:
            data = getattr(client, operation)(**kwargs)
        except ClientError as exc:
            if error_code(exc) in set(absent):
                return Reply(absent=True)
            return Reply(error=self.record_gap(service or self.service, _api_name(operation), exc, region))
        except (BotoCoreError, ResponseParserError) as exc:
            return Reply(error=self.record_gap(service or self.service, _api_name(operation), exc, region))
        return Reply(data=data)


def _api_name(operation: str) -> str:
    return "".join(part.capitalize() for part in operation.split("_"))


def tags_of(items: Iterable[dict[str, Any]] | None) -> dict[str, str]:
    """AWS's [{"Key": k, "Value": v}] list as a dict."""
    return {str(t.get("Key")): str(t.get("Value", "")) for t in items or () if t.get("Key") is not None}
