import json

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, LoadBalancer, NetworkInterface, Status, VpcEndpoint
from ringfence.model.elb import TargetDescription, TargetGroup

from support import ACCOUNT, REGION, Aws, findings_for, status_of

INVOKE_ALL = {
    "Effect": "Allow",
    "Principal": "*",
    "Action": "execute-api:Invoke",
    "Resource": "execute-api:/*",
}


def test_private_apis_need_a_source_vpce_limit(aws: Aws) -> None:
    apigw = aws.client("apigateway")
    limited = {
        "Version": "2012-10-17",
        "Statement": [
            INVOKE_ALL,
            {
                "Sid": "OnlyOurEndpoint",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*",
                "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60718"}},
            },
        ],
    }
    apis = {
        "limited": apigw.create_rest_api(
            name="limited", endpointConfiguration={"types": ["PRIVATE"]}, policy=json.dumps(limited)
        )["id"],
        "open": apigw.create_rest_api(
            name="open",
            endpointConfiguration={"types": ["PRIVATE"]},
            policy=json.dumps({"Version": "2012-10-17", "Statement": [INVOKE_ALL]}),
        )["id"],
        "none": apigw.create_rest_api(name="none", endpointConfiguration={"types": ["PRIVATE"]})["id"],
        "public": apigw.create_rest_api(name="public", endpointConfiguration={"types": ["REGIONAL"]})["id"],
    }

    result = aws.scan(controls=["NET-14"])

    assert status_of(result, "NET-14", f"/restapis/{apis['limited']}") is Status.PASS
    assert status_of(result, "NET-14", f"/restapis/{apis['open']}") is Status.FAIL
    assert status_of(result, "NET-14", f"/restapis/{apis['none']}") is Status.FAIL
    assert not [f for f in findings_for(result, "NET-14") if apis["public"] in f.resource_id]
    limited_finding = next(f for f in findings_for(result, "NET-14") if apis["limited"] in f.resource_id)
    assert "vpce-0a1b2c3d4e5f60718" in limited_finding.message


def test_load_balancers_fronting_the_execute_api_endpoint_must_be_internal() -> None:
    endpoint = VpcEndpoint(
        arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-endpoint/vpce-0a1b2c3d4e5f60718",
        native_id="vpce-0a1b2c3d4e5f60718",
        account=ACCOUNT,
        region=REGION,
        service_name=f"com.amazonaws.{REGION}.execute-api",
        endpoint_type="Interface",
        network_interface_ids=("eni-0aaa",),
    )
    eni = NetworkInterface(
        arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:network-interface/eni-0aaa",
        native_id="eni-0aaa",
        account=ACCOUNT,
        region=REGION,
        private_ips=("10.0.1.25",),
    )

    def lb(name: str, scheme: str) -> LoadBalancer:
        arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/{name}/1"
        return LoadBalancer(
            arn=arn, native_id=arn, account=ACCOUNT, region=REGION, lb_name=name, scheme=scheme
        )

    def group(name: str, lb_arn: str, ip: str) -> TargetGroup:
        arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/{name}/1"
        return TargetGroup(
            arn=arn,
            native_id=arn,
            account=ACCOUNT,
            region=REGION,
            target_type="ip",
            load_balancer_arns=(lb_arn,),
            targets=(TargetDescription(ip, 443),),
        )

    inside, outside, other = (
        lb("inside", "internal"),
        lb("outside", "internet-facing"),
        lb("web", "internet-facing"),
    )
    inventory = Inventory(
        [
            endpoint,
            eni,
            inside,
            outside,
            other,
            group("to-api-in", inside.arn, "10.0.1.25"),
            group("to-api-out", outside.arn, "10.0.1.25"),
            group("to-web", other.arn, "10.0.2.40"),
        ]
    )
    found = {f.resource_id: f for f in evaluate(inventory, [all_checks()["NET-14"]], strict=True)}
    assert found[inside.arn].status is Status.PASS
    assert found[outside.arn].status is Status.FAIL
    assert "vpce-0a1b2c3d4e5f60718" in found[outside.arn].message
    assert other.arn not in found
