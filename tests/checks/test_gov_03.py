from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.checks.tiers import EnvironmentConvention
from ringfence.model import Account, Finding, Inventory, Resource, Severity, Status, Vpc

from support import ACCOUNT, REGION, Aws, status_of


def _vpc(name: str, env: str) -> Vpc:
    return Vpc(arn=f"arn:{name}", native_id=name, account=ACCOUNT, region=REGION, tags={"env": env})


def _finding(*resources: Resource, environments: EnvironmentConvention | None = None) -> Finding:
    account = Account(arn=ACCOUNT, native_id=ACCOUNT, account=ACCOUNT, region="")
    [found] = evaluate(
        Inventory([account, *resources]), [all_checks()["GOV-03"]], environments=environments, strict=True
    )
    return found


def test_production_beside_development_fails(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    ec2.create_vpc(
        CidrBlock="10.1.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Environment", "Value": "prod"}]}],
    )
    assert status_of(aws.scan(controls=["GOV-03"]), "GOV-03", ACCOUNT) is Status.PASS

    ec2.create_vpc(
        CidrBlock="10.2.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Environment", "Value": "dev"}]}],
    )
    result = aws.scan(controls=["GOV-03"])
    assert status_of(result, "GOV-03", ACCOUNT) is Status.FAIL
    message = next(f.message for f in result.findings if f.control_id == "GOV-03")
    assert "dev (1 resources)" in message
    assert "production (1 resources)" in message


def test_non_production_environments_untagged_accounts_and_conventions() -> None:
    several = _finding(_vpc("a", "dev"), _vpc("b", "staging"))
    assert several.status is Status.FAIL
    assert several.severity is Severity.LOW
    assert _finding(_vpc("a", "Production"), _vpc("b", "prod")).status is Status.PASS
    assert _finding(Vpc(arn="arn:x", native_id="x", account=ACCOUNT, region=REGION)).status is Status.UNKNOWN
    live = EnvironmentConvention(production_values=("live",))
    assert _finding(_vpc("a", "live"), _vpc("b", "test"), environments=live).severity is Severity.MEDIUM
