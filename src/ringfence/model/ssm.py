"""AWS Systems Manager: the nodes SSM manages (DescribeInstanceInformation)."""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind


@resource_kind
@dataclass(frozen=True, kw_only=True)
class ManagedInstance(Resource):
    """A node registered with SSM. For an EC2 instance `native_id` is its instance id (i-...), the
    way the instance itself is known; hybrid nodes have mi-... ids. `arn` is
    arn:PARTITION:ssm:REGION:ACCOUNT:managed-instance/ID, so it never collides with the instance's."""

    KIND = "ssm.managed_instance"
    RESOURCE_TYPE = "AWS::SSM::ManagedInstance"

    ping_status: str | None = None  # Online | ConnectionLost | Inactive
    resource_type: str | None = None  # EC2Instance | ManagedInstance
    agent_version: str | None = None
    platform_type: str | None = None  # Linux | Windows | MacOS
    last_ping: str | None = None  # ISO-8601
