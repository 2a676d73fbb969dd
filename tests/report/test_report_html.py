import html
import re
from html.parser import HTMLParser

from markupsafe import escape
from report_sample import FORMULA_NAME, HOSTILE_MESSAGE, HOSTILE_NAME, sample_checks, sample_result

from ringfence.model import Finding, ScanInfo, ScanResult, Severity, Status
from ringfence.report import render
from ringfence.report.html_report import csp_hash, environment


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <style> and <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.raw: dict[str, list[str]] = {"style": [], "script": []}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in self.raw else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.raw[self._in].append(data)


def _parse(text: str) -> _Tags:
    parser = _Tags()
    parser.feed(text)
    return parser


def test_autoescape_is_on_for_every_template() -> None:
    env = environment()
    assert env.autoescape is True  # not a per-extension choice: every template, every include
    assert {"report.html.j2", "macros.html.j2"} <= set(env.list_templates())


def test_hostile_name_tag_and_message_render_as_text() -> None:
    page = render(sample_result(), "html", checks=sample_checks())
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert str(escape(HOSTILE_MESSAGE)) in page
    assert "<img" not in page
    assert 'onerror="' not in page
    # exactly one script element: ours, inline
    scripts = [attrs for tag, attrs in _parse(page).tags if tag == "script"]
    assert scripts == [{}]
    # metadata is escaped too: the sample rationale holds a <b>
    assert "&lt;b&gt;renew&lt;/b&gt;" in page


def test_no_external_urls() -> None:
    page = render(sample_result(), "html", checks=sample_checks())
    # the only URL is inside the hostile, escaped resource name
    without_data = page.replace(str(escape(FORMULA_NAME)), "")
    assert not re.search(r"https?://", without_data, re.IGNORECASE)
    assert not re.search(r"//[a-z0-9.-]+\.[a-z]{2,}", without_data, re.IGNORECASE)
    for tag, attrs in _parse(page).tags:
        for name in ("src", "href", "action", "xlink:href", "srcset"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
    assert "@import" not in page
    assert "url(" not in page


def test_content_security_policy_pins_the_inline_style_and_script() -> None:
    page = render(sample_result(), "html")
    parsed = _parse(page)
    csp = next(
        a["content"]
        for t, a in parsed.tags
        if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None
    assert "default-src 'none'" in csp
    (style,) = parsed.raw["style"]
    (script,) = parsed.raw["script"]
    assert f"style-src {csp_hash(style)};" in csp
    assert f"script-src {csp_hash(script)};" in csp


def test_report_sections() -> None:
    page = render(sample_result(), "html", checks=sample_checks())
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    text = " ".join(text.split())
    assert page.lstrip().lower().startswith("<!doctype html")
    # incomplete banner listing the gaps
    assert "Incomplete scan: 2 coverage gaps." in text
    assert "GenerateCredentialReport" in text
    assert "AccessDenied" in text
    # per-control table and the issues, most severe first
    assert text.index("CERT-01") < text.index("ENC-02")
    assert 'id="control-ENC-02"' in page
    # remediation snippets from the metadata, in <pre>
    assert "<pre><code>aws ec2 copy-snapshot" in page
    assert "Why it matters." in text
    assert "CIS AWS Foundations 2.2.1" in text
    # accounts, charts
    assert "111122223333" in text
    assert "444455556666" in text
    assert "<svg" in page
    # resource names from the inventory next to their ids
    assert "app-data" in text


def test_complete_scan_banner_and_empty_scan() -> None:
    empty = ScanResult(info=ScanInfo(id="e", started="", finished="", source="iac"), findings=())
    page = render(empty, "html")
    assert "Complete scan." in page
    assert "Nothing to address" in page


def test_without_metadata_the_findings_own_remediation_is_shown() -> None:
    page = render(sample_result(), "html")
    assert "Why it matters." not in page
    assert "Snapshot the volume, copy it encrypted, swap it in." in page


def test_hostile_name_never_unescaped_in_attributes() -> None:
    page = render(sample_result(), "html")
    for _tag, attrs in _parse(page).tags:
        for value in attrs.values():
            assert value is None or HOSTILE_NAME not in value


def test_long_resource_lists_fold_but_lose_nothing() -> None:
    findings = tuple(
        Finding.make(
            control_id="ENC-02",
            status=Status.FAIL,
            severity=Severity.HIGH,
            resource_id=f"vol-{i:03d}",
            resource_type="AWS::EC2::Volume",
            account="111122223333",
            region="eu-west-1",
            message="volume is not encrypted",
        )
        for i in range(40)
    )
    page = render(
        ScanResult(info=ScanInfo(id="x", started="", finished="", source="live"), findings=findings), "html"
    )
    assert "<summary>25 more resources</summary>" in page
    for i in range(40):
        assert f"vol-{i:03d}" in page
