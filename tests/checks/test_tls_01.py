from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, Listener, LoadBalancer, Status

from support import ACCOUNT, REGION, Aws, findings_for, status_of

MODERN = "ELBSecurityPolicy-TLS13-1-2-2021-06"
LEGACY = "ELBSecurityPolicy-2016-08"


def _balancer(aws: Aws, name: str, kind: str = "application") -> tuple[str, str, str]:
    """(load balancer ARN, target group ARN, certificate ARN) of a new ALB or NLB."""
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
    cert = aws.client("acm").request_certificate(DomainName=f"{name}.example.com")["CertificateArn"]
    return lb, tg, cert


def _listener(aws: Aws, lb: str, **args: Any) -> str:
    return str(aws.client("elbv2").create_listener(LoadBalancerArn=lb, **args)["Listeners"][0]["ListenerArn"])


def test_alb_and_nlb_tls_listeners_pass_only_with_an_allowed_policy(aws: Aws) -> None:
    alb, tg, cert = _balancer(aws, "web")
    forward = [{"Type": "forward", "TargetGroupArn": tg}]
    good = _listener(
        aws,
        alb,
        Protocol="HTTPS",
        Port=443,
        SslPolicy=MODERN,
        Certificates=[{"CertificateArn": cert}],
        DefaultActions=forward,
    )
    bad = _listener(
        aws,
        alb,
        Protocol="HTTPS",
        Port=8443,
        SslPolicy=LEGACY,
        Certificates=[{"CertificateArn": cert}],
        DefaultActions=forward,
    )
    http = _listener(aws, alb, Protocol="HTTP", Port=80, DefaultActions=forward)
    nlb, nlb_tg, nlb_cert = _balancer(aws, "api", kind="network")
    nlb_forward = [{"Type": "forward", "TargetGroupArn": nlb_tg}]
    tls = _listener(
        aws,
        nlb,
        Protocol="TLS",
        Port=443,
        SslPolicy=LEGACY,
        Certificates=[{"CertificateArn": nlb_cert}],
        DefaultActions=nlb_forward,
    )
    tcp = _listener(aws, nlb, Protocol="TCP", Port=5432, DefaultActions=nlb_forward)

    result = aws.scan(controls=["TLS-01"])

    assert status_of(result, "TLS-01", good) is Status.PASS
    assert status_of(result, "TLS-01", bad) is Status.FAIL
    assert status_of(result, "TLS-01", tls) is Status.FAIL
    ids = {f.resource_id for f in findings_for(result, "TLS-01")}
    assert http not in ids
    assert tcp not in ids
    message = next(f.message for f in findings_for(result, "TLS-01") if f.resource_id == bad)
    assert LEGACY in message
    assert "HTTPS:8443" in message


def test_classic_listener_policy_is_the_reference_policy_or_the_custom_name(aws: Aws) -> None:
    cert = aws.client("acm").request_certificate(DomainName="legacy.example.com")["CertificateArn"]
    elb = aws.client("elb")
    elb.create_load_balancer(
        LoadBalancerName="legacy",
        AvailabilityZones=[f"{REGION}a"],
        Listeners=[
            {"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 80},
            {
                "Protocol": "HTTPS",
                "LoadBalancerPort": 443,
                "InstanceProtocol": "HTTP",
                "InstancePort": 80,
                "SSLCertificateId": cert,
            },
            {
                "Protocol": "SSL",
                "LoadBalancerPort": 8443,
                "InstanceProtocol": "TCP",
                "InstancePort": 80,
                "SSLCertificateId": cert,
            },
        ],
    )
    elb.create_load_balancer_policy(
        LoadBalancerName="legacy",
        PolicyName="tls12",
        PolicyTypeName="SSLNegotiationPolicyType",
        PolicyAttributes=[
            {
                "AttributeName": "Reference-Security-Policy",
                "AttributeValue": "ELBSecurityPolicy-TLS-1-2-2017-01",
            }
        ],
    )
    elb.set_load_balancer_policies_of_listener(
        LoadBalancerName="legacy", LoadBalancerPort=443, PolicyNames=["tls12"]
    )
    elb.create_load_balancer_policy(
        LoadBalancerName="legacy",
        PolicyName="hand-made",
        PolicyTypeName="SSLNegotiationPolicyType",
        PolicyAttributes=[{"AttributeName": "Protocol-TLSv1.2", "AttributeValue": "true"}],
    )
    elb.set_load_balancer_policies_of_listener(
        LoadBalancerName="legacy", LoadBalancerPort=8443, PolicyNames=["hand-made"]
    )
    lb_arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/legacy"

    result = aws.scan(controls=["TLS-01"])

    https = next(f for f in findings_for(result, "TLS-01") if f.resource_id == f"{lb_arn}/listener/443")
    assert https.status is Status.FAIL
    assert "ELBSecurityPolicy-TLS-1-2-2017-01" in https.message
    assert https.resource_type == "AWS::ElasticLoadBalancing::LoadBalancer.Listeners"
    custom = next(f for f in findings_for(result, "TLS-01") if f.resource_id == f"{lb_arn}/listener/8443")
    assert custom.status is Status.FAIL
    assert "hand-made" in custom.message
    assert f"{lb_arn}/listener/80" not in {f.resource_id for f in findings_for(result, "TLS-01")}

    # A user who approves the best classic policy sees the classic HTTPS listener pass.
    check = all_checks()["TLS-01"]
    params = {"TLS-01": {"allowed_policies": [MODERN, "ELBSecurityPolicy-TLS-1-2-2017-01"]}}
    findings = evaluate(result.inventory, [check], params=params, strict=True)
    assert next(f for f in findings if f.resource_id == f"{lb_arn}/listener/443").status is Status.PASS


def test_unreadable_policy_or_listeners_are_unknown() -> None:
    lb_arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/shop/1"
    lb = LoadBalancer(
        arn=lb_arn,
        native_id=lb_arn,
        account=ACCOUNT,
        region=REGION,
        lb_name="shop",
        unresolved={"listeners": "access denied: elbv2:DescribeListeners (AccessDenied)"},
    )
    classic = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/old/listener/443"
    listener = Listener(
        arn=classic,
        native_id=classic,
        account=ACCOUNT,
        region=REGION,
        lb_type="classic",
        protocol="HTTPS",
        port=443,
        unresolved={"ssl_policy": "access denied: elb:DescribeLoadBalancerPolicies (AccessDenied)"},
    )
    findings = evaluate(Inventory([lb, listener]), [all_checks()["TLS-01"]], strict=True)
    by_id = {f.resource_id: f for f in findings}
    assert by_id[lb_arn].status is Status.UNKNOWN
    assert "DescribeListeners" in by_id[lb_arn].message
    assert by_id[classic].status is Status.UNKNOWN
    assert "DescribeLoadBalancerPolicies" in by_id[classic].message
