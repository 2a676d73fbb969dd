"""CloudTrail trails, each reported once, in its home region, with its logging status.

DescribeTrails runs in every scanned region with shadow trails included, and only the trails whose
HomeRegion is that region are kept. Shadows must be included: without them a member account does
not see its organisation's trail at all. Keeping only the home region's trails reports each trail
once (a multi-region trail appears as a shadow in every region) and still finds single-region
trails, which a single call from one region would miss. The cost is one DescribeTrails per region
and one GetTrailStatus per trail. A trail homed in a region outside the scan is not seen.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.model import Trail
from ringfence.model.logging import TrailListing
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.registry import collector


@collector(
    "cloudtrail.trails",
    service="cloudtrail",
    iam_actions=("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"),
    produces=(Trail, TrailListing),
)
def collect_trails(ctx: CollectContext) -> Iterator[Trail | TrailListing]:
    # DescribeTrails has no pages; through ctx.call so that a failure can be recorded for LOG-01.
    listing = ctx.call("describe_trails", includeShadowTrails=True)
    if listing.error:
        yield TrailListing(
            arn=f"{ctx.account}/{ctx.region}/cloudtrail-listing",
            native_id=f"{ctx.account}/{ctx.region}",
            account=ctx.account,
            region="",
            listed_region=ctx.region,
            unresolved={"trails": listing.error},
        )
        return
    for raw in listing.data.get("trailList", []):
        if raw.get("HomeRegion", ctx.region) != ctx.region:
            continue  # a shadow: its home region's collector reports it
        trail = _trail(ctx, raw)
        if trail is not None:
            yield trail


def _trail(ctx: CollectContext, raw: Mapping[str, Any]) -> Trail | None:
    trail_arn = str(raw.get("TrailARN") or ctx.arn("cloudtrail", f"trail/{raw['Name']}"))
    owner = trail_arn.split(":")[4] if trail_arn.count(":") >= 5 else ctx.account
    owned = owner == ctx.account
    unresolved: dict[str, str] = {}
    # "not found" means deleted for our own trail; for an organisation trail seen from a member
    # account it can mean the status is not ours to read, so there it stays an error.
    gone = ("TrailNotFoundException",) if owned else ()
    status = ctx.call("get_trail_status", absent=gone, Name=trail_arn)
    if status.absent:
        return None  # deleted while the scan ran
    if status.error:
        unresolved["is_logging"] = (
            status.error
            if owned
            else f"{status.error}; the status of an organisation trail may be readable only from its "
            f"owner, account {owner}"
        )
    return Trail(
        arn=trail_arn if owned else f"{ctx.account}/{trail_arn}",
        native_id=trail_arn,
        account=ctx.account,
        region=ctx.region,
        trail_name=str(raw.get("Name", "")),
        trail_arn=trail_arn,
        owner_account=owner,
        home_region=raw.get("HomeRegion", ctx.region),
        multi_region=raw.get("IsMultiRegionTrail"),
        organization_trail=raw.get("IsOrganizationTrail"),
        is_logging=None if status.error else bool(status.data.get("IsLogging")),
        log_file_validation=raw.get("LogFileValidationEnabled"),
        kms_key_id=raw.get("KmsKeyId") or None,
        s3_bucket=raw.get("S3BucketName"),
        include_global_service_events=raw.get("IncludeGlobalServiceEvents"),
        cloudwatch_logs_log_group_arn=raw.get("CloudWatchLogsLogGroupArn"),
        latest_delivery_error=status.data.get("LatestDeliveryError") or None,
        unresolved=unresolved,
    )
