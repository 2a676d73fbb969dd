"""CloudFormation stacks: their last drift detection, and their parameters (redacted and scanned).

DescribeStacks reports each stack's DriftInformation as of the last detection anyone ran; a stack
never checked says NOT_CHECKED. DetectStackDrift starts a new detection: it is not a read (it makes
CloudFormation describe every resource of the stack with the caller's permissions, which needs read
access to each resource type), so it runs only when the user asks for it (`--detect-drift`, which
reaches collectors as CollectContext.detect_drift). Detections are started for every
stack of the region first, then awaited together for up to DRIFT_WAIT_SECONDS.

Parameter values are kept redacted; NoEcho parameters come back as "****" and hold nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ringfence.model.stacks import Stack
from ringfence.secrets import scan_pairs
from ringfence.sources.aws.context import CollectContext, tags_of
from ringfence.sources.aws.registry import collector

DRIFT_WAIT_SECONDS = 120.0
# Stacks without resources to compare (a failed creation, a change set never executed) or in the
# middle of an operation: a detection cannot run on them.
NOT_DETECTABLE = ("ROLLBACK_COMPLETE", "REVIEW_IN_PROGRESS", "DELETE_COMPLETE")


@collector(
    "cloudformation.stacks",
    service="cloudformation",
    iam_actions=(
        "cloudformation:DescribeStacks",
        "cloudformation:DetectStackDrift",
        "cloudformation:DescribeStackDriftDetectionStatus",
    ),
    produces=(Stack,),
)
def collect_stacks(ctx: CollectContext) -> Iterator[Stack]:
    stacks = ctx.paginate("describe_stacks", "Stacks")
    detections: dict[str, _Detection] = {}
    if ctx.detect_drift:
        detections = _detect(ctx, stacks)
    for stack in stacks:
        yield _stack(ctx, stack, detections.get(str(stack["StackId"])))


@dataclass
class _Detection:
    detection_id: str | None = None
    status: str | None = None  # DETECTION_IN_PROGRESS | DETECTION_COMPLETE | DETECTION_FAILED
    reason: str | None = None
    drift_status: str | None = None
    checked_at: str | None = None
    error: str | None = None  # the detection could not be started or read


def _detect(ctx: CollectContext, stacks: list[dict[str, Any]]) -> dict[str, _Detection]:
    detections: dict[str, _Detection] = {}
    for stack in stacks:
        status = str(stack.get("StackStatus", ""))
        if status in NOT_DETECTABLE or status.endswith("_IN_PROGRESS"):
            continue
        started = ctx.call("detect_stack_drift", StackName=str(stack["StackId"]))
        detections[str(stack["StackId"])] = _Detection(
            detection_id=started.data.get("StackDriftDetectionId"), error=started.error
        )
    deadline = time.monotonic() + DRIFT_WAIT_SECONDS
    delay = 1.0
    while True:
        waiting = [
            d for d in detections.values() if d.detection_id and d.status in (None, "DETECTION_IN_PROGRESS")
        ]
        for detection in waiting:
            _poll(ctx, detection)
        if (
            not any(d.status == "DETECTION_IN_PROGRESS" for d in waiting)
            or time.monotonic() + delay > deadline
        ):
            return detections
        time.sleep(delay)
        delay = min(delay * 2, 10.0)


def _poll(ctx: CollectContext, detection: _Detection) -> None:
    reply = ctx.call("describe_stack_drift_detection_status", StackDriftDetectionId=detection.detection_id)
    if reply.error:
        detection.error = reply.error
        detection.status = "DETECTION_FAILED"
        return
    detection.status = reply.data.get("DetectionStatus")
    detection.reason = reply.data.get("DetectionStatusReason")
    detection.drift_status = reply.data.get("StackDriftStatus")
    detection.checked_at = _iso(reply.data.get("Timestamp"))


def _stack(ctx: CollectContext, stack: Mapping[str, Any], detection: _Detection | None) -> Stack:
    stack_id = str(stack["StackId"])
    drift = stack.get("DriftInformation") or {}
    unresolved: dict[str, str] = {}
    drift_status = drift.get("StackDriftStatus")
    checked_at = _iso(drift.get("LastCheckTimestamp"))
    if drift_status is None:
        unresolved["drift_status"] = "DescribeStacks returned no DriftInformation"
    detection_status = detection_reason = None
    if detection is not None:
        if detection.error:
            unresolved["detection_status"] = detection.error
        detection_status, detection_reason = detection.status, detection.reason
        if detection.status in ("DETECTION_COMPLETE", "DETECTION_FAILED") and detection.drift_status:
            drift_status, checked_at = detection.drift_status, detection.checked_at or checked_at
            unresolved.pop("drift_status", None)
    pairs = [
        (str(p.get("ParameterKey", "")), str(p.get("ParameterValue") or ""))  # not ResolvedValue (SSM's)
        for p in stack.get("Parameters") or []
    ]
    parameters, found = scan_pairs(pairs, "parameter")
    return Stack(
        arn=stack_id,
        native_id=str(stack.get("StackName", "")),
        account=ctx.account,
        region=ctx.region,
        tags=tags_of(stack.get("Tags")),
        stack_name=str(stack.get("StackName", "")),
        stack_status=stack.get("StackStatus"),
        drift_status=drift_status,
        drift_checked_at=checked_at,
        detection_status=detection_status,
        detection_reason=detection_reason,
        parent_stack_id=stack.get("ParentId"),
        root_stack_id=stack.get("RootId"),
        parameters=parameters,
        parameter_secrets=found,
        unresolved=unresolved,
    )


def _iso(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(dt.UTC).isoformat()
    return str(value) if value else None
