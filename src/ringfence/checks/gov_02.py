"""GOV-02: data stays in the approved regions.

One finding per data-bearing resource: S3 buckets, RDS and Aurora instances and clusters (Neptune and
DocumentDB too: they hold data wherever they run), EBS volumes and snapshots, EFS file systems,
DynamoDB tables, ElastiCache replication groups and AWS Backup vaults. PASS in a region of
params.allowed_regions, FAIL outside. The list must be stated: [] means "not configured", and every
resource is then UNKNOWN (saying where it is). A backup vault holding no recovery points holds no
data: outside the regions it is not applicable.
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import (
    Bucket,
    DbCluster,
    DbInstance,
    FileSystem,
    Remediation,
    Resource,
    Severity,
    Snapshot,
    Volume,
)
from ringfence.model.cache import CacheReplicationGroup
from ringfence.model.datastores import BackupVault, DynamoTable

DATA_BEARING: tuple[tuple[type[Resource], str], ...] = (
    (Bucket, "S3 bucket"),
    (DbInstance, "DB instance"),
    (DbCluster, "DB cluster"),
    (Volume, "EBS volume"),
    (Snapshot, "EBS snapshot"),
    (FileSystem, "EFS file system"),
    (DynamoTable, "DynamoDB table"),
    (CacheReplicationGroup, "ElastiCache replication group"),
    (BackupVault, "backup vault"),
)

META = CheckMeta(
    id="GOV-02",
    title="Data stays in the approved regions",
    severity=Severity.HIGH,
    rationale=(
        "Data residency rules (health records, financial data, national regulators) hold an organisation "
        "to where its data is stored, copies and backups included; one replica in another region breaks them."
    ),
    remediation=Remediation(
        text=(
            "Move or delete the data outside the approved regions (and its replication rules or backup copy "
            "rules), and stop new resources there with a service control policy on aws:RequestedRegion."
        ),
        cli=(
            "aws organizations create-policy --type SERVICE_CONTROL_POLICY --name approved-regions "
            "--content file://deny-other-regions.json"
        ),
        cloudformation=(
            "Type: AWS::Organizations::Policy\nProperties:\n  Type: SERVICE_CONTROL_POLICY\n  Name: approved-regions\n"
            "  Content:\n    Version: '2012-10-17'\n    Statement:\n      - Effect: Deny\n        NotAction: "
            "[iam:*, organizations:*, sts:*, support:*, cloudfront:*, route53:*]\n        Resource: '*'\n"
            "        Condition:\n          StringNotEquals: {aws:RequestedRegion: [ap-southeast-2]}"
        ),
        terraform=(
            'data "aws_iam_policy_document" "regions" {\n  statement {\n    effect      = "Deny"\n'
            '    not_actions = ["iam:*", "organizations:*", "sts:*", "support:*", "cloudfront:*", "route53:*"]\n'
            '    resources   = ["*"]\n    condition {\n      test     = "StringNotEquals"\n'
            '      variable = "aws:RequestedRegion"\n      values   = var.allowed_regions\n    }\n  }\n}'
        ),
    ),
    modes=("live",),
    resource_types=tuple(cls.KIND for cls, _ in DATA_BEARING),
    tested_with="moto server; every data-bearing kind via an Inventory",
    frameworks=Mapping_(nist_800_53=("SA-9(5)",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    allowed = [str(r) for r in ctx.params.get("allowed_regions") or ()]
    for cls, what in DATA_BEARING:
        for resource in ctx.inventory.of(cls):
            yield _judge(resource, what, allowed)


def _judge(resource: Resource, what: str, allowed: list[str]) -> Outcome:
    label = f"{what} {resource.display_name}"
    region = resource.region or "an unknown region"
    if not allowed:
        return unknown(
            resource,
            f"{label} is in {region}; the approved regions are not configured (GOV-02 allowed_regions)",
        )
    if resource.region in allowed:
        return passed(resource, f"{label} is in {region}, an approved region")
    if isinstance(resource, BackupVault) and resource.recovery_points == 0:
        return not_applicable(resource, f"{label} is in {region} but holds no recovery points")
    return failed(resource, f"{label} is in {region}, outside the approved regions ({', '.join(allowed)})")
