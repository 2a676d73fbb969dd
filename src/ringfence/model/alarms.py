"""CloudWatch metric alarms: what they watch (every metric of a metric-math alarm) and whom they tell."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ringfence.model.base import Resource, resource_kind


@dataclass(frozen=True, slots=True)
class AlarmMetric:
    namespace: str | None
    metric_name: str | None
    dimensions: Mapping[str, str] = field(default_factory=dict)


@resource_kind
@dataclass(frozen=True, kw_only=True)
class MetricAlarm(Resource):
    KIND = "cloudwatch.metric_alarm"
    RESOURCE_TYPE = "AWS::CloudWatch::Alarm"

    alarm_name: str = ""
    metrics: tuple[AlarmMetric, ...] = ()
    actions_enabled: bool | None = None
    alarm_actions: tuple[str, ...] = ()
    state: str | None = None  # OK | ALARM | INSUFFICIENT_DATA

    def watches(self, namespace: str, metric_name: str, dimension: str, value: str) -> bool:
        return any(
            m.namespace == namespace and m.metric_name == metric_name and m.dimensions.get(dimension) == value
            for m in self.metrics
        )

    @property
    def notifies(self) -> bool:
        return bool(self.actions_enabled) and bool(self.alarm_actions)
