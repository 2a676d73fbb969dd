"""AWS Config: the region's configuration recorders and whether they record, one record per region."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.model.detection import ConfigRecorder, ConfigStatus
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.listing import region_record_arn
from ringfence.sources.aws.registry import collector


@collector(
    "config.recorders",
    service="config",
    iam_actions=("config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus"),
    produces=(ConfigStatus,),
)
def collect_recorders(ctx: CollectContext) -> Iterator[ConfigStatus]:
    record: dict[str, Any] = {
        "arn": region_record_arn(ctx, "config"),
        "native_id": f"{ctx.account}/{ctx.region}",
        "account": ctx.account,
        "region": "",
        "listed_region": ctx.region,
    }
    listed = ctx.call("describe_configuration_recorders")
    if listed.error:
        yield ConfigStatus(**record, unresolved={"recorders": listed.error})
        return
    raw = listed.data.get("ConfigurationRecorders", [])
    unresolved: dict[str, str] = {}
    statuses: dict[str, Mapping[str, Any]] = {}
    if raw:
        status = ctx.call("describe_configuration_recorder_status")
        if status.error:
            unresolved["recording"] = status.error
        statuses = {str(s.get("name")): s for s in status.data.get("ConfigurationRecordersStatus", [])}
    yield ConfigStatus(
        **record,
        recorders=tuple(_recorder(r, statuses.get(str(r.get("name")))) for r in raw),
        unresolved=unresolved,
    )


def _recorder(raw: Mapping[str, Any], status: Mapping[str, Any] | None) -> ConfigRecorder:
    group = raw.get("recordingGroup") or {}
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    recording = None if status is None else status.get("recording")
    return ConfigRecorder(
        name=str(raw.get("name", "")),
        all_supported=group.get("allSupported"),
        include_global_resource_types=group.get("includeGlobalResourceTypes"),
        recording_strategy=strategy,
        service_principal=raw.get("servicePrincipal"),
        recording=None if recording is None else bool(recording),
        last_status=None if status is None else status.get("lastStatus"),
        last_error_code=None if status is None else status.get("lastErrorCode"),
    )
