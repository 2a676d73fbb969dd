from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import FlowLog, Inventory, Status, Vpc

from support import ACCOUNT, REGION, Aws, findings_for, status_of

BUCKET = "arn:aws:s3:::flow-logs"


def flow_log(ec2: Any, kind: str, ids: list[str], traffic: str = "ALL") -> None:
    ec2.create_flow_logs(
        ResourceType=kind,
        ResourceIds=ids,
        TrafficType=traffic,
        LogDestinationType="s3",
        LogDestination=BUCKET,
    )


def subnets(ec2: Any, vpc_id: str, *cidrs: str) -> list[str]:
    return [ec2.create_subnet(VpcId=vpc_id, CidrBlock=c)["Subnet"]["SubnetId"] for c in cidrs]


def test_vpcs_need_a_flow_log_of_all_traffic_on_the_vpc_or_every_subnet(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    aws.client("s3").create_bucket(
        Bucket="flow-logs", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    logged = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    flow_log(ec2, "VPC", [logged])
    rejects_only = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    flow_log(ec2, "VPC", [rejects_only], "REJECT")
    per_subnet = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    flow_log(ec2, "Subnet", subnets(ec2, per_subnet, "10.3.1.0/24", "10.3.2.0/24"))
    half = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    first, _ = subnets(ec2, half, "10.4.1.0/24", "10.4.2.0/24")
    flow_log(ec2, "Subnet", [first])
    bare = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]

    result = aws.scan(controls=["NET-12"])

    assert status_of(result, "NET-12", logged) is Status.PASS
    assert status_of(result, "NET-12", per_subnet) is Status.PASS
    assert status_of(result, "NET-12", rejects_only) is Status.FAIL
    assert status_of(result, "NET-12", half) is Status.FAIL
    assert status_of(result, "NET-12", bare) is Status.FAIL
    default_vpc = next(v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"])
    assert status_of(result, "NET-12", default_vpc) is Status.FAIL
    messages = {f.resource_id.rsplit("/", 1)[1]: f.message for f in findings_for(result, "NET-12")}
    assert "captures REJECT traffic only" in messages[rejects_only]
    assert "1 of 2 subnets are logged" in messages[half]


def test_undelivered_logs_do_not_count_and_unlisted_logs_are_unknown() -> None:
    failing = Vpc(arn="arn:vpc/vpc-1", native_id="vpc-1", account=ACCOUNT, region=REGION)
    unlisted = Vpc(
        arn="arn:vpc/vpc-2",
        native_id="vpc-2",
        account=ACCOUNT,
        region=REGION,
        unresolved={"flow_logs": "access denied: ec2:DescribeFlowLogs (UnauthorizedOperation)"},
    )
    log = FlowLog(
        arn="arn:fl-1",
        native_id="fl-1",
        account=ACCOUNT,
        region=REGION,
        attached_to="vpc-1",
        traffic_type="ALL",
        status="ACTIVE",
        deliver_status="FAILED",
        destination="arn:aws:logs:eu-west-1:123456789012:log-group:gone",
    )

    findings = {
        f.resource_id: f
        for f in evaluate(Inventory([failing, unlisted, log]), [all_checks()["NET-12"]], strict=True)
    }

    assert findings[failing.arn].status is Status.FAIL
    assert "fails to deliver" in findings[failing.arn].message
    assert findings[unlisted.arn].status is Status.UNKNOWN
