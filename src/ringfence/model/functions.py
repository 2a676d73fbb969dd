"""Serverless and container workloads: Lambda functions and ECS task definitions.

Environment variables are kept redacted (see ringfence.secrets): a value whose name says it is a
secret, or in which a credential was found, never enters the model; `*_secrets` lists the findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ringfence.model.base import Resource, resource_kind
from ringfence.model.secrets import SecretFinding


@resource_kind
@dataclass(frozen=True, kw_only=True)
class LambdaFunction(Resource):
    KIND = "lambda.function"
    RESOURCE_TYPE = "AWS::Lambda::Function"

    function_name: str = ""
    runtime: str | None = None
    package_type: str | None = None  # Zip | Image
    role_arn: str | None = None
    kms_key_arn: str | None = None  # of the environment variables; None: the AWS-managed key
    vpc_id: str | None = None
    subnet_ids: tuple[str, ...] = ()
    environment: Mapping[str, str] = field(default_factory=dict)  # redacted values
    environment_secrets: tuple[SecretFinding, ...] = ()


@dataclass(frozen=True, slots=True)
class ContainerDefinition:
    name: str
    image: str | None = None
    environment: Mapping[str, str] = field(default_factory=dict)  # redacted values
    # Names of variables taken from Secrets Manager or Parameter Store (valueFrom): the right way.
    secret_names: tuple[str, ...] = ()


@resource_kind
@dataclass(frozen=True, kw_only=True)
class TaskDefinition(Resource):
    """The latest ACTIVE revision of a task definition family; `native_id` is the family and `arn` the
    family's task-definition ARN without a revision (stable from one revision to the next)."""

    KIND = "ecs.task_definition"
    RESOURCE_TYPE = "AWS::ECS::TaskDefinition"

    family: str = ""
    revision: int | None = None
    status: str | None = None
    task_role_arn: str | None = None  # ARN or role name, as registered
    execution_role_arn: str | None = None
    network_mode: str | None = None
    containers: tuple[ContainerDefinition, ...] = ()
    secrets: tuple[SecretFinding, ...] = ()  # in environment values, commands and entry points
