"""AWS Organizations: which accounts an `--org` scan covers, and the organisation's own facts.

Read from the management account (or a delegated administrator of Organizations): the organisation,
its ACTIVE accounts (suspended and closing ones cannot be assumed into and are skipped, and said so),
the accounts under chosen OUs, and the delegated administrators of each service.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ringfence.model.findings import CoverageGap
from ringfence.model.organization import OrgAccount, Organization
from ringfence.sources.aws.errors import ScanAborted, error_code, error_message, gap_kind
from ringfence.sources.aws.session import ClientFactory

log = logging.getLogger(__name__)

NOT_IN_USE = "AWSOrganizationsNotInUseException"
SERVICE = "organizations"
# What the scanner itself calls (the collectors declare theirs): the shipped policy includes these.
IAM_ACTIONS = (
    "organizations:DescribeOrganization",
    "organizations:ListAccounts",
    "organizations:ListAccountsForParent",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListDelegatedAdministrators",
    "organizations:ListDelegatedServicesForAccount",
)


@dataclass
class OrgPlan:
    organization: Organization
    accounts: list[OrgAccount]  # to scan, management account first
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (account, why not scanned)
    gaps: list[CoverageGap] = field(default_factory=list)


def describe_organization(factory: ClientFactory, region: str) -> dict[str, Any] | None:
    """The organisation the credentials' account belongs to; None when it belongs to none."""
    try:
        return dict(factory.client(SERVICE, region).describe_organization()["Organization"])
    except ClientError as exc:
        if error_code(exc) == NOT_IN_USE:
            return None
        raise


def plan_organization(
    factory: ClientFactory,
    region: str,
    *,
    partition: str,
    include: Sequence[str] | None = None,
    exclude: Iterable[str] = (),
    ous: Sequence[str] = (),
) -> OrgPlan:
    """The accounts to scan. Raises ScanAborted when the organisation cannot be listed at all."""
    client = factory.client(SERVICE, region)
    try:
        org = describe_organization(factory, region)
    except (ClientError, BotoCoreError) as exc:
        raise ScanAborted(
            f"cannot read the organisation ({error_code(exc)}: {error_message(exc)}); --org needs "
            "organizations:DescribeOrganization and ListAccounts (run from the management account "
            "or a delegated administrator)"
        ) from exc
    if org is None:
        raise ScanAborted(f"account {factory.account} is not in an AWS organisation; scan it without --org")
    try:
        listed = [
            _account(a) for page in client.get_paginator("list_accounts").paginate() for a in page["Accounts"]
        ]
    except (ClientError, BotoCoreError) as exc:
        raise ScanAborted(
            f"cannot list the organisation's accounts ({error_code(exc)}: {error_message(exc)})"
        ) from exc
    gaps: list[CoverageGap] = []
    management = str(org.get("MasterAccountId") or "")
    skipped: list[tuple[str, str]] = []
    by_id = {a.id: a for a in listed}
    chosen = list(listed)
    if ous:
        under = _accounts_under(client, ous)
        chosen = [a for a in chosen if a.id in under]
    if include:
        unknown = [a for a in include if a not in by_id]
        if unknown:
            raise ScanAborted(f"not accounts of the organisation: {', '.join(unknown)}")
        wanted = set(include)
        chosen = [a for a in chosen if a.id in wanted]
    excluded = set(exclude)
    for account in list(chosen):
        if account.id in excluded:
            chosen.remove(account)
            skipped.append((account.id, "excluded (--exclude-accounts)"))
        elif account.status != "ACTIVE":
            chosen.remove(account)
            skipped.append((account.id, f"status {account.status}: cannot be assumed into"))
    chosen.sort(key=lambda a: (a.id != factory.account, a.id != management, a.id))
    admins, admin_error = _delegated_admins(client)
    unresolved: dict[str, str] = {}
    if admin_error is not None:
        code, message = admin_error
        unresolved["delegated_administrators"] = (
            f"{gap_kind(code)}: organizations:ListDelegatedAdministrators ({code})"
        )
        gaps.append(CoverageGap(factory.account, "", SERVICE, "ListDelegatedAdministrators", code, message))
    organization = Organization(
        arn=str(
            org.get("Arn") or f"arn:{partition}:organizations::{management}:organization/{org.get('Id')}"
        ),
        native_id=str(org.get("Id") or ""),
        account=management or factory.account,
        region="",
        management_account_id=management,
        feature_set=str(org.get("FeatureSet") or ""),
        accounts=tuple(sorted(listed, key=lambda a: a.id)),
        delegated_administrators=admins,
        unresolved=unresolved,
    )
    return OrgPlan(organization=organization, accounts=chosen, skipped=skipped, gaps=gaps)


def _account(item: dict[str, Any]) -> OrgAccount:
    status = str(item.get("State") or item.get("Status") or "ACTIVE")
    return OrgAccount(
        id=str(item["Id"]),
        name=str(item.get("Name") or ""),
        email=str(item.get("Email") or ""),
        status=status,
    )


def _accounts_under(client: Any, roots: Sequence[str]) -> set[str]:
    """Every account in the subtrees of the given roots/OUs (ids r-... or ou-...)."""
    found: set[str] = set()
    pending = list(roots)
    seen: set[str] = set()
    while pending:
        parent = pending.pop()
        if parent in seen:
            continue
        seen.add(parent)
        try:
            for page in client.get_paginator("list_accounts_for_parent").paginate(ParentId=parent):
                found.update(str(a["Id"]) for a in page["Accounts"])
            for page in client.get_paginator("list_organizational_units_for_parent").paginate(
                ParentId=parent
            ):
                pending.extend(str(ou["Id"]) for ou in page["OrganizationalUnits"])
        except ClientError as exc:
            raise ScanAborted(
                f"cannot list the OU {parent} ({error_code(exc)}: {error_message(exc)})"
            ) from exc
    return found


def _delegated_admins(client: Any) -> tuple[dict[str, tuple[str, ...]], tuple[str, str] | None]:
    """service principal -> delegated administrator accounts, or the error that stopped the read."""
    by_service: dict[str, set[str]] = {}
    try:
        admins = [
            str(a["Id"])
            for page in client.get_paginator("list_delegated_administrators").paginate()
            for a in page["DelegatedAdministrators"]
        ]
        for account in admins:
            pages = client.get_paginator("list_delegated_services_for_account").paginate(AccountId=account)
            for page in pages:
                for svc in page["DelegatedServices"]:
                    by_service.setdefault(str(svc["ServicePrincipal"]), set()).add(account)
    except (ClientError, BotoCoreError) as exc:
        return {}, (error_code(exc), error_message(exc))
    return {svc: tuple(sorted(accts)) for svc, accts in sorted(by_service.items())}, None
