"""Nested stacks that are local files: parameters passed down, outputs read up, rules joined across
stacks, and the ones that cannot be read reported per file."""

import pytest
from iac_support import FIXTURES, finding, ids

from ringfence.model import Status
from ringfence.sources.iac.scan import IacScan, scan_iac

NESTED = FIXTURES / "nested"


@pytest.fixture(scope="module")
def scan() -> IacScan:
    return scan_iac([str(NESTED)])


def test_child_resources_are_prefixed_and_located_in_the_child(scan: IacScan) -> None:
    group = finding(scan.result, "NET-01", "Network/AppGroup")
    assert group.status is Status.FAIL  # AdminCidr passed down from the parent's default
    assert group.location is not None
    assert group.location.file == str(NESTED / "stacks" / "network.yaml")
    assert group.location.line == 11
    assert group.location.path == "Network"


def test_a_rule_in_one_child_joins_the_group_of_another_through_outputs(scan: IacScan) -> None:
    udp = finding(scan.result, "NET-03", "Network/AppGroup")
    assert udp.status is Status.FAIL
    assert "[DbIngress]" in udp.message
    assert "Data/DbIngress" not in ids(scan.result, "NET-03")


def test_children_are_not_judged_again_on_their_own(scan: IacScan) -> None:
    assert ids(scan.result, "NET-01") == {"Network/AppGroup"}
    assert {n.file for n in scan.load.notes if n.code == "Nested"} == {
        str(NESTED / "stacks" / "data.json"),
        str(NESTED / "stacks" / "network.yaml"),
    }


def test_a_remote_template_leaves_the_scan_incomplete(scan: IacScan) -> None:
    gaps = scan.result.info.coverage_gaps
    assert [g.operation for g in gaps] == [str(NESTED / "parent.yaml")]
    assert "not a local file" in gaps[0].message
    assert scan.result.exit_code(threshold=__import__("ringfence").Severity.CRITICAL) == 1  # NET-01 critical


def test_circular_nesting_is_reported_and_the_rest_judged() -> None:
    scan = scan_iac([str(FIXTURES / "circular")])
    assert [g.error_code for g in scan.result.info.coverage_gaps] == ["NestedStack"]
    assert "circular nested stacks" in scan.result.info.coverage_gaps[0].message
    assert finding(scan.result, "ENC-07", "Bucket").status is Status.FAIL
