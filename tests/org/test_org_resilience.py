"""--org over a small organisation: every account in one scan, and what happens when AWS misbehaves:
throttling, a role that cannot be assumed, a region that hangs, an interrupted scan resumed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from org_support import (
    ROLE,
    HangingProxy,
    build_small_org,
    client_hooks,
    error_response,
    org_options,
    throttling,
)

from ringfence.model import Organization, Severity, Status
from ringfence.scanner import OrgOptions, scan
from ringfence.sources.aws.assume import RoleSpec
from ringfence.sources.aws.progress import ScanProgress
from ringfence.sources.aws.session import CallLog, ClientFactory
from ringfence.store import ScanStore

from support import ACCOUNT, REGION, Aws

OTHER_REGION = "eu-west-2"


def failing_volumes(result: Any) -> set[str]:
    return {
        f.resource_id.rsplit("/", 1)[-1]
        for f in result.findings
        if f.control_id == "ENC-02" and f.status is Status.FAIL
    }


def test_one_scan_covers_every_account_with_account_on_each_finding(aws: Aws) -> None:
    org = build_small_org(aws.endpoint_url)
    progress = ScanProgress()
    result = scan(org_options(aws.endpoint_url, regions=[REGION, OTHER_REGION]), progress=progress)
    assert set(result.info.accounts) == set(org.accounts)
    assert result.info.accounts[0] == org.management  # the credentials' own account first
    assert failing_volumes(result) == set(org.volumes.values())
    for finding in result.findings:
        assert finding.account in org.accounts
        assert finding.region in (REGION, OTHER_REGION)
        assert finding.resource_id.startswith(f"arn:aws:ec2:{finding.region}:{finding.account}:")
    assert result.info.complete, result.info.coverage_gaps
    assert result.exit_code(Severity.CRITICAL) == 0
    orgs = result.inventory.of(Organization)
    assert len(orgs) == 1
    assert orgs[0].management_account_id == org.management
    assert set(orgs[0].account_ids()) == set(org.accounts)
    assert orgs[0].delegated_admins_for("guardduty.amazonaws.com") == ()
    snap = progress.snapshot()
    assert (snap["accounts_done"], snap["accounts_total"]) == (3, 3)
    assert (snap["regions_done"], snap["regions_total"]) == (6, 6)
    assert snap["calls"] > 0


def test_account_selection_and_exclusion(aws: Aws) -> None:
    org = build_small_org(aws.endpoint_url)
    only = scan(
        org_options(aws.endpoint_url, org=OrgOptions(role=RoleSpec(name=ROLE), accounts=[org.members[0]]))
    )
    assert only.info.accounts == (org.members[0],)
    progress = ScanProgress()
    rest = scan(
        org_options(
            aws.endpoint_url, org=OrgOptions(role=RoleSpec(name=ROLE), exclude_accounts=[org.members[0]])
        ),
        progress=progress,
    )
    assert set(rest.info.accounts) == {org.management, org.members[1]}
    assert any(org.members[0] in note and "excluded" in note for note in progress.notes)


def test_throttling_is_retried_with_backoff_and_loses_nothing(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = build_small_org(aws.endpoint_url)
    log = CallLog()
    with client_hooks(monkeypatch, throttling(share=3)):
        result = scan(org_options(aws.endpoint_url, max_attempts=8, retry_base_delay=0.01), call_log=log)
    assert log.throttles > 10, "a third of the requests were throttled"
    assert log.retries >= log.throttles
    assert result.info.complete, [g.describe() for g in result.info.coverage_gaps]
    assert failing_volumes(result) == set(org.volumes.values())


def test_a_role_that_cannot_be_assumed_is_a_gap_and_the_rest_completes(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = build_small_org(aws.endpoint_url)
    refused = org.members[0]

    def hook(client: Any, service: str, region: str) -> None:
        if service != "sts":
            return

        def deny(params: Any, **_: Any) -> Any:
            if refused in str(params):
                return (
                    AWSResponse("", 403, {}, None),
                    {"Error": {"Code": "AccessDenied", "Message": "not trusted"}},
                )
            return None

        client.meta.events.register("before-call.sts.AssumeRole", deny)

    with client_hooks(monkeypatch, hook):
        result = scan(org_options(aws.endpoint_url))
    gaps = [g for g in result.info.coverage_gaps if g.account == refused]
    assert [(g.service, g.operation, g.error_code) for g in gaps] == [("sts", "AssumeRole", "AccessDenied")]
    assert f"role/{ROLE}" in gaps[0].message
    assert failing_volumes(result) == {org.volumes[org.management], org.volumes[org.members[1]]}
    assert refused in result.info.accounts  # reported, with nothing read
    assert result.exit_code(Severity.CRITICAL) == 3  # incomplete, nothing failing the threshold
    assert result.exit_code(Severity.HIGH) == 1


def test_a_hanging_region_times_out_once_and_the_rest_completes(aws: Aws) -> None:
    org = build_small_org(aws.endpoint_url)
    with HangingProxy(aws.endpoint_url, OTHER_REGION, hang_seconds=8.0) as proxy:
        started = time.monotonic()
        result = scan(
            org_options(proxy.url, regions=[REGION, OTHER_REGION], read_timeout=4.0, max_per_account=4)
        )
        elapsed = time.monotonic() - started
    assert failing_volumes(result) == set(org.volumes.values())
    hung = {g.account for g in result.info.coverage_gaps if g.region == OTHER_REGION}
    assert hung == set(org.accounts)
    assert all(g.region == OTHER_REGION for g in result.info.coverage_gaps), result.info.coverage_gaps
    codes = {g.error_code for g in result.info.coverage_gaps}
    assert codes <= {"ReadTimeout", "RegionUnreachable"}, codes
    # each account waits out one read timeout per concurrent call, not one per collector
    assert proxy.hung <= 3 * 4 * 2
    assert elapsed < 45, f"the hanging region cost {elapsed:.1f} s"


def test_opt_in_regions_not_enabled_are_skipped_and_said_so(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_small_org(aws.endpoint_url, members=1)

    def hook(client: Any, service: str, region: str) -> None:
        if service != "ec2":
            return

        def regions(**_: Any) -> Any:
            listed = [
                {"RegionName": REGION, "OptInStatus": "opt-in-not-required"},
                {"RegionName": OTHER_REGION, "OptInStatus": "opt-in-not-required"},
                {"RegionName": "ap-east-1", "OptInStatus": "not-opted-in"},
            ]
            return (AWSResponse("", 200, {}, None), {"Regions": listed})

        client.meta.events.register("before-call.ec2.DescribeRegions", regions)

    progress = ScanProgress()
    with client_hooks(monkeypatch, hook):
        result = scan(org_options(aws.endpoint_url, regions=None), progress=progress)
    assert set(result.info.regions) == {REGION, OTHER_REGION}
    notes = [n for n in progress.notes if "ap-east-1" in n]
    assert len(notes) == 2
    assert all("not enabled" in n for n in notes)
    assert result.info.complete


def test_skipped_services_are_said_and_make_absence_unknown(aws: Aws) -> None:
    build_small_org(aws.endpoint_url, members=1)
    progress = ScanProgress()
    result = scan(org_options(aws.endpoint_url), progress=progress)
    assert any("skipped by request" in note and "s3.buckets" in note for note in progress.notes)
    assert not result.inventory.listing_complete(_bucket_kind(), result.info.accounts[0], "")


def _bucket_kind() -> Any:
    from ringfence.model import Bucket

    return Bucket


def test_not_implemented_costs_one_call(aws: Aws) -> None:
    """moto answers an operation it lacks with a bare HTTP 500: final at once, not retried for seconds."""
    log = CallLog()
    factory = ClientFactory(aws.session, aws.options(max_attempts=5), log, account=ACCOUNT)
    logs = factory.client("logs", REGION)
    for attempt in range(2):  # the first also loads the emulator's backend
        started = time.monotonic()
        with pytest.raises(ClientError) as raised:
            logs.describe_account_policies(policyType="DATA_PROTECTION_POLICY")
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert (log.total, log.retries) == (attempt + 1, 0)
    assert time.monotonic() - started < 0.5


def test_interrupted_scan_keeps_finished_accounts_and_resumes(aws: Aws, tmp_path: Path) -> None:
    org = build_small_org(aws.endpoint_url)
    store = ScanStore(f"sqlite:///{tmp_path / 'history.db'}")
    stored: list[str] = []

    class Interrupting:
        def begin_scan(self, scan_id: str, started: str, source: str) -> None:
            store.begin_scan(scan_id, started, source)

        def account_done(self, scan_id: str, account: str, collected: Any) -> None:
            store.account_done(scan_id, account, collected)
            stored.append(account)
            raise KeyboardInterrupt  # Ctrl-C right after the first account was stored

    with pytest.raises(KeyboardInterrupt):
        scan(org_options(aws.endpoint_url, max_workers=1, max_per_account=1), checkpoint=Interrupting())
    assert len(stored) == 1
    assert store.list_scans() == []  # an interrupted scan is not in the history
    running = store.running_scans()
    assert len(running) == 1

    state = store.resume_state(running[0][:8])
    assert set(state.done) == set(stored)
    log = CallLog()
    result = scan(org_options(aws.endpoint_url), call_log=log, checkpoint=store, resume=state)
    assert log.calls[("sts", "AssumeRole")] == len(org.accounts) - 1 - (
        1 if stored[0] != org.management else 0
    )
    assert result.info.id == running[0]
    assert set(result.info.accounts) == set(org.accounts)
    assert failing_volumes(result) == set(org.volumes.values())  # evaluated over the whole inventory
    store.finish(result)
    assert [s.id for s in store.list_scans()] == [result.info.id]
    assert store.running_scans() == []
    reloaded = store.load(result.info.id)
    assert {f.fingerprint for f in reloaded.findings} == {f.fingerprint for f in result.findings}
    store.close()


def test_management_credentials_scan_the_management_account_itself(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = build_small_org(aws.endpoint_url)
    log = CallLog()
    scan(org_options(aws.endpoint_url), call_log=log)
    assert log.calls[("sts", "AssumeRole")] == len(org.members)
    assert error_response  # the helper is shared with the other tests
