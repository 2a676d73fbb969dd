"""Audit logging: CloudTrail."""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind


@resource_kind
@dataclass(frozen=True, kw_only=True)
class Trail(Resource):
    KIND = "cloudtrail.trail"
    RESOURCE_TYPE = "AWS::CloudTrail::Trail"

    trail_name: str = ""
    home_region: str | None = None
    multi_region: bool | None = None
    organization_trail: bool | None = None
    is_logging: bool | None = None
    log_file_validation: bool | None = None
    kms_key_id: str | None = None
    s3_bucket: str | None = None
