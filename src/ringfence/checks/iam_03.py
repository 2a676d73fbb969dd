"""IAM-03: no credentials are hard-coded in instances, functions or templates.

One finding per EC2 instance (its user data), launch template (the user data of its default and latest
versions), Lambda function (its environment variables), ECS task definition (the latest ACTIVE
revision of each family: environment values, commands, entry points) and CloudFormation stack (its
parameter values; NoEcho ones are masked by AWS and hold nothing). What counts as a credential is
ringfence.secrets' (AWS access key ids and secret keys, private keys, known token formats, passwords
in URLs, high-entropy values assigned to secret-sounding names).

Secret hygiene: the collectors scanned the text and kept only a redacted form; a finding names the
kind of credential, where it sits (variable, line) and a preview of its first few characters, never
the value, in every report format and in the stored inventory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Instance, LaunchTemplate, Remediation, Resource, Severity
from ringfence.model.functions import LambdaFunction, TaskDefinition
from ringfence.model.secrets import SecretFinding
from ringfence.model.stacks import Stack

META = CheckMeta(
    id="IAM-03",
    title="No credentials are hard-coded in instances, functions or templates",
    severity=Severity.HIGH,
    rationale=(
        "User data, environment variables and stack parameters are readable by anyone with describe "
        "permissions and copied into images, logs and templates; a credential there has leaked already."
    ),
    remediation=Remediation(
        text=(
            "Rotate the credential first (it must be treated as leaked), then give the workload a role "
            "(instance profile, Lambda execution role, ECS task role) instead of keys, and read other "
            "secrets at run time from Secrets Manager or Parameter Store (ECS `secrets`, CloudFormation "
            "dynamic references, NoEcho parameters)."
        ),
        cli=(
            "aws iam update-access-key --user-name USER --access-key-id KEY_ID --status Inactive\n"
            "aws secretsmanager create-secret --name app/db-password --secret-string file://password.txt\n"
            "aws lambda update-function-configuration --function-name FN --environment "
            "'Variables={DB_PASSWORD_SECRET=app/db-password}'"
        ),
        cloudformation=(
            "Type: AWS::ECS::TaskDefinition\nProperties:\n  ContainerDefinitions:\n    - Name: app\n"
            "      Secrets:\n        - Name: DB_PASSWORD\n          ValueFrom: !Ref DbPasswordSecret"
        ),
        terraform=(
            'resource "aws_ecs_task_definition" "app" {\n  container_definitions = jsonencode([{\n'
            '    name    = "app"\n    secrets = [{ name = "DB_PASSWORD", valueFrom = aws_secretsmanager_secret.db.arn }]\n'
            "  }])\n}"
        ),
    ),
    modes=("live",),
    resource_types=(Instance.KIND, LaunchTemplate.KIND, LambdaFunction.KIND, TaskDefinition.KIND, Stack.KIND),
    tested_with="moto server; unreadable user data and variables via an Inventory",
    frameworks=Mapping_(fsbp=("ECS.8",), nist_800_53=("IA-5(7)",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    for instance in inv.of(Instance):
        yield _judge(
            instance,
            f"instance {instance.display_name}",
            "user data",
            instance.user_data_secrets,
            "user_data",
        )
    for template in inv.of(LaunchTemplate):
        found = tuple(s for v in template.versions for s in v.user_data_secrets)
        label = f"launch template {template.template_name or template.native_id}"
        yield _judge(template, label, "user data of its default and latest versions", found, "versions")
    for fn in inv.of(LambdaFunction):
        yield _judge(fn, f"function {fn.function_name}", "environment", fn.environment_secrets, "environment")
    for task in inv.of(TaskDefinition):
        label = f"task definition {task.family}:{task.revision or '?'}"
        yield _judge(task, label, "containers", task.secrets, "containers")
    for stack in inv.of(Stack):
        yield _judge(stack, f"stack {stack.stack_name}", "parameters", stack.parameter_secrets, "parameters")


def _judge(resource: Resource, label: str, where: str, found: Sequence[SecretFinding], field: str) -> Outcome:
    if found:
        listed = "; ".join(f.describe() for f in found[:10])
        more = f"; and {len(found) - 10} more" if len(found) > 10 else ""
        return failed(resource, f"{label} holds hard-coded credentials: {listed}{more}")
    reason = resource.unknown(field)
    if reason:
        return unknown(resource, f"the {where} of {label} could not be read: {reason}")
    return passed(resource, f"no credential found in the {where} of {label}")
