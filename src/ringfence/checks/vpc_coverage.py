"""Helpers for controls that ask for something to be associated with every VPC (DNS-02, DNS-03)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from ringfence.checks.context import Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.support import regions_in_use
from ringfence.model import Inventory, Vpc
from ringfence.model.resolver import VpcAssociation

A = TypeVar("A", bound=VpcAssociation)


def judge_vpcs(
    inventory: Inventory,
    cls: type[A],
    what: str,
    *,
    active: Sequence[str],
    pending: Sequence[str],
    describe: Callable[[A], str],
) -> Iterator[Outcome]:
    """One outcome per VPC: PASS when an association of `cls` with it is in an `active` status,
    UNKNOWN while one is `pending` or when the associations could not be listed, FAIL otherwise.
    A default VPC of a region not in use is NOT_APPLICABLE."""
    by_vpc: dict[tuple[str, str, str], list[A]] = defaultdict(list)
    for assoc in inventory.of(cls):
        by_vpc[(assoc.account, assoc.listed_region, assoc.vpc_id)].append(assoc)
    in_use = regions_in_use(inventory)
    for vpc in inventory.of(Vpc):
        if vpc.is_default and (vpc.account, vpc.region) not in in_use:
            yield not_applicable(vpc, "the default VPC of a region not in use")
            continue
        found = by_vpc.get((vpc.account, vpc.region, vpc.native_id), [])
        good = [a for a in found if a.status in active]
        waiting = [a for a in found if a.status in pending]
        if good:
            yield passed(vpc, f"{what}: {', '.join(describe(a) for a in good)}")
        elif waiting:
            yield unknown(vpc, f"{what} is being set up: {', '.join(describe(a) for a in waiting)}")
        elif not inventory.listing_complete(cls, vpc.account, vpc.region):
            yield unknown(
                vpc,
                f"whether {vpc.display_name} has {what} is not known: the listing failed (see coverage gaps)",
            )
        elif found:
            yield failed(
                vpc, f"{vpc.display_name} has no working {what}: {', '.join(describe(a) for a in found)}"
            )
        else:
            yield failed(vpc, f"{vpc.display_name} has no {what}")
