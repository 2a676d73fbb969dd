from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, Status
from ringfence.model.cache import CacheReplicationGroup

from support import ACCOUNT, REGION, Aws, status_of


def _group(aws: Aws, name: str, **encryption: Any) -> None:
    aws.client("elasticache").create_replication_group(
        ReplicationGroupId=name,
        ReplicationGroupDescription=name,
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheClusters=2,
        **encryption,
    )


def test_encryption_at_rest_and_required_tls(aws: Aws) -> None:
    _group(
        aws,
        "sessions",
        AtRestEncryptionEnabled=True,
        TransitEncryptionEnabled=True,
        TransitEncryptionMode="required",
    )
    _group(
        aws,
        "migrating",
        AtRestEncryptionEnabled=True,
        TransitEncryptionEnabled=True,
        TransitEncryptionMode="preferred",
    )
    _group(aws, "plain", AtRestEncryptionEnabled=False, TransitEncryptionEnabled=False)

    result = aws.scan(controls=["ENC-10"])

    assert status_of(result, "ENC-10", "replicationgroup:sessions") is Status.PASS
    assert status_of(result, "ENC-10", "replicationgroup:migrating") is Status.FAIL
    assert status_of(result, "ENC-10", "replicationgroup:plain") is Status.FAIL
    preferred = next(f for f in result.findings if f.resource_id.endswith(":migrating"))
    assert "preferred" in preferred.message


def test_engines_without_a_transit_mode_and_unknown_settings() -> None:
    def group(name: str, **kw: Any) -> CacheReplicationGroup:
        return CacheReplicationGroup(
            arn=f"arn:aws:elasticache:{REGION}:{ACCOUNT}:replicationgroup:{name}",
            native_id=name,
            account=ACCOUNT,
            region=REGION,
            **kw,
        )

    groups = [
        group("redis6", at_rest_encryption=True, transit_encryption=True),  # no TransitEncryptionMode field
        group("unread", at_rest_encryption=True, unresolved={"transit_encryption": "error: elasticache (X)"}),
        group("half", at_rest_encryption=False, unresolved={"transit_encryption": "error: elasticache (X)"}),
    ]
    found = {
        f.resource_id.rsplit(":", 1)[-1]: f.status
        for f in evaluate(Inventory(groups), [all_checks()["ENC-10"]], strict=True)
    }
    assert found == {"redis6": Status.PASS, "unread": Status.UNKNOWN, "half": Status.FAIL}
