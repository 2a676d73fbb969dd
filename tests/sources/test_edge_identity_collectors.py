"""The load balancer, IAM user and CloudTrail collectors: what they read into the model."""

from collections.abc import Mapping
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ringfence.model import IamUser, Listener, LoadBalancer, Resource, Trail
from ringfence.model.logging import TrailListing
from ringfence.sources.aws.collectors import iam
from ringfence.sources.aws.collectors.cloudtrail import collect_trails
from ringfence.sources.aws.collectors.elb_classic import collect_classic_load_balancers
from ringfence.sources.aws.collectors.elbv2 import collect_load_balancers
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.session import AwsOptions, ClientFactory, make_session

from support import ACCOUNT, REGION, Aws

REDIRECT = {
    "Type": "redirect",
    "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
}


def _context(aws: Aws, service: str, region: str = REGION) -> CollectContext:
    options = aws.options()
    return CollectContext(
        factory=ClientFactory(make_session(options), options), account=ACCOUNT, region=region, service=service
    )


class _Refusing:
    """A client that answers the given operations and refuses every other call (AccessDenied)."""

    def __init__(self, answers: Mapping[str, dict[str, Any]]) -> None:
        self.answers = answers

    def can_paginate(self, operation: str) -> bool:
        return False

    def __getattr__(self, operation: str) -> Any:
        def call(**_: Any) -> dict[str, Any]:
            if operation in self.answers:
                return self.answers[operation]
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "denied"}}, operation)

        return call


class _Factory:
    def __init__(self, client: _Refusing) -> None:
        self.client_ = client
        self.options = AwsOptions()

    def client(self, service: str, region: str) -> _Refusing:
        return self.client_


def _refusing_context(service: str, answers: Mapping[str, dict[str, Any]]) -> CollectContext:
    return CollectContext(
        factory=_Factory(_Refusing(answers)), account=ACCOUNT, region=REGION, service=service
    )  # type: ignore[arg-type]


def _of(resources: list[Any], cls: type[Resource]) -> list[Any]:
    return [r for r in resources if isinstance(r, cls)]


# --- elbv2 -------------------------------------------------------------------------------------


def test_elbv2_reads_attributes_listeners_all_certificates_and_rules(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab")
    ]
    elbv2 = aws.client("elbv2")
    lb_arn = elbv2.create_load_balancer(
        Name="web", Subnets=subnets, Tags=[{"Key": "Name", "Value": "shop-web"}]
    )["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elbv2.create_target_group(Name="web-tg", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0][
        "TargetGroupArn"
    ]
    acm = aws.client("acm")
    default_cert = acm.request_certificate(DomainName="shop.example.com")["CertificateArn"]
    sni_cert = acm.request_certificate(DomainName="api.example.com")["CertificateArn"]
    https = elbv2.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="HTTPS",
        Port=443,
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        Certificates=[{"CertificateArn": default_cert}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )["Listeners"][0]["ListenerArn"]
    elbv2.add_listener_certificates(ListenerArn=https, Certificates=[{"CertificateArn": sni_cert}])
    http = elbv2.create_listener(LoadBalancerArn=lb_arn, Protocol="HTTP", Port=80, DefaultActions=[REDIRECT])[
        "Listeners"
    ][0]["ListenerArn"]
    elbv2.create_rule(
        ListenerArn=http,
        Priority=7,
        Conditions=[{"Field": "path-pattern", "Values": ["/status"]}],
        Actions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "204"}}],
    )
    ctx = _context(aws, "elbv2")

    resources = list(collect_load_balancers(ctx))

    assert ctx.gaps == []
    [lb] = _of(resources, LoadBalancer)
    assert (lb.arn, lb.native_id, lb.lb_name, lb.lb_type) == (lb_arn, lb_arn, "web", "application")
    assert lb.display_name == "shop-web"
    assert lb.vpc_id == vpc
    assert set(lb.subnet_ids) == set(subnets)
    assert lb.attributes["deletion_protection.enabled"] == "false"
    listeners = {listener.arn: listener for listener in _of(resources, Listener)}
    secure = listeners[https]
    assert secure.certificate_arns == (default_cert, sni_cert)
    assert secure.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert secure.default_actions[0].target_group_arns == (tg,)
    assert secure.load_balancer_arn == lb_arn
    assert secure.terminates_tls
    plain = listeners[http]
    assert plain.default_actions[0].redirect_protocol == "HTTPS"
    assert [(r.priority, r.actions[0].type, r.actions[0].status_code) for r in plain.rules] == [
        ("7", "fixed-response", "204")
    ]  # the default rule is the default actions, not a rule
    assert plain.label == "HTTP:80 of application load balancer web"


