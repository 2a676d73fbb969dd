"""The inventory: every resource of a scan, indexed for the lookups checks and the network need."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TypeVar

from ringfence.model.base import Resource

R = TypeVar("R", bound=Resource)


class Inventory:
    """A read-mostly collection of resources keyed by `arn`.

    Lookups by native id are scoped to (account, region) because ids such as bucket names or
    IaC logical ids are only unique there; global resources (IAM, S3 buckets) are also found
    with region "" as a fallback.
    """

    def __init__(
        self, resources: Iterable[Resource] = (), incomplete: Iterable[tuple[str, str, str]] = ()
    ) -> None:
        # (account, region, KIND) whose listing failed: absence there proves nothing.
        self.incomplete: frozenset[tuple[str, str, str]] = frozenset(incomplete)
        self._by_arn: dict[str, Resource] = {}
        self._by_kind: dict[type[Resource], list[Resource]] = defaultdict(list)
        self._by_native: dict[tuple[type[Resource], str, str, str], Resource] = {}
        self._by_native_any_region: dict[tuple[type[Resource], str, str], Resource] = {}
        for resource in resources:
            self.add(resource)

    def add(self, resource: Resource) -> None:
        previous = self._by_arn.get(resource.arn)
        if previous is not None:
            if previous == resource:
                return
            raise ValueError(f"two different resources share the id {resource.arn!r}")
        self._by_arn[resource.arn] = resource
        cls = type(resource)
        self._by_kind[cls].append(resource)
        self._by_native[(cls, resource.account, resource.region, resource.native_id)] = resource
        self._by_native_any_region.setdefault((cls, resource.account, resource.native_id), resource)

    def __len__(self) -> int:
        return len(self._by_arn)

    def __iter__(self) -> Iterator[Resource]:
        return iter(self._by_arn.values())

    def __contains__(self, arn: object) -> bool:
        return arn in self._by_arn

    def by_arn(self, arn: str) -> Resource | None:
        return self._by_arn.get(arn)

    def of(self, cls: type[R]) -> list[R]:
        return list(self._by_kind.get(cls, ()))  # type: ignore[arg-type]

    def get(self, cls: type[R], account: str, region: str, native_id: str | None) -> R | None:
        """The resource of `cls` with `native_id` in (account, region), or anywhere in the account."""
        if native_id is None:
            return None
        found = self._by_native.get((cls, account, region, native_id))
        if found is None:
            found = self._by_native_any_region.get((cls, account, native_id))
        if found is None and native_id.startswith("arn:"):
            by_arn = self._by_arn.get(native_id)
            found = by_arn if isinstance(by_arn, cls) else None
        return found  # type: ignore[return-value]

    def in_scope(self, cls: type[R], account: str, region: str) -> list[R]:
        return [r for r in self.of(cls) if r.account == account and r.region == region]

    def listing_complete(self, cls: type[Resource], account: str, region: str) -> bool:
        """False when the listing of `cls` failed in (account, region): "none found" is then unknown."""
        return (account, region, cls.KIND) not in self.incomplete and (
            account,
            "",
            cls.KIND,
        ) not in self.incomplete

    def account_regions(self) -> set[tuple[str, str]]:
        return {(r.account, r.region) for r in self if r.region}
