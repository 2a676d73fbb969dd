"""Threat detection, configuration recording and vulnerability scanning, one record per region.

Each record describes the state of a service in one account and region. `region` is "" on purpose
(the region is in `listed_region`, as for cloudtrail.TrailListing): organisations switch these
services on in every region, and that must not make a region "in use" (controls.yaml's header).
`arn` is ACCOUNT/REGION/SERVICE; the findings on them are reported on ACCOUNT/REGION.
"""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind


@dataclass(frozen=True, kw_only=True)
class RegionRecord(Resource):
    """A service's state in one account and region (not a kind of its own)."""

    listed_region: str = ""


@resource_kind
@dataclass(frozen=True, kw_only=True)
class GuardDutyStatus(RegionRecord):
    """The region's GuardDuty detector (an account has at most one per region); none: no detector.
    A detector that an organisation's delegated administrator auto-enabled is the member's own
    detector and shows here like any other. `unresolved["detector"]` when it could not be read."""

    KIND = "guardduty.region"
    RESOURCE_TYPE = "AWS::GuardDuty::Detector"

    detector_id: str | None = None
    status: str | None = None  # ENABLED | DISABLED
    # The organisation's GuardDuty delegated administrators (ListOrganizationAdminAccounts), which
    # only the management account can list; None: not readable from this account.
    admin_accounts: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class ConfigRecorder:
    name: str
    all_supported: bool | None = None  # recordingGroup.allSupported
    include_global_resource_types: bool | None = None
    recording_strategy: str | None = None  # recordingGroup.recordingStrategy.useOnly
    service_principal: str | None = None  # set on service-linked recorders, which a service scopes
    recording: bool | None = None  # from DescribeConfigurationRecorderStatus
    last_status: str | None = None  # SUCCESS | PENDING | FAILURE
    last_error_code: str | None = None


@resource_kind
@dataclass(frozen=True, kw_only=True)
class ConfigStatus(RegionRecord):
    """The region's AWS Config configuration recorders. `unresolved["recorders"]` when they could
    not be listed, `unresolved["recording"]` when their status could not be read."""

    KIND = "config.region"
    RESOURCE_TYPE = "AWS::Config::ConfigurationRecorder"

    recorders: tuple[ConfigRecorder, ...] = ()


@resource_kind
@dataclass(frozen=True, kw_only=True)
class InspectorStatus(RegionRecord):
    """Amazon Inspector's state for the account in the region (BatchGetAccountStatus) and whether ECR
    is used there. `unresolved["status"]` / `unresolved["ecr_repositories"]` when not readable."""

    KIND = "inspector2.region"
    RESOURCE_TYPE = "AWS::Inspector2::Account"

    account_status: str | None = None  # ENABLED | ENABLING | DISABLED | SUSPENDED ...; None: not stated
    ec2_status: str | None = None
    ecr_status: str | None = None
    lambda_status: str | None = None
    ecr_repositories: int | None = None  # how many ECR repositories the region holds (up to a page)
