"""Amazon Inspector: the account's scanning status in the region (BatchGetAccountStatus), and whether
the region holds ECR repositories (ecr:DescribeRepositories, one page), one record per region."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.model.detection import InspectorStatus
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.listing import region_record_arn
from ringfence.sources.aws.registry import collector


@collector(
    "inspector2.status",
    service="inspector2",
    iam_actions=("inspector2:BatchGetAccountStatus", "ecr:DescribeRepositories"),
    produces=(InspectorStatus,),
)
def collect_status(ctx: CollectContext) -> Iterator[InspectorStatus]:
    unresolved: dict[str, str] = {}
    found: Mapping[str, Any] = {}
    reply = ctx.call("batch_get_account_status", accountIds=[ctx.account])
    if reply.error:
        unresolved["status"] = reply.error
    else:
        found = next((a for a in reply.data.get("accounts", []) if a.get("accountId") == ctx.account), {})
        failed = next(
            (a for a in reply.data.get("failedAccounts", []) if a.get("accountId") == ctx.account), None
        )
        if failed:
            unresolved["status"] = (
                f"Inspector could not report the account: {failed.get('errorCode')}: "
                f"{str(failed.get('errorMessage', ''))[:200]}"
            )
    resources = found.get("resourceState") or {}
    repositories = ctx.call("describe_repositories", service="ecr", maxResults=1)
    if repositories.error:
        unresolved["ecr_repositories"] = repositories.error
    yield InspectorStatus(
        arn=region_record_arn(ctx, "inspector2"),
        native_id=f"{ctx.account}/{ctx.region}",
        account=ctx.account,
        region="",
        listed_region=ctx.region,
        account_status=(found.get("state") or {}).get("status"),
        ec2_status=(resources.get("ec2") or {}).get("status"),
        ecr_status=(resources.get("ecr") or {}).get("status"),
        lambda_status=(resources.get("lambda") or {}).get("status"),
        ecr_repositories=None if repositories.error else len(repositories.data.get("repositories", [])),
        unresolved=unresolved,
    )
