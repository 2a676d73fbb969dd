import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from report_sample import DEV, EU, PROD, US, sample_checks, sample_result

from ringfence.model import Finding, Inventory, ScanInfo, ScanResult, Severity, Status, fingerprint
from ringfence.report import render


def _schema() -> dict[str, Any]:
    text = resources.files("ringfence.data").joinpath("report.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _validate(document: Any) -> None:
    jsonschema.Draft202012Validator(_schema()).validate(document)


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = _schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("with_checks", [False, True])
def test_rendered_reports_validate_against_the_schema(with_checks: bool) -> None:
    checks = sample_checks() if with_checks else None
    _validate(json.loads(render(sample_result(), "json", checks=checks)))


def test_an_empty_scan_validates() -> None:
    empty = ScanResult(info=ScanInfo(id="x", started="", finished="", source="iac"), findings=())
    document = json.loads(render(empty, "json"))
    _validate(document)
    assert document["findings"] == []
    assert document["controls"] == []
    assert document["scan"]["complete"] is True
    assert document["summary"]["total"] == 0


def test_the_schema_rejects_what_the_contract_forbids() -> None:
    document = json.loads(render(sample_result(), "json"))
    bad = json.loads(json.dumps(document))
    bad["findings"][0]["status"] = "MAYBE"
    with pytest.raises(jsonschema.ValidationError):
        _validate(bad)
    bad = json.loads(json.dumps(document))
    bad["findings"][0]["surprise"] = 1
    with pytest.raises(jsonschema.ValidationError):
        _validate(bad)
    bad = json.loads(json.dumps(document))
    del bad["scan"]["coverage_gaps"]
    with pytest.raises(jsonschema.ValidationError):
        _validate(bad)


def test_scan_block_and_summary_counts() -> None:
    document = json.loads(render(sample_result(), "json"))
    scan = document["scan"]
    assert document["schema_version"] == 1
    assert scan["accounts"] == [PROD, DEV]
    assert scan["regions"] == [EU, US]
    assert scan["complete"] is False
    # gaps in a stable order: account, region, service, operation
    assert [(g["account"], g["service"], g["operation"]) for g in scan["coverage_gaps"]] == [
        (PROD, "iam", "GenerateCredentialReport"),
        (DEV, "kms", "ListKeys"),
    ]
    summary = document["summary"]
    assert summary["total"] == 11
    assert summary["by_status"] == {"FAIL": 5, "UNKNOWN": 1, "SUPPRESSED": 1, "PASS": 2, "NOT_APPLICABLE": 2}
    assert summary["failing_by_severity"] == {"critical": 1, "high": 4, "medium": 0, "low": 0, "info": 0}
    assert summary["unknown_by_severity"]["high"] == 1
    by_account = {a["account"]: a for a in summary["by_account"]}
    assert by_account[PROD]["by_status"]["FAIL"] == 4
    assert by_account[DEV]["by_status"]["PASS"] == 2


def test_findings_are_ordered_by_severity_then_control_then_resource() -> None:
    findings = json.loads(render(sample_result(), "json"))["findings"]
    ranks = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
    keys = [(ranks[f["severity"]], f["control_id"], f["resource_id"]) for f in findings]
    assert keys == sorted(keys)
    assert findings[0]["control_id"] == "CERT-01"
    assert findings[-1]["control_id"] == "ENC-07"


def test_finding_fields() -> None:
    findings = json.loads(render(sample_result(), "json"))["findings"]
    region_finding = next(f for f in findings if f["resource_id"] == f"{PROD}/{EU}")
    assert region_finding["resource_type"] == "AWS::::Region"
    assert region_finding["fingerprint"] == fingerprint("ENC-01", PROD, EU, f"{PROD}/{EU}")
    assert region_finding["location"] is None
    iac = next(f for f in findings if f["resource_id"] == "vol-template-data")
    assert iac["location"] == {"file": "stacks/data.yaml", "line": 42, "path": "DataStack/Volume"}
    named = next(f for f in findings if f["resource_id"].endswith("vol-0d4"))
    assert named["resource_name"] == "app-data"


def test_controls_carry_metadata_only_when_given() -> None:
    plain = {c["control_id"]: c for c in json.loads(render(sample_result(), "json"))["controls"]}
    assert list(plain) == ["CERT-01", "ENC-01", "ENC-02", "ENC-07"]
    assert plain["ENC-02"]["rationale"] is None
    assert plain["ENC-02"]["remediation"] is None
    assert plain["ENC-02"]["by_status"]["FAIL"] == 3
    rich = {
        c["control_id"]: c
        for c in json.loads(render(sample_result(), "json", checks=sample_checks()))["controls"]
    }
    assert rich["ENC-02"]["remediation"]["terraform"].startswith('resource "aws_ebs_volume"')
    assert rich["ENC-01"]["frameworks"]["cis"] == ["2.2.1"]
    assert rich["ENC-07"]["rationale"] is None  # no metadata supplied for it


def test_docs_describe_every_field_of_the_schema() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "report-json.md").read_text(encoding="utf-8")
    schema = _schema()
    names: set[str] = set(schema["properties"])
    for definition in schema["$defs"].values():
        names |= set(definition.get("properties", {}))
    missing = sorted(n for n in names if not re.search(rf"`{re.escape(n)}`", docs))
    assert not missing, f"docs/report-json.md does not mention {missing}"


def test_non_ascii_and_control_text_round_trips() -> None:
    finding = Finding.make(
        control_id="ENC-02",
        status=Status.FAIL,
        severity=Severity.HIGH,
        resource_id="vol-1",
        resource_type="AWS::EC2::Volume",
        account=PROD,
        region=EU,
        message='Zürich "quoted" \x1b[2J\n',
    )
    result = ScanResult(
        info=ScanInfo(id="x", started="", finished="", source="live"),
        findings=(finding,),
        inventory=Inventory(),
    )
    document = json.loads(render(result, "json"))
    assert document["findings"][0]["message"] == finding.message
