"""The HTML report: one self-contained file a consultant can hand over.

Autoescape is on for every template, so resource ids, names, tags and messages from the estate
always render as text. The only markup not escaped is our own stylesheet and script, read from
the package; a Content-Security-Policy pins them by hash, so even an escaping mistake could not
run an injected script or load anything from the network.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Mapping
from importlib import resources
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ringfence.model.findings import Status
from ringfence.model.scan import ScanResult
from ringfence.report.html_view import CHART_WIDTH, build_view
from ringfence.report.summary import SEVERITIES_DESC, STATUS_LABELS, STATUS_ORDER

if TYPE_CHECKING:
    from ringfence.checks.registry import CheckMeta


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ringfence.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pct"] = _pct
    env.filters["plural"] = _plural
    env.globals.update(
        Status=Status,
        statuses=STATUS_ORDER,
        status_labels=STATUS_LABELS,
        severities=SEVERITIES_DESC,
        chart_width=CHART_WIDTH,
    )
    return env


@functools.cache
def _asset(name: str) -> str:
    return resources.files("ringfence.report").joinpath("templates", name).read_text(encoding="utf-8")


def csp_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline <style> or <script> body."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def render_html(result: ScanResult, checks: Mapping[str, CheckMeta] | None = None) -> str:
    css, js = _asset("report.css"), _asset("report.js")
    template = environment().get_template("report.html.j2")
    return template.render(
        view=build_view(result, checks),
        css=Markup(css),  # noqa: S704 - our packaged stylesheet, never data from the scan
        js=Markup(js),  # noqa: S704 - our packaged script, never data from the scan
        style_src=csp_hash(css),
        script_src=csp_hash(js),
    )


def _pct(value: float | None) -> str:
    if value is None:
        return "\u2014"
    if 0 < value < 0.01:
        return "<1%"
    if 0.99 < value < 1:
        return ">99%"
    return f"{value:.0%}"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"
