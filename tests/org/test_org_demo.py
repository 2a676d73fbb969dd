"""`ringfence demo` as an organisation: one --org scan finds every planted flaw in every account,
and every API call it makes is allowed by the shipped policy and is a read (least privilege)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ringfence.checks.registry import all_checks
from ringfence.demo.organization import DemoOrganization, build_demo_organization
from ringfence.demo.run import demo_options
from ringfence.demo.server import LocalAws
from ringfence.model import Organization, ScanResult, Status
from ringfence.scanner import scan
from ringfence.sources.aws import permissions
from ringfence.sources.aws.registry import all_collectors
from ringfence.sources.aws.session import CallLog


@dataclass(frozen=True)
class Scanned:
    estate: DemoOrganization
    result: ScanResult
    log: CallLog


@pytest.fixture(scope="module")
def scanned(local_aws: LocalAws) -> Scanned:
    local_aws.reset()
    estate = build_demo_organization(local_aws.endpoint_url)
    log = CallLog()
    result = scan(demo_options(local_aws.endpoint_url, estate), call_log=log)
    return Scanned(estate, result, log)


def test_the_organisation_has_the_insurtech_accounts(scanned: Scanned) -> None:
    estate = scanned.estate
    assert set(estate.accounts) == {"dev", "staging", "prod", "logging", "security"}
    assert set(scanned.result.info.accounts) == set(estate.account_ids)
    assert scanned.result.info.accounts[0] == estate.management_account
    org = scanned.result.inventory.of(Organization)
    assert len(org) == 1
    assert org[0].management_account_id == estate.management_account
    assert org[0].delegated_admins_for("guardduty.amazonaws.com") == (estate.accounts["security"],)
    accounts_with_resources = {r.account for r in scanned.result.inventory}
    assert accounts_with_resources >= set(estate.account_ids)


def test_every_planted_flaw_with_a_check_fails_in_its_account(scanned: Scanned) -> None:
    checks = all_checks()
    checked = [f for f in scanned.estate.flaws if f.control_id in checks]
    assert len(checked) >= 30
    missed = [
        f"{f.control_id} on {f.resource_hint}: {f.description}"
        for f in checked
        if not any(
            x.control_id == f.control_id and x.status is Status.FAIL and f.resource_hint in x.resource_id
            for x in scanned.result.findings
        )
    ]
    assert not missed, "the org scan did not report:\n" + "\n".join(missed)
    members = {a for k, a in scanned.estate.accounts.items() if k in ("dev", "staging", "prod")}
    failing_accounts = {x.account for x in scanned.result.findings if x.status is Status.FAIL}
    assert members <= failing_accounts
    for finding in scanned.result.findings:
        assert finding.account, finding


def test_every_call_is_allowed_by_the_shipped_policy(scanned: Scanned) -> None:
    """Read from the registry at test time: stays true as collectors are added."""
    member = permissions.shipped_actions()
    management = permissions.shipped_actions(management=True)
    management_account = scanned.estate.management_account
    missing: dict[str, set[str]] = {}
    for (account, service, operation), _ in scanned.log.by_account.items():
        action = permissions.action_for(service, operation)
        if action is None:
            continue
        allowed = management if account == management_account else member
        if action not in allowed:
            missing.setdefault(action, set()).add(f"{service}.{operation} in {account or '?'}")
    assert not missing, f"calls not allowed by the shipped policy: {missing}"
    assert scanned.log.total > 500


def test_the_only_non_read_calls_are_the_allowed_ones(scanned: Scanned) -> None:
    non_read = {
        permissions.action_for(service, operation)
        for (service, operation) in scanned.log.calls
        if permissions.action_for(service, operation) is not None
        and not permissions.is_read(str(permissions.action_for(service, operation)))
    }
    assert non_read <= {"iam:GenerateCredentialReport", "sts:AssumeRole"}, non_read
    assert "iam:GenerateCredentialReport" in non_read
    # drift detection is a non-read made only when asked for (--detect-drift), and this scan did not ask
    assert ("cloudformation", "DetectStackDrift") not in scanned.log.calls
    assumed_by = {acct for (acct, svc, op) in scanned.log.by_account if (svc, op) == ("sts", "AssumeRole")}
    assert assumed_by == {scanned.estate.management_account}


def test_unexercised_actions_are_listed_with_their_reason(scanned: Scanned) -> None:
    """Actions of the policy the demo never called: each is explained (printed with -s)."""
    called = {permissions.action_for(s, o) for (s, o) in scanned.log.calls} - {None}
    declared = permissions.collector_actions()
    produced = {type(r) for r in scanned.result.inventory}
    explained = permissions.action_map()["unexercised"]
    lines = []
    for action in sorted(permissions.member_actions()):
        if action in called:
            continue
        reason = explained.get(action)
        if reason is None:
            owners = sorted(declared.get(action, ()))
            empty = [name for name in owners if not set(all_collectors()[name].produces) & produced]
            reason = (
                f"the demo estate has nothing {', '.join(empty)} reads"
                if empty
                else f"a conditional call of {', '.join(owners)} that the demo's resources do not need"
            )
        lines.append(f"{action}: {reason}")
    print("\nactions the demo scan does not exercise:\n" + "\n".join(lines))
    stale = [a for a in explained if a != "_comment" and a in called]
    assert not stale, f"explained as unexercised but called: {stale}"
    assert len(called & set(permissions.member_actions())) > len(lines)
