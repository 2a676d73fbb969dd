"""A probe report as JSON (the machine contract) or as readable tables. Decides nothing.

Everything a server controls (certificate names, error texts that quote its answer) is escaped
before rich sees it, and control characters are made visible, so a certificate subject cannot
style the output or drive the terminal. rich is imported only for tables: JSON runs skip it.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ringfence.model.findings import Finding, Status
from ringfence.probe.certs import days_left
from ringfence.probe.ciphers import NEWEST_FIRST, weakness_of
from ringfence.probe.engine import ProbeReport
from ringfence.probe.results import CertInfo, EndpointResult, MtlsCaseName, Pair

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

SCHEMA_VERSION = 1
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_STATUS_STYLE = {
    Status.FAIL: "bold red",
    Status.UNKNOWN: "magenta",
    Status.PASS: "green",
    Status.NOT_APPLICABLE: "dim",
    Status.SUPPRESSED: "dim",
}


# --- JSON ------------------------------------------------------------------------------------------


def render_json(report: ProbeReport) -> str:
    return json.dumps(report_document(report), indent=2, ensure_ascii=False) + "\n"


def report_document(report: ProbeReport) -> dict[str, Any]:
    policy = report.policy
    return {
        "schema_version": SCHEMA_VERSION,
        "started": report.started.isoformat(),
        "finished": report.finished.isoformat(),
        "complete": report.complete,
        "policy": (
            None
            if policy is None
            else {
                "name": policy.name,
                "service": policy.service,
                "endpoint_type": policy.endpoint_type,
                "status": policy.status,
            }
        ),
        "endpoints": [endpoint_document(e, report) for e in report.endpoints],
        "findings": [finding_document(f) for f in report.findings],
    }


def _pairs(pairs: Iterable[Pair]) -> list[dict[str, str]]:
    return [{"protocol": p.protocol.label, "cipher": p.suite.openssl} for p in pairs]


def endpoint_document(result: EndpointResult, report: ProbeReport) -> dict[str, Any]:
    diff = result.policy_diff
    mtls: dict[str, str] | None = None
    mtls_detail: dict[str, str] | None = None
    if report.mtls_requested:
        if result.mtls is not None:
            mtls = {c.case.value: c.verdict.value for c in result.mtls.cases()}
            mtls_detail = {c.case.value: c.detail for c in result.mtls.cases()}
        else:
            mtls = {c.value: "error" for c in MtlsCaseName}
            mtls_detail = {c.value: "the endpoint could not be probed" for c in MtlsCaseName}
    return {
        "target": result.endpoint.label,
        "address": result.endpoint.address,
        "probed": result.probed,
        "accepted": _pairs(result.accepted),
        "policy": report.policy.name if report.policy else None,
        "extra": _pairs(diff.extra) if diff else [],
        "missing": _pairs(diff.missing) if diff else [],
        "untested": [{**_pairs([p])[0], "reason": reason} for p, reason in result.untested],
        "mtls": mtls,
        "mtls_detail": mtls_detail,
        "chain": [cert_document(c, report.finished) for c in result.chain],
        "chain_verification": {
            "status": result.verification.verification.value,
            "detail": result.verification.detail,
        },
        "errors": list(result.errors),
    }


def cert_document(cert: CertInfo, now: datetime) -> dict[str, Any]:
    return {
        "subject": cert.subject,
        "issuer": cert.issuer,
        "not_before": cert.not_before.isoformat(),
        "not_after": cert.not_after.isoformat(),
        "days_to_expiry": days_left(cert, now),
        "key": cert.key,
        "signature": cert.signature,
        "is_ca": cert.is_ca,
        "dns_names": list(cert.dns_names),
        "ip_addresses": list(cert.ip_addresses),
    }


def finding_document(f: Finding) -> dict[str, Any]:
    """The shape of a scan report's findings (report/json_report.py), field for field."""
    return {
        "control_id": f.control_id,
        "title": f.title,
        "status": f.status.value,
        "severity": f.severity.value,
        "resource_id": f.resource_id,
        "resource_type": f.resource_type,
        "resource_name": None,
        "account": f.account,
        "region": f.region,
        "message": f.message,
        "remediation": f.remediation,
        "fingerprint": f.fingerprint,
        "location": None,
    }


# --- tables ----------------------------------------------------------------------------------------


def safe(text: str) -> str:
    """Server-controlled text for a rich markup context: control characters shown, markup escaped."""
    from rich.markup import escape

    return escape(_CONTROL_CHARS.sub(lambda m: f"\\x{ord(m.group()):02x}", text))


def _pair_cell(pairs: Sequence[Pair]) -> str:
    cells = []
    for pair in pairs:
        weak = weakness_of(pair.protocol, pair.suite)
        cells.append(safe(pair.suite.openssl) + (f" [red]({', '.join(weak)})[/red]" if weak else ""))
    return ", ".join(cells)


