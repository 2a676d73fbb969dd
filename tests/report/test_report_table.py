import io

from report_sample import HOSTILE_NAME, MARKUP_NAME, sample_result
from rich.console import Console

from ringfence.model import Finding, ScanInfo, ScanResult, Severity, Status
from ringfence.report import print_summary, render


def test_table_lists_the_failing_findings() -> None:
    text = render(sample_result(), "table")
    for needle in ("CERT-01", "ENC-01", "ENC-02", "vol-0a1", "vol-0b2", "critical", "api.example.com"):
        assert needle in text
    assert "Failing findings: 5" in text
    assert "Could not decide (UNKNOWN): 1" in text
    assert "INCOMPLETE" in text
    assert "GenerateCredentialReport" in text
    assert "\x1b[" not in text  # plain text for files and pipes


def test_untrusted_markup_is_shown_not_applied() -> None:
    text = render(sample_result(), "table")
    assert MARKUP_NAME in text
    assert "[red]really[/red]" in text
    assert HOSTILE_NAME in text


def test_control_characters_cannot_drive_the_terminal() -> None:
    finding = Finding.make(
        control_id="ENC-02",
        status=Status.FAIL,
        severity=Severity.HIGH,
        resource_id="vol-\x1b[2J1",
        resource_type="AWS::EC2::Volume",
        account="1",
        region="r",
        message="bad \x1b]0;title\x07 volume",
    )
    result = ScanResult(info=ScanInfo(id="x", started="", finished="", source="live"), findings=(finding,))
    buffer = io.StringIO()
    print_summary(result, Console(file=buffer, force_terminal=True, width=120))
    text = render(result, "table")
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "vol-\\x1b[2J1" in text


def test_print_summary_is_short_and_names_the_worst_controls() -> None:
    console = Console(record=True, width=120, file=io.StringIO())
    print_summary(sample_result(), console, top=2)
    text = console.export_text()
    assert "Findings by severity and status" in text
    assert "Top failing controls" in text
    assert "CERT-01" in text
    assert "ENC-02" in text
    assert "ENC-01" not in text.split("Top failing controls")[1].split("Scan incomplete")[0]
    assert "Scan incomplete: 2 coverage gaps" in text
    assert "kms:ListKeys: AccessDenied" in text


def test_print_summary_of_a_clean_scan() -> None:
    result = ScanResult(info=ScanInfo(id="x", started="", finished="", source="live"), findings=())
    console = Console(record=True, width=100, file=io.StringIO())
    print_summary(result, console)
    text = console.export_text()
    assert "complete" in text
    assert "Top failing controls" not in text
