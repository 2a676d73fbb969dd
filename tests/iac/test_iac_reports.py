"""SARIF 2.1.0 and JUnit XML reports of an IaC scan."""

import json
import xml.etree.ElementTree as ET

import pytest
from iac_support import FIXTURES

from ringfence.checks.registry import all_checks
from ringfence.model import ScanResult
from ringfence.report import FORMATS, render
from ringfence.sources.iac.scan import scan_iac


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return scan_iac([str(FIXTURES / "nested"), str(FIXTURES / "terraform")]).result


def test_formats_are_registered() -> None:
    assert {"sarif", "junit"} <= set(FORMATS)


def test_sarif_results_point_at_file_line_and_resource(result: ScanResult) -> None:
    metas = {cid: c.meta for cid, c in all_checks().items()}
    document = json.loads(render(result, "sarif", checks=metas))
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["NET-01"]["properties"]["security-severity"] == "9.5"
    assert "CloudFormation" in rules["NET-01"]["help"]["markdown"]
    results = run["results"]
    nested = next(
        r for r in results if r["properties"]["resourceId"] == "Network/AppGroup" and r["ruleId"] == "NET-01"
    )
    physical = nested["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"].endswith("tests/iac/fixtures/nested/stacks/network.yaml")
    assert physical["region"] == {"startLine": 11}
    assert nested["level"] == "error"
    assert nested["kind"] == "fail"
    assert run["tool"]["driver"]["rules"][nested["ruleIndex"]]["id"] == "NET-01"
    plan = next(r for r in results if r["properties"]["resourceId"] == "aws_ebs_volume.data")
    assert "region" not in plan["locations"][0]["physicalLocation"]  # a plan has no lines
    assert plan["locations"][0]["logicalLocations"][0]["name"] == "aws_ebs_volume.data"
    unknown = next(r for r in results if r["properties"]["status"] == "UNKNOWN")
    assert unknown["level"] == "note"
    assert unknown["message"]["text"].startswith("UNKNOWN: ")
    assert all(r["properties"]["status"] in ("FAIL", "UNKNOWN") for r in results)
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("not a local file" in n["message"]["text"] for n in notes)
    fingerprints = [r["partialFingerprints"]["ringfence/v1"] for r in results]
    assert len(fingerprints) == len(set(fingerprints))


def test_junit_counts_and_cases(result: ScanResult) -> None:
    root = ET.fromstring(render(result, "junit"))
    assert root.tag == "testsuites"
    failures = sum(1 for f in result.findings if f.status.value == "FAIL")
    assert int(root.get("failures", "0")) == failures
    gaps = len(result.info.coverage_gaps)
    unknown = sum(1 for f in result.findings if f.status.value == "UNKNOWN")
    assert int(root.get("errors", "0")) == unknown + gaps
    case = root.find(".//testcase[@name='Network/AppGroup'][@classname='NET-01']")
    assert case is not None
    assert case.get("line") == "11"
    assert case.find("failure") is not None
    assert root.find(".//testsuite[@name='ringfence: inputs not judged']") is not None


def test_junit_survives_control_characters_from_the_files(result: ScanResult) -> None:
    from dataclasses import replace

    finding = replace(result.findings[0], message="bad \x00\x07 text <tag> & more")
    root = ET.fromstring(render(replace(result, findings=(finding,)), "junit"))
    assert root is not None
