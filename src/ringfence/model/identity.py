"""IAM principals and credentials."""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind


@dataclass(frozen=True, slots=True)
class AccessKey:
    # None when only the credential report was readable: it names keys by slot (1, 2), not by id.
    key_id: str | None
    status: str  # Active | Inactive
    created: str | None = None  # ISO-8601
    last_used: str | None = None  # ISO-8601; None: never used (or used before April 2015)
    slot: int | None = None  # the credential report's access_key_1 / access_key_2

    @property
    def active(self) -> bool:
        return self.status == "Active"


@resource_kind
@dataclass(frozen=True, kw_only=True)
class IamUser(Resource):
    """An IAM user; `region` is "" (IAM is global), `native_id` the user name.

    `source` says where the credential facts come from: "credential_report" (as of
    `report_generated`, which AWS may cache for up to four hours) or "api" (GetLoginProfile,
    ListMFADevices, ListAccessKeys at scan time)."""

    KIND = "iam.user"
    RESOURCE_TYPE = "AWS::IAM::User"

    user_name: str = ""
    user_id: str | None = None
    path: str = "/"
    created: str | None = None
    has_console_password: bool | None = None
    mfa_active: bool | None = None
    mfa_device_count: int | None = None  # only from the API; the report says active or not
    access_keys: tuple[AccessKey, ...] = ()
    password_last_used: str | None = None
    source: str = "api"
    report_generated: str | None = None

    @property
    def has_mfa(self) -> bool | None:
        if self.mfa_active is not None:
            return self.mfa_active
        if self.mfa_device_count is not None:
            return self.mfa_device_count > 0
        return None


@dataclass(frozen=True, slots=True)
class RolePolicy:
    """One permissions policy of a role: inline, or managed (customer or AWS) at its default version."""

    name: str
    kind: str  # "inline" | "managed"
    arn: str | None = None  # managed policies
    aws_managed: bool = False  # arn:PARTITION:iam::aws:policy/...
    version_id: str | None = None  # the default version read
    document: str | None = None  # the policy document as JSON text
    error: str | None = None  # why the document could not be read


@resource_kind
@dataclass(frozen=True, kw_only=True)
class IamRole(Resource):
    """A role a workload can run as: one that EC2, Lambda or ECS tasks may assume, or that sits in an
    instance profile (other roles are not collected). `region` is "", `native_id` the role name.
    `unresolved["policies"]` when its policies could not be listed."""

    KIND = "iam.role"
    RESOURCE_TYPE = "AWS::IAM::Role"

    role_name: str = ""
    role_id: str | None = None
    path: str = "/"
    trust_policy: str | None = None  # JSON text
    trusted_services: tuple[str, ...] = ()  # service principals the trust policy allows
    instance_profile_arns: tuple[str, ...] = ()
    policies: tuple[RolePolicy, ...] = ()
    permissions_boundary_arn: str | None = None
