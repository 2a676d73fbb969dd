"""Meta-tests that keep the conventions: every check and collector is complete and tested."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from ringfence.catalogue import load_catalogue
from ringfence.checks.registry import all_checks
from ringfence.model import kinds
from ringfence.sources.aws.registry import all_collectors

ROOT = Path(__file__).resolve().parents[1]
CHECKS = all_checks()
IAM_ACTION = re.compile(r"^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$")


def test_packaged_catalogue_matches_the_shared_spec() -> None:
    shared = ROOT.parent / "shared" / "controls.yaml"
    if not shared.exists():
        pytest.skip("no ../shared beside this checkout")
    packaged = ROOT / "src" / "ringfence" / "data" / "controls.yaml"
    assert packaged.read_text() == shared.read_text(), "copy ../shared/controls.yaml into src/ringfence/data/"


@pytest.mark.parametrize("control_id", sorted(CHECKS))
def test_check_metadata_is_complete(control_id: str) -> None:
    check = CHECKS[control_id]
    meta = check.meta
    control = load_catalogue()[control_id]
    assert meta.title, control_id
    assert meta.rationale, control_id
    assert meta.remediation.text or meta.remediation.cli, f"{control_id} has no remediation"
    assert set(meta.modes) <= set(control.where), f"{control_id} claims modes the catalogue does not list"
    assert set(meta.resource_types) <= set(kinds()), f"{control_id} reads unknown resource kinds"
    module = inspect.getmodule(check.run)
    assert module is not None
    assert module.__name__.rsplit(".", 1)[-1] == control_id.lower().replace("-", "_")


@pytest.mark.parametrize("control_id", sorted(CHECKS))
def test_check_has_a_passing_and_a_failing_test(control_id: str) -> None:
    test_file = ROOT / "tests" / "checks" / f"test_{control_id.lower().replace('-', '_')}.py"
    assert test_file.exists(), f"{control_id} has no tests at {test_file}"
    text = test_file.read_text()
    assert "Status.PASS" in text, f"{test_file} must test a PASS"
    assert "Status.FAIL" in text, f"{test_file} must test a FAIL"


@pytest.mark.parametrize("name", sorted(all_collectors()))
def test_collector_declares_its_iam_actions(name: str) -> None:
    collector = all_collectors()[name]
    assert collector.iam_actions, f"collector {name} declares no IAM actions"
    for action in collector.iam_actions:
        assert IAM_ACTION.match(action), f"{name}: {action!r} is not an IAM action name"
    assert collector.produces, f"collector {name} declares nothing it produces"


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", readme, re.S)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands[:2] == ["bash scripts/demo", "bash scripts/test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "exec bash scripts/test" in ci
