from typing import Any

from edge_certs import https_listener, imported
from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, Status
from ringfence.model.certificates import Certificate

from support import ACCOUNT, REGION, Aws, findings_for


def _alarm(aws: Aws, name: str, certificate_arn: str, **kw: Any) -> None:
    aws.client("cloudwatch").put_metric_alarm(
        AlarmName=name,
        Namespace="AWS/CertificateManager",
        MetricName="DaysToExpiry",
        Dimensions=[{"Name": "CertificateArn", "Value": certificate_arn}],
        Statistic="Minimum",
        Period=86400,
        EvaluationPeriods=1,
        Threshold=45,
        ComparisonOperator="LessThanThreshold",
        **kw,
    )


def test_certificates_in_use_need_an_alarm_that_notifies(aws: Aws) -> None:
    watched = imported(aws, "watched.example.com", days_left=200)
    quiet = imported(aws, "quiet.example.com", days_left=200)
    unwatched = imported(aws, "unwatched.example.com", days_left=200)
    idle = imported(aws, "idle.example.com", days_left=200)
    for name, cert in (("a", watched), ("b", quiet), ("c", unwatched)):
        https_listener(aws, name, cert)
    _alarm(aws, "watched-expiry", watched, AlarmActions=[f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"])
    _alarm(aws, "quiet-expiry", quiet)

    result = aws.scan(controls=["CERT-05"])

    found = {f.resource_id: f for f in findings_for(result, "CERT-05")}
    assert found[watched].status is Status.PASS
    assert "watched-expiry" in found[watched].message
    assert found[quiet].status is Status.FAIL
    assert "notify no one" in found[quiet].message
    assert found[unwatched].status is Status.FAIL
    assert found[idle].status is Status.NOT_APPLICABLE


def test_unreadable_alarms_are_unknown() -> None:
    arn = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/in-use"
    cert = Certificate(arn=arn, native_id=arn, account=ACCOUNT, region=REGION, in_use=True, in_use_by=("x",))
    inventory = Inventory([cert], incomplete=[(ACCOUNT, REGION, "cloudwatch.metric_alarm")])
    [finding] = evaluate(inventory, [all_checks()["CERT-05"]], strict=True)
    assert finding.status is Status.UNKNOWN
