"""The SARIF 2.1.0 report, in the subset GitHub code scanning reads.

One rule per control that has something to show; one result per FAIL (level by severity: critical
and high are errors, medium warnings, low and info notes), per UNKNOWN (a note saying what could
not be decided, kind "review") and per SUPPRESSED finding (with an external suppression). PASS and
NOT_APPLICABLE findings are not results: code scanning would show them as alerts.

A finding from a file points at it: the path as the scan named it (forward slashes, relative
paths stay relative to where the scan ran, which is what code scanning expects of a checkout),
its line when there is one (a Terraform plan has none), and the resource as a logical location.
Coverage gaps (a file that could not be read) are tool execution notifications, so an incomplete
run is visible without inventing a source location for it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ringfence import __version__
from ringfence.model.findings import Finding, Severity, Status
from ringfence.model.scan import ScanResult
from ringfence.report.summary import ordered, ordered_gaps

if TYPE_CHECKING:
    from ringfence.checks.registry import CheckMeta

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/ringfence/ringfence"
LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub's security-severity scale: critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
SHOWN = (Status.FAIL, Status.UNKNOWN, Status.SUPPRESSED)


def render_sarif(result: ScanResult, checks: Mapping[str, CheckMeta] | None = None) -> str:
    # Compact: a machine format, and json's C encoder only runs without indentation (10x faster).
    return json.dumps(sarif_document(result, checks), ensure_ascii=False, separators=(",", ":")) + "\n"


def sarif_document(result: ScanResult, checks: Mapping[str, CheckMeta] | None = None) -> dict[str, Any]:
    findings = [f for f in ordered(result.findings) if f.status in SHOWN]
    rule_ids = sorted({f.control_id for f in findings})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    first = {f.control_id: f for f in reversed(findings)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ringfence",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(rule_id, first[rule_id], checks) for rule_id in rule_ids],
                    }
                },
                "automationDetails": {"id": f"ringfence/{result.info.source}/"},
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "startTimeUtc": result.info.started,
                        "endTimeUtc": result.info.finished,
                        "toolExecutionNotifications": [
                            {
                                "level": "warning",
                                "message": {"text": f"{gap.operation}: {gap.message}"},
                                "descriptor": {"id": gap.error_code},
                            }
                            for gap in ordered_gaps(result.info.coverage_gaps)
                        ],
                    }
                ],
                "results": [_result(f, index[f.control_id]) for f in findings],
            }
        ],
    }


def _rule(rule_id: str, example: Finding, checks: Mapping[str, CheckMeta] | None) -> dict[str, Any]:
    meta = checks.get(rule_id) if checks else None
    title = meta.title if meta else example.title or rule_id
    severity = meta.severity if meta else example.severity
    rule: dict[str, Any] = {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.split("-")),
        "shortDescription": {"text": title},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {"security-severity": SECURITY_SEVERITY[severity], "tags": ["security", "aws"]},
    }
    if meta:
        rule["fullDescription"] = {"text": meta.rationale}
        remedy = meta.remediation
        parts = [remedy.text or ""]
        parts += [f"CloudFormation:\n{remedy.cloudformation}" if remedy.cloudformation else ""]
        parts += [f"Terraform:\n{remedy.terraform}" if remedy.terraform else ""]
        parts += [f"AWS CLI:\n{remedy.cli}" if remedy.cli else ""]
        rule["help"] = {
            "text": "\n\n".join(p for p in parts if p),
            "markdown": "\n\n".join(_markdown(p) for p in parts if p),
        }
    return rule


def _markdown(part: str) -> str:
    head, sep, body = part.partition(":\n")
    if sep and head in ("CloudFormation", "Terraform", "AWS CLI"):
        lang = {"CloudFormation": "yaml", "Terraform": "hcl", "AWS CLI": "shell"}[head]
        return f"**{head}**\n```{lang}\n{body}\n```"
    return part


def _result(f: Finding, rule_index: int) -> dict[str, Any]:
    unknown = f.status is Status.UNKNOWN
    result: dict[str, Any] = {
        "ruleId": f.control_id,
        "ruleIndex": rule_index,
        "kind": "review" if unknown else "fail",
        "level": "note" if unknown else LEVELS[f.severity],
        "message": {"text": f"UNKNOWN: {f.message}" if unknown else f.message},
        "locations": [_location(f)],
        "partialFingerprints": {"ringfence/v1": f.fingerprint},
        "properties": {
            "status": f.status.value,
            "severity": f.severity.value,
            "resourceId": f.resource_id,
            "resourceType": f.resource_type,
        },
    }
    if f.status is Status.SUPPRESSED:
        result["suppressions"] = [{"kind": "external"}]
    return result


def _location(f: Finding) -> dict[str, Any]:
    logical: dict[str, Any] = {"name": f.resource_id, "kind": "resource", "fullyQualifiedName": f.resource_id}
    if f.location is not None and f.location.path:
        logical["fullyQualifiedName"] = f.location.path
    location: dict[str, Any] = {"logicalLocations": [logical]}
    if f.location is not None:
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(f.location.file)}}
        if f.location.line:
            physical["region"] = {"startLine": f.location.line}
        location["physicalLocation"] = physical
    return location


@functools.lru_cache(maxsize=4096)
def _uri(path: str) -> str:
    text = path.replace("\\", "/")
    while text.startswith("./"):
        text = text[2:]
    if text.startswith("/"):
        return "file://" + "/".join(_quote(p) for p in text.split("/"))
    return "/".join(_quote(p) for p in text.split("/"))


def _quote(part: str) -> str:
    return quote(part, safe="@:+-._~")
