"""CloudWatch metric alarms: the metrics each watches (all of a metric-math alarm's) and its actions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ringfence.model.alarms import AlarmMetric, MetricAlarm
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.registry import collector


@collector(
    "cloudwatch.metric_alarms",
    service="cloudwatch",
    iam_actions=("cloudwatch:DescribeAlarms",),
    produces=(MetricAlarm,),
)
def collect_metric_alarms(ctx: CollectContext) -> Iterator[MetricAlarm]:
    for alarm in ctx.iter_pages("describe_alarms", "MetricAlarms", AlarmTypes=["MetricAlarm"]):
        name = str(alarm.get("AlarmName", ""))
        metrics = [
            AlarmMetric(alarm.get("Namespace"), alarm.get("MetricName"), _dimensions(alarm.get("Dimensions")))
        ]
        for query in alarm.get("Metrics") or ():
            stat = (query.get("MetricStat") or {}).get("Metric") or {}
            if stat:
                metrics.append(
                    AlarmMetric(
                        stat.get("Namespace"), stat.get("MetricName"), _dimensions(stat.get("Dimensions"))
                    )
                )
        yield MetricAlarm(
            arn=str(alarm.get("AlarmArn") or ctx.arn("cloudwatch", f"alarm:{name}")),
            native_id=name,
            account=ctx.account,
            region=ctx.region,
            alarm_name=name,
            metrics=tuple(m for m in metrics if m.namespace or m.metric_name),
            actions_enabled=alarm.get("ActionsEnabled"),
            alarm_actions=tuple(str(a) for a in alarm.get("AlarmActions") or ()),
            state=alarm.get("StateValue"),
        )


def _dimensions(items: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    return {str(d["Name"]): str(d.get("Value", "")) for d in items or () if d.get("Name")}
