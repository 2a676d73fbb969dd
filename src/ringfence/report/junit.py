"""The JUnit XML report, for CI systems that show test results (GitLab, Jenkins, Azure Pipelines).

One test suite per control, one test case per finding (its name the resource id, its file and line
the resource's location where there is one): FAIL is a <failure>, UNKNOWN an <error> (the check
could not decide: "could not run" in JUnit's terms), NOT_APPLICABLE and SUPPRESSED are <skipped>,
PASS is a plain test case. Coverage gaps (a file that could not be read) are errors in a suite of
their own, so an incomplete run cannot look green. The report says what happened; whether the
pipeline fails is the exit code's business (--fail-on).

Every text comes from the scanned files or estate: ElementTree escapes markup, and characters XML
cannot carry at all (control characters) are replaced first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable

from ringfence.model.findings import Finding, Status
from ringfence.model.scan import ScanResult
from ringfence.report.summary import control_key, ordered, ordered_gaps

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def render_junit(result: ScanResult) -> str:
    suites = ET.Element("testsuites", name="ringfence")
    by_control: dict[str, list[Finding]] = defaultdict(list)
    for finding in ordered(result.findings):
        by_control[finding.control_id].append(finding)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for control_id in sorted(by_control, key=control_key):
        findings = by_control[control_id]
        suite = _suite(suites, f"{control_id} {findings[0].title}".strip(), findings)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    gaps = ordered_gaps(result.info.coverage_gaps)
    if gaps:
        suite = ET.SubElement(
            suites, "testsuite", name="ringfence: inputs not judged", tests=str(len(gaps)), failures="0",
            errors=str(len(gaps)), skipped="0",
        )  # fmt: skip
        for gap in gaps:
            case = ET.SubElement(suite, "testcase", name=_clean(gap.operation), classname="ringfence.inputs")
            error = ET.SubElement(case, "error", message=_clean(gap.message), type=_clean(gap.error_code))
            error.text = _clean(gap.describe())
        totals["tests"] += len(gaps)
        totals["errors"] += len(gaps)
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _suite(parent: ET.Element, name: str, findings: Iterable[Finding]) -> ET.Element:
    suite = ET.SubElement(parent, "testsuite", name=_clean(name))
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for f in findings:
        counts["tests"] += 1
        case = ET.SubElement(suite, "testcase", name=_clean(f.resource_id), classname=_clean(f.control_id))
        if f.location is not None:
            case.set("file", _clean(f.location.file))
            if f.location.line:
                case.set("line", str(f.location.line))
        message = _clean(f"[{f.severity.value}] {f.message}")
        if f.status is Status.FAIL:
            counts["failures"] += 1
            failure = ET.SubElement(case, "failure", message=message, type=f.severity.value)
            failure.text = _clean(_details(f))
        elif f.status is Status.UNKNOWN:
            counts["errors"] += 1
            error = ET.SubElement(case, "error", message=message, type="UNKNOWN")
            error.text = _clean(_details(f))
        elif f.status in (Status.NOT_APPLICABLE, Status.SUPPRESSED):
            counts["skipped"] += 1
            ET.SubElement(case, "skipped", message=_clean(f"{f.status.value}: {f.message}"))
    for key, value in counts.items():
        suite.set(key, str(value))
    return suite


def _details(f: Finding) -> str:
    where = ""
    if f.location is not None:
        where = f.location.file + (f":{f.location.line}" if f.location.line else "")
        where += f" ({f.location.path})" if f.location.path else ""
    lines = [f.message, f"resource: {f.resource_id} ({f.resource_type})"]
    if where:
        lines.append(f"location: {where}")
    if f.remediation:
        lines.append(f"remediation: {f.remediation}")
    return "\n".join(lines)
