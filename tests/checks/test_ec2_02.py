"""EC2-02: running instances are SSM managed nodes, reachable, and launched without key pairs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
from botocore.stub import Stubber

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Instance, Inventory, Severity, Status
from ringfence.model.ssm import ManagedInstance
from ringfence.scanner import ScanOptions, scan
from ringfence.sources.aws.collectors.ssm import RUNNING, collect_managed_instances
from ringfence.sources.aws.context import CollectContext

from support import ACCOUNT, REGION, Aws, status_of


def instance(instance_id: str, key_name: str | None = None, state: str = "running") -> Instance:
    return Instance(
        arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{instance_id}",
        native_id=instance_id,
        account=ACCOUNT,
        region=REGION,
        state=state,
        key_name=key_name,
    )


def node(instance_id: str, ping: str = "Online") -> ManagedInstance:
    return ManagedInstance(
        arn=f"arn:aws:ssm:{REGION}:{ACCOUNT}:managed-instance/{instance_id}",
        native_id=instance_id,
        account=ACCOUNT,
        region=REGION,
        ping_status=ping,
        resource_type="EC2Instance",
    )


def judge(*resources: Any, incomplete: bool = False) -> dict[str, tuple[Status, Severity, str]]:
    gaps = [(ACCOUNT, REGION, ManagedInstance.KIND)] if incomplete else []
    inv = Inventory(resources, incomplete=gaps)
    findings = evaluate(inv, [all_checks()["EC2-02"]], strict=True)
    return {f.resource_id.rsplit("/", 1)[-1]: (f.status, f.severity, f.message) for f in findings}


def test_managed_online_instances_pass_and_key_pairs_are_flagged_low() -> None:
    results = judge(
        instance("i-managed"),
        node("i-managed"),
        instance("i-unmanaged"),
        instance("i-lost"),
        node("i-lost", "ConnectionLost"),
        instance("i-keyed", key_name="ops-2019"),
        node("i-keyed"),
        instance("i-stopped", state="stopped"),
    )
    assert results["i-managed"][0] is Status.PASS
    assert results["i-unmanaged"][:2] == (Status.FAIL, Severity.MEDIUM)
    assert results["i-lost"][0] is Status.FAIL
    assert "ConnectionLost" in results["i-lost"][2]
    assert results["i-keyed"][:2] == (Status.FAIL, Severity.LOW)
    assert "key pair ops-2019" in results["i-keyed"][2]
    assert results["i-stopped"][0] is Status.NOT_APPLICABLE


def test_an_unreadable_ssm_list_is_unknown_not_unmanaged() -> None:
    results = judge(instance("i-1"), incomplete=True)
    assert results["i-1"][0] is Status.UNKNOWN


def test_moto_cannot_list_managed_instances_so_instances_are_unknown(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]
    running = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro")["Instances"][
        0
    ]
    # moto answers DescribeInstanceInformation with HTTP 500: a coverage gap, never a FAIL.
    result = scan(ScanOptions(aws=aws.options(max_attempts=1), regions=[REGION], controls=["EC2-02"]))
    assert status_of(result, "EC2-02", running["InstanceId"]) is Status.UNKNOWN
    assert any(g.operation == "DescribeInstanceInformation" for g in result.info.coverage_gaps)


# --- the collector against recorded answers of the real API (moto has no SSM inventory) ----------


class StubbedFactory:
    """Hands out botocore clients whose answers are queued in Stubbers (validated against the models)."""

    def __init__(self) -> None:
        session = boto3.Session(
            aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x", region_name=REGION
        )
        self.clients = {name: session.client(name, region_name=REGION) for name in ("ec2", "ssm")}
        self.stubs = {name: Stubber(client) for name, client in self.clients.items()}

    def client(self, service: str, region: str) -> Any:
        return self.clients[service]


def test_collector_reads_managed_nodes_where_instances_run() -> None:
    factory = StubbedFactory()
    ec2, ssm = factory.stubs["ec2"], factory.stubs["ssm"]
    ec2.add_response(
        "describe_instances",
        {"Reservations": [{"ReservationId": "r-0a1b", "Instances": [{"InstanceId": "i-0123456789abcdef0"}]}]},
        {"Filters": RUNNING, "MaxResults": 5},
    )
    last_ping = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
    ssm.add_response(
        "describe_instance_information",
        {
            "InstanceInformationList": [
                {
                    "InstanceId": "i-0123456789abcdef0",
                    "PingStatus": "Online",
                    "LastPingDateTime": last_ping,
                    "AgentVersion": "3.3.40.0",
                    "IsLatestVersion": False,
                    "PlatformType": "Linux",
                    "PlatformName": "Amazon Linux",
                    "ResourceType": "EC2Instance",
                    "IPAddress": "10.0.1.25",
                    "ComputerName": "ip-10-0-1-25.eu-west-1.compute.internal",
                },
                {
                    "InstanceId": "mi-0123456789abcdef0",
                    "PingStatus": "ConnectionLost",
                    "ResourceType": "ManagedInstance",
                    "PlatformType": "Windows",
                },
            ],
            "NextToken": "page-2",
        },
        {},
    )
    ssm.add_response(
        "describe_instance_information",
        {"InstanceInformationList": [{"InstanceId": "i-0fedcba9876543210", "PingStatus": "Inactive"}]},
        {"NextToken": "page-2"},
    )
    ctx = CollectContext(factory=factory, account=ACCOUNT, region=REGION, service="ssm")  # type: ignore[arg-type]
    with ec2, ssm:
        nodes = {n.native_id: n for n in collect_managed_instances(ctx)}
        ssm.assert_no_pending_responses()
    assert set(nodes) == {"i-0123456789abcdef0", "mi-0123456789abcdef0", "i-0fedcba9876543210"}
    first = nodes["i-0123456789abcdef0"]
    assert (first.ping_status, first.resource_type, first.last_ping) == (
        "Online",
        "EC2Instance",
        "2024-05-01T12:00:00Z",
    )
    assert first.arn == f"arn:aws:ssm:{REGION}:{ACCOUNT}:managed-instance/i-0123456789abcdef0"
    assert not ctx.gaps


def test_collector_asks_ssm_nothing_where_no_instance_runs() -> None:
    factory = StubbedFactory()
    factory.stubs["ec2"].add_response(
        "describe_instances", {"Reservations": []}, {"Filters": RUNNING, "MaxResults": 5}
    )
    ctx = CollectContext(factory=factory, account=ACCOUNT, region=REGION, service="ssm")  # type: ignore[arg-type]
    with factory.stubs["ec2"], factory.stubs["ssm"]:
        assert list(collect_managed_instances(ctx)) == []
