from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, Listener, ListenerAction, Status

from support import ACCOUNT, REGION, Aws, findings_for, status_of

REDIRECT = {
    "Type": "redirect",
    "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
}


def _balancer(aws: Aws, name: str, kind: str = "application") -> tuple[str, str]:
    """(load balancer ARN, target group ARN) of a new ALB or NLB."""
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab")
    ]
    elbv2 = aws.client("elbv2")
    lb = elbv2.create_load_balancer(Name=name, Subnets=subnets, Type=kind)["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    protocol = "TCP" if kind == "network" else "HTTP"
    tg = elbv2.create_target_group(Name=f"{name}-tg", Protocol=protocol, Port=80, VpcId=vpc)["TargetGroups"][
        0
    ]["TargetGroupArn"]
    return lb, tg


def _listener(aws: Aws, lb: str, port: int, actions: list[dict[str, Any]], protocol: str = "HTTP") -> str:
    reply = aws.client("elbv2").create_listener(
        LoadBalancerArn=lb, Protocol=protocol, Port=port, DefaultActions=actions
    )
    return str(reply["Listeners"][0]["ListenerArn"])


def _message(result: Any, resource_id: str) -> str:
    return next(f.message for f in findings_for(result, "TLS-02") if f.resource_id == resource_id)


def test_alb_http_listeners_pass_only_when_everything_redirects_to_https(aws: Aws) -> None:
    alb, tg = _balancer(aws, "web")
    forward = [{"Type": "forward", "TargetGroupArn": tg}]
    redirect = _listener(aws, alb, 80, [REDIRECT])
    keeps_protocol = _listener(
        aws,
        alb,
        8080,
        [
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "#{protocol}", "Port": "8443", "StatusCode": "HTTP_302"},
            }
        ],
    )
    fixed = _listener(
        aws, alb, 8081, [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "403"}}]
    )
    served = _listener(aws, alb, 8082, forward)
    https_cert = aws.client("acm").request_certificate(DomainName="web.example.com")["CertificateArn"]
    https = str(
        aws.client("elbv2").create_listener(
            LoadBalancerArn=alb,
            Protocol="HTTPS",
            Port=443,
            Certificates=[{"CertificateArn": https_cert}],
            DefaultActions=forward,
        )["Listeners"][0]["ListenerArn"]
    )
    other, other_tg = _balancer(aws, "shop")
    with_rule = _listener(aws, other, 80, [REDIRECT])
    aws.client("elbv2").create_rule(
        ListenerArn=with_rule,
        Priority=10,
        Conditions=[{"Field": "path-pattern", "Values": ["/health"]}],
        Actions=[{"Type": "forward", "TargetGroupArn": other_tg}],
    )

    result = aws.scan(controls=["TLS-02"])

    assert status_of(result, "TLS-02", redirect) is Status.PASS
    assert status_of(result, "TLS-02", keeps_protocol) is Status.FAIL
    assert "#{protocol}" in _message(result, keeps_protocol)
    assert status_of(result, "TLS-02", fixed) is Status.FAIL
    assert "fixed-response 403" in _message(result, fixed)
    assert "not a redirect" in _message(result, fixed)
    assert status_of(result, "TLS-02", served) is Status.FAIL
    assert status_of(result, "TLS-02", with_rule) is Status.FAIL
    assert "rule 10: forward" in _message(result, with_rule)
    assert https not in {f.resource_id for f in findings_for(result, "TLS-02")}  # TLS-01's


def test_nlb_tcp_on_80_and_classic_http_fail(aws: Aws) -> None:
    nlb, tg = _balancer(aws, "api", kind="network")
    forward = [{"Type": "forward", "TargetGroupArn": tg}]
    tcp_80 = _listener(aws, nlb, 80, forward, protocol="TCP")
    tcp_5432 = _listener(aws, nlb, 5432, forward, protocol="TCP")
    aws.client("elb").create_load_balancer(
        LoadBalancerName="legacy",
        AvailabilityZones=[f"{REGION}a"],
        Listeners=[
            {"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 8080}
        ],
    )
    classic = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/legacy/listener/80"

    result = aws.scan(controls=["TLS-02"])

    assert status_of(result, "TLS-02", tcp_80) is Status.FAIL
    assert tcp_5432 not in {f.resource_id for f in findings_for(result, "TLS-02")}
    assert status_of(result, "TLS-02", classic) is Status.FAIL
    assert "cannot redirect" in _message(result, classic)


def test_unreadable_rules_leave_a_redirecting_listener_unknown() -> None:
    arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:listener/app/web/1/2"
    redirect = ListenerAction(
        type="redirect", redirect_protocol="HTTPS", redirect_port="443", status_code="HTTP_301"
    )
    listener = Listener(
        arn=arn,
        native_id=arn,
        account=ACCOUNT,
        region=REGION,
        protocol="HTTP",
        port=80,
        default_actions=(redirect,),
        unresolved={"rules": "access denied: elbv2:DescribeRules (AccessDenied)"},
    )
    findings = evaluate(Inventory([listener]), [all_checks()["TLS-02"]], strict=True)
    assert [f.status for f in findings] == [Status.UNKNOWN]
    assert "DescribeRules" in findings[0].message
