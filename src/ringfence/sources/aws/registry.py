"""The collector registry: each collector declares its service, scope and IAM actions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ringfence.model.base import Resource

if TYPE_CHECKING:
    from ringfence.sources.aws.context import CollectContext

CollectFunction = Callable[["CollectContext"], Iterable[Resource]]


@dataclass(frozen=True, slots=True)
class Collector:
    name: str
    service: str  # the boto3 service name of its calls
    scope: str  # "regional": once per region; "global": once per account
    iam_actions: tuple[str, ...]
    produces: tuple[type[Resource], ...]
    run: CollectFunction


_COLLECTORS: dict[str, Collector] = {}


def collector(
    name: str,
    *,
    service: str,
    iam_actions: Iterable[str],
    produces: Iterable[type[Resource]],
    scope: str = "regional",
) -> Callable[[CollectFunction], CollectFunction]:
    if scope not in ("regional", "global"):
        raise ValueError(f"scope must be regional or global, not {scope!r}")

    def decorate(fn: CollectFunction) -> CollectFunction:
        if name in _COLLECTORS:
            raise ValueError(f"collector {name!r} registered twice")
        _COLLECTORS[name] = Collector(
            name=name,
            service=service,
            scope=scope,
            iam_actions=tuple(iam_actions),
            produces=tuple(produces),
            run=fn,
        )
        return fn

    return decorate


def all_collectors() -> dict[str, Collector]:
    from ringfence.sources.aws import collectors

    collectors.load_all()
    return dict(_COLLECTORS)
