"""CloudFormation stacks: drift status and parameters (kept redacted)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ringfence.model.base import Resource, resource_kind
from ringfence.model.secrets import SecretFinding


@resource_kind
@dataclass(frozen=True, kw_only=True)
class Stack(Resource):
    """`arn` is the stack id (an ARN), `native_id` the stack name."""

    KIND = "cloudformation.stack"
    RESOURCE_TYPE = "AWS::CloudFormation::Stack"

    stack_name: str = ""
    stack_status: str | None = None
    # DriftInformation.StackDriftStatus: DRIFTED | IN_SYNC | UNKNOWN | NOT_CHECKED. When the scan ran
    # a detection (it does only when asked), its result.
    drift_status: str | None = None
    drift_checked_at: str | None = None  # ISO-8601, the last detection's time
    # Set only when the scan started a detection: DETECTION_COMPLETE | DETECTION_FAILED |
    # DETECTION_IN_PROGRESS (still running when the scan stopped waiting), with AWS's reason.
    detection_status: str | None = None
    detection_reason: str | None = None
    parent_stack_id: str | None = None
    root_stack_id: str | None = None
    parameters: Mapping[str, str] = field(default_factory=dict)  # redacted values
    parameter_secrets: tuple[SecretFinding, ...] = ()