def _by_protocol(pairs: Sequence[Pair]) -> str:
    if not pairs:
        return "none"
    groups = []
    for protocol in NEWEST_FIRST:
        names = [safe(p.suite.openssl) for p in pairs if p.protocol is protocol]
        if names:
            groups.append(f"{protocol.label}: {', '.join(names)}")
    return "; ".join(groups)


def _endpoint_block(result: EndpointResult, report: ProbeReport) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    title = f"[bold]{safe(result.endpoint.label)}[/bold]"
    if result.endpoint.address and result.endpoint.address != result.endpoint.target.host:
        title += f" ({safe(result.endpoint.address)})"
    parts: list[RenderableType] = [Text.from_markup(title)]
    if not result.probed:
        parts.append(Text.from_markup("[magenta]not probed:[/magenta] " + safe("; ".join(result.errors))))
        return Group(*parts, Text(""))
    table = Table(show_header=True, box=None, pad_edge=False)
    table.add_column("protocol", no_wrap=True)
    table.add_column("accepted cipher suites")
    for protocol in NEWEST_FIRST:
        accepted = [p for p in result.accepted if p.protocol is protocol]
        table.add_row(protocol.label, _pair_cell(accepted) if accepted else "[dim]refused[/dim]")
    parts.append(table)
    if report.policy is not None and result.policy_diff is not None:
        diff = result.policy_diff
        policy = safe(report.policy.name)
        label = (
            f"[bold red]accepted, not in {policy}[/bold red]" if diff.extra else f"accepted, not in {policy}"
        )
        parts.append(Text.from_markup(f"{label}: {_by_protocol(diff.extra)}"))
        parts.append(Text.from_markup(f"in {policy}, refused: {_by_protocol(diff.missing)}"))
    if result.mtls is not None:
        cases = "; ".join(
            f"{c.case.value}: [bold]{c.verdict.value}[/bold] ({safe(c.detail)})" for c in result.mtls.cases()
        )
        parts.append(Text.from_markup(f"mTLS: {cases}"))
    if result.chain:
        parts.append(_chain_table(result))
    for error in result.errors:
        parts.append(Text.from_markup(f"[magenta]error:[/magenta] {safe(error)}"))
    parts.append(Text(""))
    return Group(*parts)


def _chain_table(result: EndpointResult) -> Table:
    from rich.table import Table

    verification = result.verification
    caption = f"chain {verification.verification.value}" + (
        f": {safe(verification.detail)}" if verification.detail else ""
    )
    table = Table(title=None, caption=caption, caption_justify="left", box=None, pad_edge=False)
    for column in ("#", "subject", "issuer", "not after", "key", "signature"):
        table.add_column(column)
    for index, cert in enumerate(result.chain):
        table.add_row(
            str(index),
            safe(cert.subject),
            safe(cert.issuer),
            f"{cert.not_after:%Y-%m-%d}",
            safe(cert.key),
            safe(cert.signature),
        )
    return table


def _findings_table(findings: Sequence[Finding]) -> Table:
    from rich.table import Table

    table = Table(title="findings", show_lines=False)
    for column in ("control", "status", "severity", "endpoint", "message"):
        table.add_column(column)
    for f in findings:
        style = _STATUS_STYLE.get(f.status, "")
        table.add_row(
            f.control_id,
            f"[{style}]{f.status.value}[/{style}]" if style else f.status.value,
            f.severity.value,
            safe(f.resource_id),
            safe(f.message),
        )
    return table


def renderables(report: ProbeReport) -> list[RenderableType]:
    from rich.text import Text

    items: list[RenderableType] = []
    if report.policy is not None:
        policy = report.policy
        items.append(
            Text.from_markup(f"policy [bold]{safe(policy.key)}[/bold] (table entry: {safe(policy.status)})")
        )
        items.append(Text(""))
    items += [_endpoint_block(e, report) for e in report.endpoints]
    items.append(_findings_table(report.findings))
    counts = {s: sum(1 for f in report.findings if f.status is s) for s in Status}
    summary = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    done = "complete" if report.complete else "INCOMPLETE: some endpoints or checks could not be decided"
    items.append(Text(f"{len(report.endpoints)} endpoints probed: {summary or 'no findings'}; {done}"))
    return items


def render_table(report: ProbeReport, *, width: int = 132) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, soft_wrap=False)
    for item in renderables(report):
        console.print(item)
    return buffer.getvalue()


def render_policies(policies: Sequence[Any]) -> str:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        title="shipped AWS TLS security policies (use SERVICE:NAME:ENDPOINT_TYPE when a name is ambiguous)"
    )
    for column in ("service", "name", "endpoint type", "status", "protocols", "ciphers"):
        table.add_column(column)
    for p in policies:
        table.add_row(
            escape(p.service),
            escape(p.name),
            escape(p.endpoint_type),
            escape(p.status),
            escape(" ".join(x.label for x in p.protocols)) or "-",
            str(len(p.suites)) if p.usable else "-",
        )
    buffer = io.StringIO()
    Console(file=buffer, width=160, color_system=None, force_terminal=False, soft_wrap=False).print(table)
    return buffer.getvalue()
