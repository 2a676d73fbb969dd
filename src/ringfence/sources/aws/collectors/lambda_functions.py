"""Lambda functions: execution role and environment variables (redacted, with the credentials found).

ListFunctions returns each function's environment. Where the variables are encrypted with a
customer-managed key the caller may not decrypt, Lambda answers Environment.Error instead of the
values: the variables are then unknown, not empty.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.model.functions import LambdaFunction
from ringfence.secrets import scan_pairs
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.registry import collector


@collector(
    "lambda.functions",
    service="lambda",
    iam_actions=("lambda:ListFunctions", "lambda:ListTags"),
    produces=(LambdaFunction,),
)
def collect_functions(ctx: CollectContext) -> Iterator[LambdaFunction]:
    for fn in ctx.iter_pages("list_functions", "Functions"):
        yield _function(ctx, fn)


def _function(ctx: CollectContext, fn: Mapping[str, Any]) -> LambdaFunction:
    name = str(fn["FunctionName"])
    arn = str(fn.get("FunctionArn") or ctx.arn("lambda", f"function:{name}"))
    unresolved: dict[str, str] = {}
    env = fn.get("Environment") or {}
    error = env.get("Error") or {}
    if error:
        unresolved["environment"] = (
            f"Lambda could not return the variables: {error.get('ErrorCode', 'error')}: "
            f"{str(error.get('Message', ''))[:200]}"
        )
    variables = {str(k): str(v) for k, v in (env.get("Variables") or {}).items()}
    redacted, found = scan_pairs(sorted(variables.items()), "environment variable")
    tags = ctx.call("list_tags", Resource=arn)
    if tags.error:
        unresolved["tags"] = tags.error
    vpc = fn.get("VpcConfig") or {}
    return LambdaFunction(
        arn=arn,
        native_id=name,
        account=ctx.account,
        region=ctx.region,
        tags={str(k): str(v) for k, v in (tags.data.get("Tags") or {}).items()},
        function_name=name,
        runtime=fn.get("Runtime"),
        package_type=fn.get("PackageType"),
        role_arn=fn.get("Role"),
        kms_key_arn=fn.get("KMSKeyArn"),
        vpc_id=vpc.get("VpcId") or None,
        subnet_ids=tuple(vpc.get("SubnetIds") or ()),
        environment=redacted,
        environment_secrets=found,
        unresolved=unresolved,
    )
