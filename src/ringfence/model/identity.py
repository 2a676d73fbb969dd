"""IAM principals and credentials."""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind


@dataclass(frozen=True, slots=True)
class AccessKey:
    key_id: str
    status: str  # Active | Inactive
    created: str | None = None  # ISO-8601
    last_used: str | None = None


@resource_kind
@dataclass(frozen=True, kw_only=True)
class IamUser(Resource):
    KIND = "iam.user"
    RESOURCE_TYPE = "AWS::IAM::User"

    user_name: str = ""
    has_console_password: bool | None = None
    mfa_device_count: int | None = None
    access_keys: tuple[AccessKey, ...] = ()
    password_last_used: str | None = None
