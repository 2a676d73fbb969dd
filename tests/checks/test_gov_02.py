from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Finding, Inventory, Resource, Status
from ringfence.model.cache import CacheReplicationGroup
from ringfence.model.datastores import BackupVault, DynamoTable
from ringfence.scanner import ScanOptions, scan

from support import ACCOUNT, REGION, Aws, status_of

US = "us-east-1"


def _findings(*resources: Resource, allowed: list[str]) -> dict[str, Finding]:
    found = evaluate(
        Inventory(resources),
        [all_checks()["GOV-02"]],
        params={"GOV-02": {"allowed_regions": allowed}},
        strict=True,
    )
    return {f.resource_id: f for f in found}


def test_data_outside_the_approved_regions_fails(aws: Aws) -> None:
    for region in (REGION, US):
        s3 = aws.client("s3", region)
        config = {} if region == US else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=f"rf-data-{region}", **config)
    aws.client("dynamodb", US).create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    options = ScanOptions(
        aws=aws.options(),
        regions=[REGION, US],
        controls=["GOV-02"],
        params={"GOV-02": {"allowed_regions": [REGION]}},
    )

    result = scan(options)

    assert status_of(result, "GOV-02", f"rf-data-{REGION}") is Status.PASS
    assert status_of(result, "GOV-02", f"rf-data-{US}") is Status.FAIL
    assert status_of(result, "GOV-02", ":table/orders") is Status.FAIL


def test_unconfigured_regions_empty_vaults_and_other_stores() -> None:
    cache = CacheReplicationGroup(arn="arn:cache", native_id="c", account=ACCOUNT, region=US)
    table = DynamoTable(arn="arn:table", native_id="t", account=ACCOUNT, region=REGION)
    empty = BackupVault(arn="arn:vault-empty", native_id="e", account=ACCOUNT, region=US, recovery_points=0)
    full = BackupVault(arn="arn:vault-full", native_id="f", account=ACCOUNT, region=US, recovery_points=12)

    judged = _findings(cache, table, empty, full, allowed=[REGION])
    assert {rid: f.status for rid, f in judged.items()} == {
        "arn:cache": Status.FAIL,
        "arn:table": Status.PASS,
        "arn:vault-empty": Status.NOT_APPLICABLE,
        "arn:vault-full": Status.FAIL,
    }
    unconfigured = _findings(cache, allowed=[])
    assert unconfigured["arn:cache"].status is Status.UNKNOWN
    assert "not configured" in unconfigured["arn:cache"].message
