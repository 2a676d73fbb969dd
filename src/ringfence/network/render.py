"""Answers and intent findings as text for the terminal, and findings as JSON. Decides nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ringfence.model.findings import Finding, Status
from ringfence.network.explain import REACHABLE, UNKNOWN, Answer, PairResult
from ringfence.network.intent_checks import INTENT_TYPE

MAX_PATHS_SHOWN = 3
MAX_RESULTS_SHOWN = 50


def answer_text(answer: Answer) -> str:
    query = answer.query
    ports = query.get("ports", "all")
    head = f"from {query['from']} to {query['to']}, {query['protocol']} {ports}: {answer.verdict.upper()}"
    lines = [head]
    for note in query.get("notes", []):
        lines.append(f"  note: {note}")
    shown = answer.results[:MAX_RESULTS_SHOWN]
    for result in shown:
        lines.extend(_result_lines(result))
    hidden = len(answer.results) - len(shown) + answer.omitted_unreachable
    if hidden:
        lines.append(f"  ... and {hidden} more source/destination pairs (use --format json for all of them)")
    if not answer.results:
        lines.append("  nothing to answer: no source and destination pair")
    return "\n".join(lines) + "\n"


def _result_lines(result: PairResult) -> list[str]:
    extra: list[str] = []
    if result.reachable_destinations:
        extra.append(
            "destinations "
            + ", ".join(result.reachable_destinations[:8])
            + (" ..." if len(result.reachable_destinations) > 8 else "")
        )
    if result.reachable_sources:
        extra.append(
            "from "
            + ", ".join(result.reachable_sources[:8])
            + (" ..." if len(result.reachable_sources) > 8 else "")
        )
    if result.ports and result.verdict in (REACHABLE, UNKNOWN):
        extra.append(f"ports {result.ports}")
    lines = [
        f"  {result.source} -> {result.destination}: {result.verdict}"
        + (f" ({'; '.join(extra)})" if extra else "")
    ]
    for number, path in enumerate(result.paths[:MAX_PATHS_SHOWN], start=1):
        label = "path" if not path.unknown else "possible path (through a hop that is not modelled)"
        where = f"ports {path.ports}" + (
            f", destinations {', '.join(path.destinations[:4])}" if path.destinations else ""
        )
        lines.append(f"    {label} {number} ({where}):")
        lines.extend(f"      {i}. {hop.describe()}" for i, hop in enumerate(path.hops, start=1))
    if len(result.paths) > MAX_PATHS_SHOWN:
        lines.append(f"    ... and {len(result.paths) - MAX_PATHS_SHOWN} more paths")
    if result.blocked_at is not None:
        reply = (
            " (the request would arrive, but the reply cannot return)"
            if result.blocked_at.leg == "reply"
            else ""
        )
        lines.append(f"    blocked at: {result.blocked_at.describe()}{reply}")
    return lines


def findings_text(findings: Sequence[Finding]) -> str:
    intents = [f for f in findings if f.resource_type == INTENT_TYPE]
    lines = ["intents:"]
    for finding in intents:
        lines.append(f"  {finding.status.value:<14} {finding.control_id}  {finding.message}")
    problems = [
        f for f in findings if f.resource_type != INTENT_TYPE and f.status in (Status.FAIL, Status.UNKNOWN)
    ]
    if problems:
        lines.append("findings:")
        for finding in problems:
            lines.append(f"  {finding.status.value:<8} {finding.control_id}  {finding.resource_id}")
            lines.append(f"           {finding.message}")
    passed = sum(1 for f in findings if f.resource_type != INTENT_TYPE and f.status == Status.PASS)
    lines.append(f"{passed} resources pass, {len(problems)} fail or cannot be decided")
    return "\n".join(lines) + "\n"


def findings_json(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    return [
        {
            "control_id": f.control_id,
            "status": f.status.value,
            "severity": f.severity.value,
            "resource_id": f.resource_id,
            "resource_type": f.resource_type,
            "account": f.account,
            "region": f.region,
            "message": f.message,
            "title": f.title,
            "fingerprint": f.fingerprint,
        }
        for f in findings
    ]
