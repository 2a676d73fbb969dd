"""CERT-05: certificate expiry is alarmed.

ACM publishes AWS/CertificateManager DaysToExpiry (dimension CertificateArn) in the certificate's
region every day. Each ACM certificate in use needs an alarm on that metric with its ARN in the same
account and region (a metric-math alarm counts through its metrics). An alarm whose actions are off,
or that has no alarm action, notifies no one: it is named in a FAIL, because an alarm nobody hears is
not an alarm. IAM server certificates publish no such metric and are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.cert_01 import NOT_ISSUED
from ringfence.checks.cert_usage import CertificateUsage, certificate_usage
from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, register
from ringfence.model import Inventory, Listener, Remediation, Severity
from ringfence.model.alarms import MetricAlarm
from ringfence.model.apigateway import ApiDomainName
from ringfence.model.certificates import Certificate
from ringfence.model.cloudfront import Distribution

NAMESPACE = "AWS/CertificateManager"
METRIC = "DaysToExpiry"
DIMENSION = "CertificateArn"

META = CheckMeta(
    id="CERT-05",
    title="Certificate expiry is alarmed",
    severity=Severity.LOW,
    rationale=(
        "ACM's renewal can fail quietly (a removed validation record, an imported certificate nobody "
        "re-imports); an alarm on DaysToExpiry tells a person while there is still time."
    ),
    remediation=Remediation(
        text=(
            "Create a CloudWatch alarm in the certificate's region on AWS/CertificateManager DaysToExpiry "
            "with the CertificateArn dimension, Minimum below your warning days, notifying an SNS topic."
        ),
        cli=(
            "aws cloudwatch put-metric-alarm --alarm-name cert-expiry-NAME --namespace AWS/CertificateManager "
            "--metric-name DaysToExpiry --dimensions Name=CertificateArn,Value=CERT_ARN --statistic Minimum "
            "--period 86400 --evaluation-periods 1 --threshold 45 --comparison-operator LessThanThreshold "
            "--alarm-actions SNS_TOPIC_ARN"
        ),
        cloudformation=(
            "Type: AWS::CloudWatch::Alarm\nProperties:\n  Namespace: AWS/CertificateManager\n"
            "  MetricName: DaysToExpiry\n  Dimensions:\n    - Name: CertificateArn\n      Value: !Ref Certificate\n"
            "  Statistic: Minimum\n  Period: 86400\n  EvaluationPeriods: 1\n  Threshold: 45\n"
            "  ComparisonOperator: LessThanThreshold\n  AlarmActions: [!Ref AlertTopic]"
        ),
        terraform=(
            'resource "aws_cloudwatch_metric_alarm" "cert_expiry" {\n  namespace           = "AWS/CertificateManager"\n'
            '  metric_name         = "DaysToExpiry"\n  dimensions          = { CertificateArn = aws_acm_certificate.app.arn }\n'
            '  statistic           = "Minimum"\n  period              = 86400\n  evaluation_periods  = 1\n'
            '  threshold           = 45\n  comparison_operator = "LessThanThreshold"\n'
            "  alarm_actions       = [aws_sns_topic.alerts.arn]\n}"
        ),
    ),
    modes=("live",),
    resource_types=(Certificate.KIND, MetricAlarm.KIND, Listener.KIND, Distribution.KIND, ApiDomainName.KIND),
    tested_with="moto server; Inventory built directly for unreadable alarms and unknown use",
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    usage = certificate_usage(ctx.inventory)
    for cert in ctx.inventory.of(Certificate):
        if cert.source.startswith("acm"):
            yield _judge(ctx.inventory, cert, usage)


def _judge(inv: Inventory, cert: Certificate, usage: CertificateUsage) -> Outcome:
    name = f"certificate {cert.display_name}"
    if cert.status in NOT_ISSUED:
        return not_applicable(cert, f"{name} is {cert.status}: never issued")
    in_use = usage.in_use(cert)
    if in_use is False:
        return not_applicable(cert, f"{name} is not in use")
    alarms = [
        a
        for a in inv.in_scope(MetricAlarm, cert.account, cert.region)
        if a.watches(NAMESPACE, METRIC, DIMENSION, cert.arn)
    ]
    loud = sorted(a.alarm_name for a in alarms if a.notifies)
    if loud:
        return passed(cert, f"{name}: DaysToExpiry is alarmed by {', '.join(loud)}")
    if alarms:
        quiet = ", ".join(sorted(a.alarm_name for a in alarms))
        return failed(
            cert,
            f"{name}: alarm(s) {quiet} watch DaysToExpiry but notify no one (no alarm action, or actions off)",
        )
    if not inv.listing_complete(MetricAlarm, cert.account, cert.region):
        return unknown(cert, f"{name}: the alarms of {cert.region} could not be read (see coverage gaps)")
    if in_use is None:
        return unknown(cert, f"{name} has no DaysToExpiry alarm, but whether it is in use could not be read")
    return failed(cert, f"{name} is in use and no alarm watches its {NAMESPACE} {METRIC}")
