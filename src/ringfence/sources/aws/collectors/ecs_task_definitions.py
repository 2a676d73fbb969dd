"""ECS task definitions: the latest ACTIVE revision of each family, with its roles and containers.

Environment values, commands and entry points are scanned for credentials and kept redacted;
variables taken from Secrets Manager or Parameter Store (`secrets`, valueFrom) are only named.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ringfence.model.functions import ContainerDefinition, TaskDefinition
from ringfence.model.secrets import SecretFinding
from ringfence.secrets import scan_pairs, scan_text
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.registry import collector


@collector(
    "ecs.task_definitions",
    service="ecs",
    iam_actions=("ecs:ListTaskDefinitionFamilies", "ecs:DescribeTaskDefinition"),
    produces=(TaskDefinition,),
)
def collect_task_definitions(ctx: CollectContext) -> Iterator[TaskDefinition]:
    for family in ctx.iter_pages("list_task_definition_families", "families", status="ACTIVE"):
        found = _latest(ctx, str(family))
        if found is not None:
            yield found


def _latest(ctx: CollectContext, family: str) -> TaskDefinition | None:
    # A family name alone describes its latest ACTIVE revision.
    reply = ctx.call(
        "describe_task_definition", absent=("ClientException",), taskDefinition=family, include=["TAGS"]
    )
    if reply.absent:
        return None  # deregistered since it was listed
    arn_prefix = ctx.arn("ecs", f"task-definition/{family}")
    if reply.error:
        return TaskDefinition(
            arn=arn_prefix,
            native_id=family,
            account=ctx.account,
            region=ctx.region,
            family=family,
            unresolved={"containers": reply.error, "task_role_arn": reply.error},
        )
    task = reply.data.get("taskDefinition") or {}
    containers: list[ContainerDefinition] = []
    secrets: list[SecretFinding] = []
    for container in task.get("containerDefinitions", []):
        definition, found = _container(container)
        containers.append(definition)
        secrets.extend(found)
    return TaskDefinition(
        arn=arn_prefix,
        native_id=family,
        account=ctx.account,
        region=ctx.region,
        tags={str(t["key"]): str(t.get("value", "")) for t in reply.data.get("tags", []) if t.get("key")},
        family=family,
        revision=task.get("revision"),
        status=task.get("status"),
        task_role_arn=task.get("taskRoleArn"),
        execution_role_arn=task.get("executionRoleArn"),
        network_mode=task.get("networkMode"),
        containers=tuple(containers),
        secrets=tuple(dict.fromkeys(secrets)),
    )


def _container(container: Mapping[str, Any]) -> tuple[ContainerDefinition, list[SecretFinding]]:
    name = str(container.get("name", ""))
    pairs = [(str(e.get("name", "")), str(e.get("value", ""))) for e in container.get("environment", [])]
    environment, found = scan_pairs(pairs, f"container {name}, environment variable")
    secrets = list(found)
    for field in ("command", "entryPoint"):
        words = container.get(field) or []
        if words:
            secrets.extend(scan_text(" ".join(str(w) for w in words), f"container {name}, {field}").findings)
    definition = ContainerDefinition(
        name=name,
        image=container.get("image"),
        environment=environment,
        secret_names=tuple(str(s.get("name")) for s in container.get("secrets", []) if s.get("name")),
    )
    return definition, secrets
