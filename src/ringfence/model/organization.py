"""AWS Organizations: the organisation a scan covered, its accounts and its delegated administrators.

Organisation-level services count where they are: an organisation trail lives in the management
account, GuardDuty/Config/Inspector findings of every member may be administered from a delegated
administrator account. Checks read these facts from the one `Organization` resource of a scan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ringfence.model.base import Resource, resource_kind


@dataclass(frozen=True, slots=True)
class OrgAccount:
    """A member account as AWS Organizations lists it."""

    id: str
    name: str = ""
    email: str = ""
    status: str = "ACTIVE"  # ACTIVE | SUSPENDED | PENDING_CLOSURE
    parents: tuple[str, ...] = ()  # ids of the root/OUs above it, nearest first (when read)


@resource_kind
@dataclass(frozen=True, kw_only=True)
class Organization(Resource):
    """One organisation; `arn` is its ARN, `native_id` its id (o-...), `account` the management
    account, region "". Facts that could not be read are named in `unresolved`."""

    KIND = "organization"
    RESOURCE_TYPE = "AWS::Organizations::Organization"

    management_account_id: str = ""
    feature_set: str = ""  # ALL | CONSOLIDATED_BILLING
    accounts: tuple[OrgAccount, ...] = ()
    # service principal (guardduty.amazonaws.com, config.amazonaws.com, inspector2.amazonaws.com,
    # securityhub.amazonaws.com, ...) -> the accounts registered as its delegated administrators
    delegated_administrators: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def delegated_admins_for(self, service_principal: str) -> tuple[str, ...] | None:
        """The delegated administrators of a service; None when they could not be read."""
        if self.unknown("delegated_administrators"):
            return None
        return tuple(self.delegated_administrators.get(service_principal, ()))

    def account_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.accounts)

    def is_management(self, account_id: str) -> bool:
        return account_id == self.management_account_id
