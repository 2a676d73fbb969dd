"""GOV-03: workloads are separated by account.

One finding per account, from the environment tags of its resources (the convention of
controls.yaml's header, ctx.environments). An account holding both production and non-production
resources fails. One holding several non-production environments (dev and staging) but no production
fails at low severity: the criterion asks that different environments not share an account, and
the blast radius is smaller. One environment passes; no environment tag at all is UNKNOWN (nothing
tells which environments the account serves). Untagged resources say nothing either way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Account, Remediation, Severity

META = CheckMeta(
    id="GOV-03",
    title="Workloads are separated by account",
    severity=Severity.MEDIUM,
    rationale=(
        "An account is AWS's strongest boundary: in a shared one, a developer's permissions, a test "
        "workload's compromise or a staging mistake reach production data through the same IAM, quotas and network."
    ),
    remediation=Remediation(
        text=(
            "Move each environment into its own account under AWS Organizations (for example with Control "
            "Tower account vending), production apart from everything else."
        ),
        cli="aws organizations create-account --email prod-owner@example.com --account-name workload-prod",
        cloudformation=(
            "# With Control Tower: provision an account per environment through Service Catalog\n"
            "Type: AWS::ServiceCatalog::CloudFormationProvisionedProduct\nProperties:\n"
            "  ProductName: AWS Control Tower Account Factory\n  ProvisioningArtifactName: AWS Control Tower "
            "Account Factory\n  ProvisionedProductName: workload-prod"
        ),
        terraform=(
            'resource "aws_organizations_account" "prod" {\n  name      = "workload-prod"\n'
            '  email     = "prod-owner@example.com"\n  parent_id = aws_organizations_organizational_unit.prod.id\n}'
        ),
    ),
    modes=("live",),
    resource_types=(Account.KIND,),
    tested_with="moto server (tagged VPCs); accounts without environment tags via an Inventory",
    frameworks=Mapping_(nist_800_53=("SC-32",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    envs: dict[str, Counter[str]] = defaultdict(Counter)
    production: dict[str, set[str]] = defaultdict(set)
    for resource in ctx.inventory:
        env = None if isinstance(resource, Account) else ctx.environments.environment_of(resource)
        if env is None:
            continue
        if ctx.environments.is_production(resource):
            env = "production"  # prod, production and the like are one environment
            production[resource.account].add(env)
        envs[resource.account][env] += 1
    for account in ctx.inventory.of(Account):
        yield _judge(account, envs[account.account], production[account.account])


def _judge(account: Account, envs: Counter[str], production: set[str]) -> Outcome:
    listing = ", ".join(f"{env} ({count} resources)" for env, count in sorted(envs.items()))
    if not envs:
        return unknown(account, f"no resource of account {account.native_id} carries an environment tag")
    if production and set(envs) - production:
        return failed(
            account, f"account {account.native_id} holds production and non-production resources: {listing}"
        )
    if len(envs) > 1:
        return failed(
            account,
            f"account {account.native_id} holds several environments: {listing}",
            severity=Severity.LOW,
        )
    return passed(account, f"account {account.native_id} holds one environment: {listing}")
