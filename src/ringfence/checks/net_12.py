"""NET-12: every VPC has flow logs for all traffic.

A VPC passes with an ACTIVE flow log of TrafficType ALL on the VPC itself, or on every one of its
subnets (at least one). Every VPC is judged, the default VPC and empty VPCs too: a VPC without a
VPC-level log leaves the next subnet unlogged. A flow log whose delivery has FAILED (for example
its role or bucket policy was removed) records nothing and does not count; the message says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import FlowLog, Inventory, Remediation, Severity, Subnet, Vpc

META = CheckMeta(
    id="NET-12",
    title="Every VPC has flow logs for all traffic",
    severity=Severity.HIGH,
    rationale=(
        "Flow logs are the only record of who talked to whom in a VPC: without accepted and "
        "rejected traffic an incident cannot be scoped, and rules cannot be proven in use."
    ),
    remediation=Remediation(
        text="Create a VPC-level flow log capturing ALL traffic to S3 or CloudWatch Logs.",
        cli=(
            "aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC_ID --traffic-type ALL "
            "--log-destination-type s3 --log-destination arn:aws:s3:::FLOW_LOG_BUCKET"
        ),
        cloudformation=(
            "Type: AWS::EC2::FlowLog\nProperties:\n  ResourceType: VPC\n  ResourceId: !Ref Vpc\n"
            "  TrafficType: ALL\n  LogDestinationType: s3\n  LogDestination: !GetAtt FlowLogBucket.Arn"
        ),
        terraform=(
            'resource "aws_flow_log" "vpc" {\n  vpc_id               = aws_vpc.main.id\n'
            '  traffic_type         = "ALL"\n  log_destination_type = "s3"\n'
            "  log_destination      = aws_s3_bucket.flow_logs.arn\n}"
        ),
    ),
    modes=("live",),
    resource_types=(Vpc.KIND, Subnet.KIND, FlowLog.KIND),
    tested_with="moto server; Inventory built directly for failed delivery and unlistable flow logs",
    frameworks=Mapping_(cis=("3.7",), nist_800_53=("AU-12",)),
)

Key = tuple[str, str, str]  # account, region, attached-to id


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    logs = _logs_by_target(ctx.inventory)
    subnets: dict[Key, list[Subnet]] = defaultdict(list)
    for subnet in ctx.inventory.of(Subnet):
        subnets[(subnet.account, subnet.region, subnet.vpc_id)].append(subnet)
    for vpc in ctx.inventory.of(Vpc):
        reason = vpc.unknown("flow_logs")
        if reason:
            yield unknown(vpc, f"flow logs could not be listed: {reason}")
            continue
        key = (vpc.account, vpc.region, vpc.native_id)
        yield _judge(vpc, logs.get(key, []), subnets.get(key, []), logs)


def _judge(
    vpc: Vpc, vpc_logs: Sequence[FlowLog], subnets: Sequence[Subnet], logs: Mapping[Key, Sequence[FlowLog]]
) -> Outcome:
    good = [f for f in vpc_logs if _counts(f)]
    if good:
        return passed(vpc, f"flow log {good[0].native_id} captures ALL traffic of the VPC")
    notes = [_why_not(f) for f in vpc_logs]
    if subnets:
        uncovered = [
            s
            for s in subnets
            if not any(_counts(f) for f in logs.get((s.account, s.region, s.native_id), []))
        ]
        if not uncovered:
            return passed(vpc, f"every subnet ({len(subnets)}) has a flow log capturing ALL traffic")
        covered = len(subnets) - len(uncovered)
        if covered:
            names = ", ".join(s.native_id for s in uncovered[:6]) + (" ..." if len(uncovered) > 6 else "")
            notes.append(f"{covered} of {len(subnets)} subnets are logged; not {names}")
    detail = f" ({'; '.join(notes)})" if notes else ""
    return failed(vpc, f"VPC {vpc.display_name} has no active flow log capturing ALL traffic{detail}")


def _counts(log: FlowLog) -> bool:
    active = (log.status or "").upper() == "ACTIVE"
    delivering = (log.deliver_status or "").upper() != "FAILED"
    return active and delivering and (log.traffic_type or "").upper() == "ALL"


def _why_not(log: FlowLog) -> str:
    if (log.status or "").upper() != "ACTIVE":
        return f"flow log {log.native_id} is {log.status or 'in an unknown state'}"
    if (log.deliver_status or "").upper() == "FAILED":
        return f"flow log {log.native_id} fails to deliver to {log.destination or 'its destination'}"
    return f"flow log {log.native_id} captures {log.traffic_type or 'unknown'} traffic only"


def _logs_by_target(inventory: Inventory) -> dict[Key, list[FlowLog]]:
    out: dict[Key, list[FlowLog]] = defaultdict(list)
    for log in inventory.of(FlowLog):
        out[(log.account, log.region, log.attached_to)].append(log)
    return out