def test_elbv2_load_balancer_with_unreadable_listeners_says_so() -> None:
    lb = {"LoadBalancerArn": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/web/1"}
    lb |= {"LoadBalancerName": "web", "Type": "application"}
    ctx = _refusing_context("elbv2", {"describe_load_balancers": {"LoadBalancers": [lb]}})

    [balancer] = list(collect_load_balancers(ctx))

    assert isinstance(balancer, LoadBalancer)
    assert "DescribeListeners" in (balancer.unknown("listeners") or "")
    assert "DescribeTags" in (balancer.unknown("tags") or "")
    assert {g.operation for g in ctx.gaps} == {
        "DescribeTags",
        "DescribeLoadBalancerAttributes",
        "DescribeListeners",
    }


# --- classic -----------------------------------------------------------------------------------


def test_classic_load_balancer_gets_a_built_arn_and_resolved_listener_policies(aws: Aws) -> None:
    cert = aws.client("acm").request_certificate(DomainName="legacy.example.com")["CertificateArn"]
    elb = aws.client("elb")
    elb.create_load_balancer(
        LoadBalancerName="legacy",
        AvailabilityZones=[f"{REGION}a"],
        Listeners=[
            {"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 8080},
            {
                "Protocol": "HTTPS",
                "LoadBalancerPort": 443,
                "InstanceProtocol": "HTTP",
                "InstancePort": 8080,
                "SSLCertificateId": cert,
            },
        ],
        Tags=[{"Key": "Environment", "Value": "prod"}],
    )
    elb.create_load_balancer_policy(
        LoadBalancerName="legacy",
        PolicyName="negotiation",
        PolicyTypeName="SSLNegotiationPolicyType",
        PolicyAttributes=[
            {
                "AttributeName": "Reference-Security-Policy",
                "AttributeValue": "ELBSecurityPolicy-TLS-1-2-2017-01",
            }
        ],
    )
    elb.set_load_balancer_policies_of_listener(
        LoadBalancerName="legacy", LoadBalancerPort=443, PolicyNames=["negotiation"]
    )
    ctx = _context(aws, "elb")

    resources = list(collect_classic_load_balancers(ctx))

    assert ctx.gaps == []
    lb_arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/legacy"
    [lb] = _of(resources, LoadBalancer)
    assert (lb.arn, lb.lb_type, lb.resource_type) == (
        lb_arn,
        "classic",
        "AWS::ElasticLoadBalancing::LoadBalancer",
    )
    assert lb.tags == {"Environment": "prod"}
    listeners = {listener.port: listener for listener in _of(resources, Listener)}
    assert listeners[443].arn == f"{lb_arn}/listener/443"
    assert listeners[443].ssl_policy == "ELBSecurityPolicy-TLS-1-2-2017-01"
    assert listeners[443].policy_names == ("negotiation",)
    assert listeners[443].certificate_arns == (cert,)
    assert (listeners[80].protocol, listeners[80].ssl_policy, listeners[80].unresolved) == ("HTTP", None, {})


# --- IAM ---------------------------------------------------------------------------------------


def _users(aws: Aws) -> None:
    client = aws.client("iam")
    client.create_user(UserName="alice")
    client.create_login_profile(UserName="alice", Password="Rf-Example-Passw0rd!")
    client.create_user(UserName="bob")
    client.create_login_profile(UserName="bob", Password="Rf-Example-Passw0rd!")
    serial = client.create_virtual_mfa_device(VirtualMFADeviceName="bob")["VirtualMFADevice"]["SerialNumber"]
    client.enable_mfa_device(
        UserName="bob", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321"
    )
    client.create_user(UserName="deploy")
    client.create_access_key(UserName="deploy")


def _by_name(users: list[IamUser]) -> dict[str, IamUser]:
    return {u.user_name: u for u in users}


def test_iam_users_come_from_the_credential_report(aws: Aws) -> None:
    _users(aws)
    key_id = aws.client("iam").list_access_keys(UserName="deploy")["AccessKeyMetadata"][0]["AccessKeyId"]
    ctx = _context(aws, "iam", region="")

    users = _by_name(list(iam.collect_users(ctx)))

    assert ctx.gaps == []
    assert {u.source for u in users.values()} == {"credential_report"}
    assert users["alice"].region == ""
    assert (users["alice"].has_console_password, users["alice"].has_mfa) == (True, False)
    assert (users["bob"].has_console_password, users["bob"].has_mfa) == (True, True)
    assert users["deploy"].has_console_password is False
    [key] = users["deploy"].access_keys
    assert (key.key_id, key.active, key.slot, key.last_used) == (key_id, True, 1, None)
    assert key.created is not None


def test_iam_users_are_read_one_by_one_when_the_report_is_not_ready(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    _users(aws)
    monkeypatch.setattr(iam, "REPORT_WAIT_SECONDS", 0.0)  # the first GenerateCredentialReport only starts it
    ctx = _context(aws, "iam", region="")

    users = _by_name(list(iam.collect_users(ctx)))

    assert ctx.gaps == []
    assert {u.source for u in users.values()} == {"api"}
    assert (users["alice"].has_console_password, users["alice"].mfa_device_count) == (True, 0)
    assert (users["bob"].has_console_password, users["bob"].mfa_device_count, users["bob"].has_mfa) == (
        True,
        1,
        True,
    )
    assert users["deploy"].has_console_password is False
    [key] = users["deploy"].access_keys
    assert key.key_id is not None
    assert key.key_id.startswith("AKIA")
    assert key.active


# --- CloudTrail --------------------------------------------------------------------------------


def test_each_trail_is_reported_once_in_its_home_region(aws: Aws) -> None:
    s3 = aws.client("s3", "us-east-1")
    s3.create_bucket(Bucket="audit-logs")
    cloudtrail = aws.client("cloudtrail", "us-east-1")
    org = cloudtrail.create_trail(Name="audit", S3BucketName="audit-logs", IsMultiRegionTrail=True)[
        "TrailARN"
    ]
    cloudtrail.start_logging(Name="audit")
    aws.client("s3").create_bucket(
        Bucket="local-logs", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    local = aws.client("cloudtrail").create_trail(Name="local", S3BucketName="local-logs")["TrailARN"]

    found: list[Trail] = []
    for region in (REGION, "us-east-1", "us-west-2"):
        ctx = _context(aws, "cloudtrail", region)
        found += _of(list(collect_trails(ctx)), Trail)
        assert ctx.gaps == []

    trails = {t.arn: t for t in found}
    assert len(found) == 2
    assert (trails[org].region, trails[org].multi_region, trails[org].is_logging) == ("us-east-1", True, True)
    assert (trails[local].region, trails[local].multi_region, trails[local].is_logging) == (
        REGION,
        False,
        False,
    )
    assert trails[org].owned
    assert trails[org].kms_key_id is None


def test_an_unlistable_region_leaves_a_marker_that_is_not_a_region_in_use() -> None:
    ctx = _refusing_context("cloudtrail", {})

    [marker] = list(collect_trails(ctx))

    assert isinstance(marker, TrailListing)
    assert (marker.region, marker.listed_region) == ("", REGION)
    assert "DescribeTrails" in (marker.unknown("trails") or "")
    assert [g.operation for g in ctx.gaps] == ["DescribeTrails"]


def test_an_organisation_trail_seen_from_a_member_keeps_its_owner() -> None:
    org_arn = "arn:aws:cloudtrail:eu-west-1:111122223333:trail/organisation"
    raw = {"Name": "organisation", "TrailARN": org_arn, "HomeRegion": REGION, "IsMultiRegionTrail": True}
    raw |= {"IsOrganizationTrail": True, "LogFileValidationEnabled": True, "KmsKeyId": "k"}
    ctx = _refusing_context("cloudtrail", {"describe_trails": {"trailList": [raw]}})

    [trail] = list(collect_trails(ctx))

    assert isinstance(trail, Trail)
    assert (trail.arn, trail.native_id, trail.owner_account) == (
        f"{ACCOUNT}/{org_arn}",
        org_arn,
        "111122223333",
    )
    assert not trail.owned
    assert trail.organization_trail
    assert trail.is_logging is None
    assert "111122223333" in (trail.unknown("is_logging") or "")
