"""Credentials for a member account: the named role assumed from the management account's
credentials, refreshed before they expire (a scan of 150 accounts can outlast a session)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from botocore.credentials import DeferredRefreshableCredentials

from ringfence.sources.aws.session import ClientFactory

DEFAULT_ROLE_NAME = "RingfenceReadOnly"
SESSION_NAME = "ringfence-scan"
SESSION_SECONDS = 3600


@dataclass(frozen=True, slots=True)
class RoleSpec:
    """Which role to assume in each member account."""

    name: str = DEFAULT_ROLE_NAME
    external_id: str | None = None
    session_name: str = SESSION_NAME
    duration_seconds: int = SESSION_SECONDS
    path: str = "/"  # the role's IAM path, e.g. /security/

    def arn(self, account: str, partition: str) -> str:
        path = self.path if self.path.endswith("/") else self.path + "/"
        return f"arn:{partition}:iam::{account}:role{path}{self.name}"


def assumed_credentials(
    base: ClientFactory, role_arn: str, spec: RoleSpec, home_region: str
) -> DeferredRefreshableCredentials:
    """Refreshable credentials for `role_arn`; AssumeRole runs on first use and again before expiry
    (botocore refreshes 15 minutes ahead, mandatory at 10), with the management account's client."""

    def fetch() -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "RoleArn": role_arn,
            "RoleSessionName": spec.session_name,
            "DurationSeconds": spec.duration_seconds,
        }
        if spec.external_id:
            kwargs["ExternalId"] = spec.external_id
        creds = base.client("sts", home_region).assume_role(**kwargs)["Credentials"]
        expiry = creds["Expiration"]
        if isinstance(expiry, dt.datetime):
            expiry = expiry.astimezone(dt.UTC).isoformat()
        return {
            "access_key": creds["AccessKeyId"],
            "secret_key": creds["SecretAccessKey"],
            "token": creds["SessionToken"],
            "expiry_time": str(expiry),
        }

    return DeferredRefreshableCredentials(refresh_using=fetch, method="assume-role")


def account_factory(
    base: ClientFactory, account: str, spec: RoleSpec, partition: str, home_region: str
) -> ClientFactory:
    """A factory whose calls act in `account` through the assumed role; the management account
    (the credentials' own account) uses its own credentials."""
    if account == base.account:
        return base
    creds = assumed_credentials(base, spec.arn(account, partition), spec, home_region)
    return ClientFactory(
        base.session,
        base.options,
        base.call_log,
        pool=base.pool,
        credentials=creds,
        account=account,
    )
