"""DNS-02: Route 53 Resolver query logging covers every VPC.

One finding per VPC: PASS with an ACTIVE query log configuration association. An association still
CREATING is UNKNOWN; one FAILED or ACTION_NEEDED (its destination refused the logs) fails. A default
VPC of a region not in use is not applicable.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.vpc_coverage import judge_vpcs
from ringfence.model import Remediation, Severity, Vpc
from ringfence.model.resolver import QueryLogAssociation

META = CheckMeta(
    id="DNS-02",
    title="Resolver query logging covers every VPC",
    severity=Severity.MEDIUM,
    rationale=(
        "DNS queries show which hosts a workload talks to, including command-and-control and "
        "exfiltration domains; VPC resolver traffic appears in no flow log, so query logs are the only record."
    ),
    remediation=Remediation(
        text="Associate a Route 53 Resolver query logging configuration (to CloudWatch Logs, S3 or Firehose) with each VPC.",
        cli=(
            "aws route53resolver create-resolver-query-log-config --name vpc-dns --destination-arn LOG_GROUP_ARN "
            "--creator-request-id $(uuidgen)\naws route53resolver associate-resolver-query-log-config "
            "--resolver-query-log-config-id rslvr-qlc-ID --resource-id VPC_ID"
        ),
        cloudformation=(
            "QueryLogConfig:\n  Type: AWS::Route53Resolver::ResolverQueryLoggingConfig\n  Properties:\n"
            "    DestinationArn: !GetAtt DnsLogGroup.Arn\nQueryLogAssociation:\n"
            "  Type: AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation\n  Properties:\n"
            "    ResolverQueryLogConfigId: !Ref QueryLogConfig\n    ResourceId: !Ref Vpc"
        ),
        terraform=(
            'resource "aws_route53_resolver_query_log_config" "dns" {\n  name            = "vpc-dns"\n'
            "  destination_arn = aws_cloudwatch_log_group.dns.arn\n}\n\n"
            'resource "aws_route53_resolver_query_log_config_association" "vpc" {\n'
            "  resolver_query_log_config_id = aws_route53_resolver_query_log_config.dns.id\n"
            "  resource_id                  = aws_vpc.main.id\n}"
        ),
    ),
    modes=("live",),
    resource_types=(Vpc.KIND, QueryLogAssociation.KIND),
    tested_with="moto server; failed listings and association states via an Inventory",
    frameworks=Mapping_(nist_800_53=("AU-12",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    yield from judge_vpcs(
        ctx.inventory,
        QueryLogAssociation,
        "Resolver query logging",
        active=("ACTIVE",),
        pending=("CREATING",),
        describe=_describe,
    )


def _describe(assoc: QueryLogAssociation) -> str:
    error = f", {assoc.error}" if assoc.error else ""
    return f"{assoc.config_id or assoc.native_id} ({assoc.status}{error})"
