"""Audit logging: CloudTrail."""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind


@resource_kind
@dataclass(frozen=True, kw_only=True)
class Trail(Resource):
    """One trail, reported once, in its home region (`region` == `home_region`).

    `native_id` is the trail ARN. A trail the scanned account does not own (an organisation trail
    seen from a member account) keeps the owner's ARN in `trail_arn` and `owner_account`; its `arn`
    is ACCOUNT/TRAIL-ARN so that the owner's own record of it, in the same scan, does not collide."""

    KIND = "cloudtrail.trail"
    RESOURCE_TYPE = "AWS::CloudTrail::Trail"

    trail_name: str = ""
    trail_arn: str = ""
    owner_account: str = ""
    home_region: str | None = None
    multi_region: bool | None = None
    organization_trail: bool | None = None
    is_logging: bool | None = None
    log_file_validation: bool | None = None
    kms_key_id: str | None = None
    s3_bucket: str | None = None
    include_global_service_events: bool | None = None
    cloudwatch_logs_log_group_arn: str | None = None
    latest_delivery_error: str | None = None

    @property
    def owned(self) -> bool:
        return not self.owner_account or self.owner_account == self.account


@resource_kind
@dataclass(frozen=True, kw_only=True)
class TrailListing(Resource):
    """A region whose trails could not be listed (DescribeTrails failed): produced only then, so that
    LOG-01 can tell "no trail" from "trails unknown". `unresolved["trails"]` says why.

    `region` is "" on purpose (the region is in `listed_region`): this record is not a resource the
    user made and must not make its region count as "in use"."""

    KIND = "cloudtrail.listing"
    RESOURCE_TYPE = "AWS::CloudTrail::Trail"

    listed_region: str = ""
