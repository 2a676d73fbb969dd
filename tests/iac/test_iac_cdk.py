"""CDK cloud assemblies: stacks from manifest.json, nested assemblies (stages), nested stacks through
their asset path, environments filling pseudo parameters, construct paths in locations."""

import pytest
from iac_support import FIXTURES, finding, ids, status

from ringfence.model import ScanResult, Status
from ringfence.sources.iac.scan import scan_iac

ASSEMBLY = FIXTURES / "cdk.out"


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return scan_iac([str(ASSEMBLY)]).result


def test_findings_carry_file_line_and_construct_path(result: ScanResult) -> None:
    web = finding(result, "NET-01", "WebSg7A1B2C3D")
    assert web.status is Status.FAIL
    assert web.location is not None
    assert web.location.file == str(ASSEMBLY / "AppStack.template.json")
    assert web.location.line == 19
    assert web.location.path == "AppStack/Web/Resource"  # from the template's aws:cdk:path
    data = finding(result, "ENC-07", "Data3A2D8C11")
    assert data.location is not None
    assert data.location.path == "AppStack/Data/Resource"


def test_nested_stack_from_its_asset_path(result: ScanResult) -> None:
    database = finding(result, "ENC-06", "DbNestedStackDbNestedStackResource1E2F3A4B/Database0F6C6BE5")
    assert database.status is Status.PASS
    assert database.location is not None
    assert database.location.file.endswith("AppStackDbB7A1C2D3.nested.template.json")
    assert database.location.path == "AppStack/Db/Database/Resource"


def test_stage_assembly_and_its_environment(result: ScanResult) -> None:
    key = finding(result, "ENC-08", "KeyABCD1234")
    assert key.status is Status.FAIL
    assert key.account == "111122223333"
    assert key.region == "eu-west-1"
    assert status(result, "S3-02", "Data3A2D8C11") is Status.PASS


def test_assets_and_metadata_are_not_scanned(result: ScanResult) -> None:
    assert "NotATemplateToScan" not in ids(result, "ENC-07")
    assert not any(f.resource_id.startswith("CDKMetadata") for f in result.findings)
