"""GuardDuty: the region's detector and its status, one record per region (model.detection).

A member account of an organisation whose delegated administrator auto-enables GuardDuty has its own
detector, created for it: ListDetectors shows it like any other. The organisation's delegated
administrators (ListOrganizationAdminAccounts) are listed only from the management account; they are
read where no enabled detector was found, to say who could enable it, and are otherwise no gap.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ringfence.model.detection import GuardDutyStatus
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.errors import ACCESS_DENIED
from ringfence.sources.aws.listing import region_record_arn, try_listing
from ringfence.sources.aws.registry import collector

# What a non-management account (or an account outside an organisation) is answered.
NOT_THE_MANAGEMENT_ACCOUNT = ("BadRequestException", *sorted(ACCESS_DENIED))


@collector(
    "guardduty.detectors",
    service="guardduty",
    iam_actions=(
        "guardduty:ListDetectors",
        "guardduty:GetDetector",
        "guardduty:ListOrganizationAdminAccounts",
    ),
    produces=(GuardDutyStatus,),
)
def collect_detectors(ctx: CollectContext) -> Iterator[GuardDutyStatus]:
    record: dict[str, Any] = {
        "arn": region_record_arn(ctx, "guardduty"),
        "native_id": f"{ctx.account}/{ctx.region}",
        "account": ctx.account,
        "region": "",
        "listed_region": ctx.region,
    }
    detectors, error = try_listing(ctx, "list_detectors", "DetectorIds")
    if error:
        yield GuardDutyStatus(**record, unresolved={"detector": error})
        return
    detector_id = str(detectors[0]) if detectors else None
    status: str | None = None
    unresolved: dict[str, str] = {}
    if detector_id:
        got = ctx.call("get_detector", DetectorId=detector_id)
        if got.error:
            unresolved["detector"] = got.error
        status = got.data.get("Status")
    admins: tuple[str, ...] | None = None
    if status != "ENABLED" and not unresolved:
        listed = ctx.call("list_organization_admin_accounts", absent=NOT_THE_MANAGEMENT_ACCOUNT)
        if not listed.absent and not listed.error:
            admins = tuple(
                str(a["AdminAccountId"])
                for a in listed.data.get("AdminAccounts", [])
                if a.get("AdminAccountId") and a.get("AdminStatus", "ENABLED") == "ENABLED"
            )
    yield GuardDutyStatus(
        **record, detector_id=detector_id, status=status, admin_accounts=admins, unresolved=unresolved
    )
