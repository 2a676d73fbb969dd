import datetime as dt
from typing import Any

from edge_certs import https_listener, imported
from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, Listener, Severity, Status
from ringfence.model.certificates import Certificate
from ringfence.model.cloudfront import Distribution, ViewerCertificate

from support import ACCOUNT, REGION, Aws, findings_for

CHECK = all_checks()["CERT-01"]
NOW = dt.datetime.now(dt.UTC)


def test_certificates_in_use_fail_within_the_window_and_unused_ones_are_low(aws: Aws) -> None:
    expiring = imported(aws, "shop.example.com", days_left=12)
    healthy = imported(aws, "www.example.com", days_left=300)
    spare = imported(aws, "old.example.com", days_left=5)
    lb, _ = https_listener(aws, "shop", expiring)

    result = aws.scan(controls=["CERT-01"])

    found = {f.resource_id: f for f in findings_for(result, "CERT-01")}
    assert found[expiring].status is Status.FAIL
    assert found[expiring].severity is Severity.HIGH
    assert lb in found[expiring].message
    assert found[healthy].status is Status.PASS
    assert found[spare].status is Status.FAIL
    assert found[spare].severity is Severity.LOW
    assert "not in use" in found[spare].message


def _cert(name: str, days: float, **kw: Any) -> Certificate:
    arn = kw.pop("arn", f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/{name}")
    return Certificate(
        arn=arn,
        native_id=arn,
        account=ACCOUNT,
        region=kw.pop("region", REGION),
        domain_name=f"{name}.example.com",
        status=kw.pop("status", "ISSUED"),
        not_after=(NOW + dt.timedelta(days=days)).isoformat(),
        **kw,
    )


def test_expired_iam_unknown_use_and_certificates_outside_the_inventory() -> None:
    expired = _cert(
        "expired",
        -3,
        in_use=True,
        in_use_by=(f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/a/1",),
    )
    unread = _cert(
        "unread", 10, in_use=None, unresolved={"in_use_by": "access denied: acm:DescribeCertificate"}
    )
    pending = _cert("pending", 0, status="PENDING_VALIDATION")
    iam = _cert(
        "legacy",
        20,
        arn=f"arn:aws:iam::{ACCOUNT}:server-certificate/legacy",
        region="",
        source="iam",
        server_certificate_id="ASCAEXAMPLE0000000001",
    )
    listener_arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/legacy/listener/443"
    classic = Listener(
        arn=listener_arn,
        native_id=listener_arn,
        account=ACCOUNT,
        region=REGION,
        lb_type="classic",
        protocol="HTTPS",
        port=443,
        load_balancer_arn=f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/legacy",
        certificate_arns=(iam.arn,),
    )
    edge_cert = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/edge"
    dist = Distribution(
        arn=f"arn:aws:cloudfront::{ACCOUNT}:distribution/EDGE",
        native_id="EDGE",
        account=ACCOUNT,
        region="",
        viewer_certificate=ViewerCertificate(
            False, acm_certificate_arn=edge_cert, minimum_protocol_version="TLSv1.2_2021"
        ),
    )
    inventory = Inventory([expired, unread, pending, iam, classic, dist])
    found = {f.resource_id: f for f in evaluate(inventory, [CHECK], strict=True)}

    assert found[expired.arn].status is Status.FAIL
    assert found[expired.arn].severity is Severity.CRITICAL
    assert "expired" in found[expired.arn].message
    assert found[unread.arn].status is Status.FAIL  # expiring either way; severity as if in use
    assert found[unread.arn].severity is Severity.HIGH
    assert "could not be read" in found[unread.arn].message
    assert found[pending.arn].status is Status.NOT_APPLICABLE
    assert found[iam.arn].status is Status.FAIL
    assert found[iam.arn].resource_type == "AWS::IAM::ServerCertificate"
    assert classic.load_balancer_arn in found[iam.arn].message
    assert found[edge_cert].status is Status.UNKNOWN
    assert "us-east-1" in found[edge_cert].message
