"""Helpers for the checks of per-region service records (model.detection): which regions to judge
and the account+region resource their findings are reported on."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from ringfence.checks.context import Outcome, not_applicable, unknown
from ringfence.checks.support import regions_in_use
from ringfence.model import Inventory, RegionSettings
from ringfence.model.detection import RegionRecord

R = TypeVar("R", bound=RegionRecord)


@dataclass(frozen=True, slots=True)
class RegionCase(Generic[R]):
    """One scanned region: where its finding goes, the service's record there, whether it is in use."""

    report_on: RegionSettings  # arn ACCOUNT/REGION, as controls.yaml's report_on asks
    record: R | None
    in_use: bool
    listing_complete: bool

    @property
    def region(self) -> str:
        return self.report_on.region


def region_cases(inventory: Inventory, cls: type[R]) -> Iterator[RegionCase[R]]:
    """Every (account, region) the scan covered (its RegionSettings or a record of `cls`), sorted."""
    records = {(r.account, r.listed_region): r for r in inventory.of(cls)}
    settings = {(s.account, s.region): s for s in inventory.of(RegionSettings)}
    in_use = regions_in_use(inventory)
    for account, region in sorted(set(records) | set(settings)):
        report_on = settings.get((account, region)) or RegionSettings(
            arn=f"{account}/{region}", native_id=region, account=account, region=region
        )
        yield RegionCase(
            report_on=report_on,
            record=records.get((account, region)),
            in_use=(account, region) in in_use,
            listing_complete=inventory.listing_complete(cls, account, region),
        )


def precheck(case: RegionCase[R], what: str, field: str) -> Outcome | None:
    """NOT_APPLICABLE for a region not in use, UNKNOWN when the record is missing or `field` of it
    could not be read; None when the record can be judged."""
    if not case.in_use:
        return not_applicable(case.report_on, "region not in use (holds only the resources AWS creates)")
    if case.record is None:
        why = "its listing failed (see coverage gaps)" if not case.listing_complete else "it was not read"
        return unknown(case.report_on, f"{what} in {case.region} is not known: {why}")
    reason = case.record.unknown(field)
    if reason:
        return unknown(case.report_on, f"{what} in {case.region} could not be read: {reason}")
    return None
