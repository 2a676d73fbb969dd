import dataclasses
import random
from pathlib import Path

import pytest
from report_sample import sample_checks, sample_result

from ringfence.model import ScanResult
from ringfence.report import FORMATS, render, write_report


def test_formats() -> None:
    assert FORMATS == ("table", "json", "csv", "html", "sarif", "junit")


def test_unknown_format_names_the_formats() -> None:
    with pytest.raises(
        ValueError, match=r"unknown report format 'pdf'; expected one of table, json, csv, html"
    ):
        render(sample_result(), "pdf")


def _shuffled(result: ScanResult, seed: int) -> ScanResult:
    rng = random.Random(seed)
    findings = list(result.findings)
    rng.shuffle(findings)
    gaps = list(result.info.coverage_gaps)
    rng.shuffle(gaps)
    info = dataclasses.replace(result.info, coverage_gaps=tuple(gaps))
    return ScanResult(info=info, findings=tuple(findings), inventory=result.inventory)


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_is_deterministic_whatever_the_input_order(fmt: str) -> None:
    result = sample_result()
    first = render(result, fmt, checks=sample_checks())
    assert render(result, fmt, checks=sample_checks()) == first
    for seed in range(3):
        assert render(_shuffled(result, seed), fmt, checks=sample_checks()) == first


@pytest.mark.parametrize("fmt", FORMATS)
def test_write_report_writes_exactly_what_render_returns(fmt: str, tmp_path: Path) -> None:
    result = sample_result()
    path = write_report(result, fmt, tmp_path / f"report.{fmt}", checks=sample_checks())
    assert path.read_bytes() == render(result, fmt, checks=sample_checks()).encode("utf-8")


def test_write_report_rejects_an_unknown_format_before_writing(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    with pytest.raises(ValueError, match="expected one of"):
        write_report(sample_result(), "pdf", target)
    assert not target.exists()
