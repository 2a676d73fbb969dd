import csv
import io

import pytest
from report_sample import FORMULA_NAME, HOSTILE_NAME, sample_result

from ringfence.report import render
from ringfence.report.csv_report import COLUMNS, guard_cell


def _rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(render(sample_result(), "csv"), newline="")))


@pytest.mark.parametrize(
    ("cell", "guarded"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("\uff1dHYPERLINK()", "'\uff1dHYPERLINK()"),
        ("arn:aws:s3:::bucket", "arn:aws:s3:::bucket"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_formula_guard(cell: str, guarded: str) -> None:
    assert guard_cell(cell) == guarded


def test_one_row_per_finding_with_the_documented_columns() -> None:
    text = render(sample_result(), "csv")
    rows = _rows()
    assert tuple(next(csv.reader(io.StringIO(text)))) == COLUMNS
    assert len(rows) == len(sample_result().findings)
    assert text.endswith("\r\n")


def test_untrusted_cells_cannot_become_formulas() -> None:
    rows = _rows()
    formula = next(r for r in rows if r["resource_id"].endswith("vol-0b2"))
    assert formula["resource_name"] == "'" + FORMULA_NAME
    assert formula["message"] == "'-volume is not encrypted"
    assert formula["remediation"] == "'@SUM(1+1)"
    # nothing that reaches a spreadsheet starts like a formula
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_text_is_kept_verbatim_otherwise() -> None:
    rows = _rows()
    hostile = next(r for r in rows if r["resource_id"].endswith("vol-0a1"))
    assert hostile["resource_name"] == HOSTILE_NAME
    assert hostile["message"] == 'volume is not encrypted <img src=x onerror="alert(2)">'
    iac = next(r for r in rows if r["resource_id"] == "vol-template-data")
    assert (iac["location_file"], iac["location_line"], iac["location_path"]) == (
        "stacks/data.yaml",
        "42",
        "DataStack/Volume",
    )


def test_rows_follow_the_report_order() -> None:
    rows = _rows()
    assert rows[0]["control_id"] == "CERT-01"
    assert rows[-1]["control_id"] == "ENC-07"
