from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, LoadBalancer, Status
from ringfence.model.cloudfront import CacheBehavior, Distribution
from ringfence.model.waf import WebAclAssociation

from support import ACCOUNT, REGION, Aws, findings_for, status_of

VISIBILITY = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "web"}


def _albs(aws: Aws) -> dict[str, str]:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab")
    ]
    elbv2 = aws.client("elbv2")
    return {
        name: elbv2.create_load_balancer(Name=name, Subnets=subnets, Scheme=scheme)["LoadBalancers"][0][
            "LoadBalancerArn"
        ]
        for name, scheme in (
            ("shielded", "internet-facing"),
            ("bare", "internet-facing"),
            ("inside", "internal"),
        )
    }


def _stage(aws: Aws, name: str, types: list[str]) -> tuple[str, str]:
    apigw = aws.client("apigateway")
    api = apigw.create_rest_api(name=name, endpointConfiguration={"types": types})["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    apigw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    apigw.create_deployment(restApiId=api, stageName="prod")
    return api, f"arn:aws:apigateway:{REGION}::/restapis/{api}/stages/prod"


def test_web_acls_on_albs_stages_and_distributions(aws: Aws) -> None:
    albs = _albs(aws)
    waf = aws.client("wafv2")
    acl = waf.create_web_acl(
        Name="web", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=VISIBILITY
    )["Summary"]["ARN"]
    waf.associate_web_acl(WebACLArn=acl, ResourceArn=albs["shielded"])
    _, guarded_stage = _stage(aws, "guarded", ["REGIONAL"])
    waf.associate_web_acl(WebACLArn=acl, ResourceArn=guarded_stage)
    _, open_stage = _stage(aws, "open", ["EDGE"])
    _, private_stage = _stage(aws, "internal", ["PRIVATE"])
    http = aws.client("apigatewayv2").create_api(Name="http", ProtocolType="HTTP")["ApiId"]
    cloudfront = aws.client("cloudfront", "us-east-1")
    dists = {}
    for ref, acl_id in (
        ("with-acl", f"arn:aws:wafv2:us-east-1:{ACCOUNT}:global/webacl/edge/1"),
        ("without", ""),
    ):
        config: dict[str, Any] = {
            "CallerReference": ref,
            "Comment": ref,
            "Enabled": True,
            "WebACLId": acl_id,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "o",
                        "DomainName": "origin.example.com",
                        "CustomOriginConfig": {
                            "HTTPPort": 80,
                            "HTTPSPort": 443,
                            "OriginProtocolPolicy": "https-only",
                        },
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "o",
                "ViewerProtocolPolicy": "https-only",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            },
        }
        dists[ref] = cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"]

    result = aws.scan(controls=["WAF-01"])

    assert status_of(result, "WAF-01", albs["shielded"]) is Status.PASS
    assert status_of(result, "WAF-01", albs["bare"]) is Status.FAIL
    assert status_of(result, "WAF-01", albs["inside"]) is Status.NOT_APPLICABLE
    assert status_of(result, "WAF-01", guarded_stage) is Status.PASS
    assert status_of(result, "WAF-01", open_stage) is Status.FAIL
    assert status_of(result, "WAF-01", private_stage) is Status.NOT_APPLICABLE
    assert status_of(result, "WAF-01", f"/apis/{http}") is Status.NOT_APPLICABLE
    assert status_of(result, "WAF-01", f"distribution/{dists['with-acl']}") is Status.PASS
    assert status_of(result, "WAF-01", f"distribution/{dists['without']}") is Status.FAIL
    bare = next(f for f in findings_for(result, "WAF-01") if f.resource_id == albs["bare"])
    assert "no WAF web ACL" in bare.message


def test_waf_classic_fails_and_an_unreadable_association_is_unknown() -> None:
    lb_arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/shop/1"
    lb = LoadBalancer(arn=lb_arn, native_id=lb_arn, account=ACCOUNT, region=REGION, scheme="internet-facing")
    denied = WebAclAssociation(
        arn=WebAclAssociation.id_for(lb_arn),
        native_id=lb_arn,
        account=ACCOUNT,
        region=REGION,
        resource_arn=lb_arn,
        unresolved={"web_acl_arn": "access denied: wafv2:GetWebACLForResource (AccessDeniedException)"},
    )
    classic = Distribution(
        arn=f"arn:aws:cloudfront::{ACCOUNT}:distribution/EOLD",
        native_id="EOLD",
        account=ACCOUNT,
        region="",
        behaviors=(CacheBehavior("*", "https-only"),),
        web_acl_id="2d0f7a3e-1c2b-4c5d-8e9f-0a1b2c3d4e5f",
    )
    found = {
        f.resource_id: f
        for f in evaluate(Inventory([lb, denied, classic]), [all_checks()["WAF-01"]], strict=True)
    }
    assert found[lb_arn].status is Status.UNKNOWN
    assert "GetWebACLForResource" in found[lb_arn].message
    assert found[classic.arn].status is Status.FAIL
    assert "WAF Classic" in found[classic.arn].message
