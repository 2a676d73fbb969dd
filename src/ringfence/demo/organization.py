"""The demo estate as an organisation: the management account and the insurtech's member accounts.

The management account (the local AWS's default account) holds the organisation, the landing zone's
foundations and the health insurer's and the SaaS's workloads as before; the insurtech's dev,
staging and prod environments each live in a member account of their own, beside a log-archive and
a security account (the delegated administrator of GuardDuty, Config rules and IAM Access Analyzer).
Every member account has the RingfenceReadOnly role with the shipped policy, as the shipped
StackSet would create it; `ringfence demo` scans the whole organisation with --org through it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ringfence.demo import baseline, health, insurtech, landing_zone, saas, storage
from ringfence.demo.kit import N_VIRGINIA, SYDNEY, DemoAws, PlantedFlaw, Workload
from ringfence.sources.aws.assume import DEFAULT_ROLE_NAME

BUILD_ROLE = "OrganizationAccountAccessRole"  # what AWS Organizations creates in a new account
# name -> (account name, OU)
MEMBERS: dict[str, tuple[str, str]] = {
    "dev": ("wattle-dev", "Workloads"),
    "staging": ("wattle-staging", "Workloads"),
    "prod": ("wattle-prod", "Workloads"),
    "logging": ("log-archive", "Security"),
    "security": ("security", "Security"),
}
# The security account administers these for the organisation (the local AWS accepts delegated
# administrators for a few services only; Security Hub and Inspector would be registered alike).
DELEGATED_SERVICES = (
    "guardduty.amazonaws.com",
    "config-multiaccountsetup.amazonaws.com",
    "access-analyzer.amazonaws.com",
)
ARCHIVE = Workload("log-archive", "prod", "audit-logging", "cloud-security@example.com")
SECURITY = Workload("security", "prod", "security-tooling", "cloud-security@example.com")


@dataclass(frozen=True, slots=True)
class DemoOrganization:
    organization_id: str
    management_account: str
    accounts: Mapping[str, str]  # member name (dev, staging, prod, logging, security) -> account id
    organizational_units: Mapping[str, str]  # OU name -> ou-... id
    home_region: str
    regions: tuple[str, ...]  # the home region first
    flaws: tuple[PlantedFlaw, ...]
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    role_name: str = DEFAULT_ROLE_NAME
    api_calls: int = 0
    build_seconds: float = 0.0

    @property
    def account_ids(self) -> tuple[str, ...]:
        return (self.management_account, *self.accounts.values())


def build_demo_organization(endpoint_url: str) -> DemoOrganization:
    """Build the organisation and every case study on the (empty) local AWS at `endpoint_url`."""
    started = time.perf_counter()
    mgmt = DemoAws(endpoint_url, home_region=SYDNEY)
    org = mgmt.client("organizations", N_VIRGINIA)
    organization = org.create_organization(FeatureSet="ALL")["Organization"]
    root = org.list_roots()["Roots"][0]["Id"]
    ous = {
        name: org.create_organizational_unit(ParentId=root, Name=name)["OrganizationalUnit"]["Id"]
        for name in sorted({ou for _, ou in MEMBERS.values()})
    }
    accounts: dict[str, str] = {}
    members: dict[str, DemoAws] = {}
    for key, (name, ou) in MEMBERS.items():
        created = org.create_account(AccountName=name, Email=f"aws+{name}@wattle.example")
        account = str(created["CreateAccountStatus"]["AccountId"])
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ous[ou])
        accounts[key] = account
        members[key] = _member(mgmt, endpoint_url, account)
        _scanner_role(members[key], mgmt.account_id)
    for service in DELEGATED_SERVICES:
        org.register_delegated_administrator(AccountId=accounts["security"], ServicePrincipal=service)

    landing_zone.build(mgmt)
    approved_egress = health.build(mgmt)
    saas.build(mgmt)
    insurtech.build_accounts(members["dev"], members["staging"], members["prod"])
    _log_archive(members["logging"])
    _security(members["security"])

    everyone = [mgmt, *members.values()]
    regions = set().union(*(aws.regions for aws in everyone))
    return DemoOrganization(
        organization_id=str(organization["Id"]),
        management_account=mgmt.account_id,
        accounts=accounts,
        organizational_units=ous,
        home_region=SYDNEY,
        regions=(SYDNEY, *sorted(regions - {SYDNEY})),
        flaws=tuple(flaw for aws in everyone for flaw in aws.flaws),
        params={
            "NET-07": {"approved_egress": list(approved_egress)},
            "GOV-02": {"allowed_regions": [SYDNEY]},
        },
        api_calls=sum(aws.calls for aws in everyone),
        build_seconds=round(time.perf_counter() - started, 2),
    )


def _member(mgmt: DemoAws, endpoint_url: str, account: str) -> DemoAws:
    """Clients in a member account, through the role Organizations created in it."""
    creds = mgmt.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{BUILD_ROLE}", RoleSessionName="demo-build"
    )["Credentials"]
    member = DemoAws(
        endpoint_url,
        home_region=mgmt.home_region,
        credentials=(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]),
    )
    if member.account_id != account:
        raise RuntimeError(f"assuming {BUILD_ROLE} in {account} acted in {member.account_id}")
    return member


def _scanner_role(aws: DemoAws, management: str) -> None:
    """RingfenceReadOnly with the shipped policy, as the shipped StackSet creates it."""
    from ringfence.sources.aws.permissions import load_shipped_policies

    iam = aws.client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{management}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(
        RoleName=DEFAULT_ROLE_NAME,
        AssumeRolePolicyDocument=json.dumps(trust),
        Description="ringfence read-only scanner (demo copy of the shipped StackSet)",
        Tags=[{"Key": "Owner", "Value": "cloud-security@example.com"}],
    )
    for name, document in load_shipped_policies().items():
        iam.put_role_policy(RoleName=DEFAULT_ROLE_NAME, PolicyName=name, PolicyDocument=json.dumps(document))


def _log_archive(aws: DemoAws) -> None:
    """A well-kept account: all four Block Public Access settings, EBS encryption by default, the
    organisation's log buckets encrypted with its own key."""
    baseline.account_public_access_block(
        aws,
        {
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    for region in (SYDNEY, N_VIRGINIA):
        baseline.ebs_encryption_by_default(aws, region, enabled=True)
    key = storage.kms_key(aws, ARCHIVE, "logs", "Organisation CloudTrail and flow log archive")
    storage.bucket(aws, ARCHIVE, "org-cloudtrail", storage.sse_kms(key.arn))


def _security(aws: DemoAws) -> None:
    """The security tooling account: GuardDuty on, and a break-glass user someone left without MFA."""
    aws.client("guardduty", SYDNEY).create_detector(Enable=True)
    user = baseline.iam_user(
        aws,
        "break-glass",
        {"Owner": "cloud-security@example.com", "Role": "emergency access"},
        console=True,
    )
    aws.plant("IAM-02", user.split(":", 5)[5], "the security account's break-glass user has no MFA device")
