"""NET-11: VPC endpoint policies are narrower than full access; S3 gateway endpoints name buckets or the org."""

from __future__ import annotations

import json
from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, Status, VpcEndpoint

from support import ACCOUNT, REGION, Aws, findings_for, status_of

S3 = f"com.amazonaws.{REGION}.s3"


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str, resource: str, **condition: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": "*", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


def test_endpoint_policies_are_not_full_access(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]

    def gateway(document: str | None) -> str:
        extra = {"PolicyDocument": document} if document else {}
        reply = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=S3, RouteTableIds=[table], **extra)
        return str(reply["VpcEndpoint"]["VpcEndpointId"])

    def interface(service: str, document: str) -> str:
        reply = ec2.create_vpc_endpoint(
            VpcId=vpc,
            VpcEndpointType="Interface",
            ServiceName=f"com.amazonaws.{REGION}.{service}",
            SubnetIds=[subnet],
            PolicyDocument=document,
        )
        return str(reply["VpcEndpoint"]["VpcEndpointId"])

    org = {"StringEquals": {"aws:ResourceOrgID": "o-abc123"}}
    cases = {
        "default": (Status.FAIL, gateway(None)),
        "named-buckets": (
            Status.PASS,
            gateway(
                policy(allow("s3:*", "arn:aws:s3:::claims-docs"), allow("s3:*", "arn:aws:s3:::claims-docs/*"))
            ),
        ),
        "org-condition": (Status.PASS, gateway(policy(allow("s3:*", "*", **org)))),
        "any-bucket-read": (Status.FAIL, gateway(policy(allow("s3:GetObject", "arn:aws:s3:::*/*")))),
        "kms-narrow": (Status.PASS, interface("kms", policy(allow("kms:Decrypt", "*")))),
        "source-vpc-only": (
            Status.FAIL,
            interface("sts", policy(allow("*", "*", StringEquals={"aws:SourceVpc": vpc}))),
        ),
    }

    result = aws.scan(controls=["NET-11"])

    for name, (expected, endpoint_id) in cases.items():
        assert status_of(result, "NET-11", endpoint_id) is expected, name
    message = next(
        f.message for f in findings_for(result, "NET-11") if cases["any-bucket-read"][1] in f.resource_id
    )
    assert "any bucket without an organisation or account condition" in message


def test_gateway_load_balancer_endpoints_and_missing_policies() -> None:
    def endpoint(endpoint_id: str, **kw: Any) -> VpcEndpoint:
        return VpcEndpoint(arn=endpoint_id, native_id=endpoint_id, account=ACCOUNT, region=REGION, **kw)

    inv = Inventory(
        [
            endpoint("vpce-gwlb", endpoint_type="GatewayLoadBalancer", service_name="com.amazonaws.vpce.x"),
            endpoint("vpce-unread", endpoint_type="Interface", service_name=f"com.amazonaws.{REGION}.ssm"),
        ]
    )
    statuses = {f.resource_id: f.status for f in evaluate(inv, [all_checks()["NET-11"]], strict=True)}
    assert statuses == {"vpce-gwlb": Status.NOT_APPLICABLE, "vpce-unread": Status.UNKNOWN}
