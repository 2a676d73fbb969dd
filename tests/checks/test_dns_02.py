from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Finding, Inventory, Resource, Status, Vpc
from ringfence.model.resolver import QueryLogAssociation

from support import ACCOUNT, REGION, Aws, status_of


def _vpc(vpc_id: str, *, default: bool = False) -> Vpc:
    return Vpc(
        arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{vpc_id}",
        native_id=vpc_id,
        account=ACCOUNT,
        region=REGION,
        is_default=default,
    )


def _association(vpc_id: str, status: str) -> QueryLogAssociation:
    return QueryLogAssociation(
        arn=f"{ACCOUNT}/{REGION}/rslvr-qla-{vpc_id}",
        native_id=f"rslvr-qla-{vpc_id}",
        account=ACCOUNT,
        region="",
        listed_region=REGION,
        vpc_id=vpc_id,
        config_id="rslvr-qlc-1",
        status=status,
    )


def _findings(*resources: Resource, incomplete: bool = False) -> dict[str, Finding]:
    gaps = [(ACCOUNT, REGION, QueryLogAssociation.KIND)] if incomplete else []
    found = evaluate(Inventory(resources, incomplete=gaps), [all_checks()["DNS-02"]], strict=True)
    return {f.resource_id.rsplit("/", 1)[-1]: f for f in found}


def test_vpcs_with_and_without_query_logging(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    logged = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    silent = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    resolver = aws.client("route53resolver")
    config = resolver.create_resolver_query_log_config(
        Name="vpc-dns",
        DestinationArn=f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:dns",
        CreatorRequestId="rf-1",
    )["ResolverQueryLogConfig"]["Id"]
    resolver.associate_resolver_query_log_config(ResolverQueryLogConfigId=config, ResourceId=logged)

    result = aws.scan(controls=["DNS-02"])

    assert status_of(result, "DNS-02", logged) is Status.PASS
    assert status_of(result, "DNS-02", silent) is Status.FAIL
    default_vpc = next(v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"])
    assert status_of(result, "DNS-02", default_vpc) is Status.FAIL  # the region is in use: judged too


def test_association_states_unused_regions_and_failed_listings() -> None:
    found = _findings(
        _vpc("vpc-creating"),
        _association("vpc-creating", "CREATING"),
        _vpc("vpc-failed"),
        _association("vpc-failed", "ACTION_NEEDED"),
    )
    assert found["vpc-creating"].status is Status.UNKNOWN
    assert found["vpc-failed"].status is Status.FAIL
    assert "ACTION_NEEDED" in found["vpc-failed"].message
    alone = _findings(_vpc("vpc-default", default=True))  # nothing else in the region: not in use
    assert alone["vpc-default"].status is Status.NOT_APPLICABLE

    unlisted = _findings(_vpc("vpc-app"), incomplete=True)
    assert unlisted["vpc-app"].status is Status.UNKNOWN
    assert "listing failed" in unlisted["vpc-app"].message
