"""`ringfence reach`: queries and intents against a stored scan.

Exit codes: a query alone exits 0 whatever the answer; with --intents, 1 when an intent is violated,
3 when nothing fails but something could not be decided (or the scan is incomplete), 0 otherwise;
2 on bad input (an unknown endpoint, a bad port, an unusable intents file, no stored scan).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

from ringfence.model.findings import Status
from ringfence.model.scan import ScanResult
from ringfence.network.addresses import parse_ports
from ringfence.network.endpoints import EndpointError
from ringfence.network.intent_checks import INTENT_TYPE, evaluate_intents
from ringfence.network.intents import IntentError, load_intents
from ringfence.network.protocols import ICMP, has_ports, parse_protocol
from ringfence.network.query import DEFAULT_CLIENT_PORTS, Query, answer
from ringfence.network.render import answer_text, findings_json, findings_text
from ringfence.network.topology import Topology

EXIT_OK = 0
EXIT_VIOLATED = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
PROTOCOLS = ("tcp", "udp", "icmp", "-1")

ScanLoader = Callable[[str | None, str | None], ScanResult]


class ReachUsageError(Exception):
    """Bad input: one sentence, exit code 2."""


def add_reach_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `reach` subcommand to the CLI's subparsers (its handler: run_reach_command)."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "reach",
        help="answer 'can X reach Y on port P' and check network intents against a stored scan",
        description=(
            "Answer reachability questions exactly, from a stored scan, explaining every answer hop by hop "
            "(the route chosen, the NACL rule numbers both ways, the security group rules), and check "
            "intents from a YAML file. Endpoints: eni-..., i-..., subnet-..., vpc-..., tier:NAME, all, "
            "a CIDR or address, internet, on-premises, service:NAME (e.g. service:s3)."
        ),
    )
    parser.add_argument("--from", dest="source", metavar="X", help="where the traffic starts")
    parser.add_argument(
        "--to",
        dest="destination",
        metavar="Y",
        help="where it should arrive (default: every ENI; 'internet' lists the prefixes reached)",
    )
    parser.add_argument(
        "--port",
        metavar="P",
        help="destination port(s): 443, 1024-2000, 22,3389 (ICMP: the type; default every port)",
    )
    parser.add_argument(
        "--protocol",
        choices=PROTOCOLS,
        default="tcp",
        help="tcp, udp, icmp or -1 for all traffic (default tcp)",
    )
    parser.add_argument(
        "--client-ports",
        default="1024-65535",
        metavar="RANGE",
        help="the ephemeral ports clients use, which replies return to (default 1024-65535)",
    )
    parser.add_argument("--intents", metavar="FILE", help="a YAML file of intents to check")
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format (default table)"
    )
    parser.add_argument(
        "--scan-id", metavar="ID", help="the stored scan to answer from (default: the latest)"
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        default=os.environ.get("RINGFENCE_DB"),
        help="SQLAlchemy URL of the scan history (default: SQLite in the user data directory; env RINGFENCE_DB)",
    )
    return parser


def run_reach_command(
    args: argparse.Namespace,
    *,
    load_scan: ScanLoader | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        return _run(args, load_scan or _load_from_store, out)
    except ReachUsageError as exc:
        print(f"ringfence: error: {exc}", file=err)
        return EXIT_USAGE


def _run(args: argparse.Namespace, load_scan: ScanLoader, out: TextIO) -> int:
    query = _query(args)
    intents = None
    if args.intents:
        try:
            intents = load_intents(args.intents)
        except IntentError as exc:
            raise ReachUsageError(str(exc)) from None
    if query is None and intents is None:
        raise ReachUsageError("give --from (and --to) for a query, or --intents FILE, or both")
    scan = load_scan(getattr(args, "db", None), getattr(args, "scan_id", None))
    topology = Topology(scan.inventory)
    document: dict[str, Any] = {}
    code = EXIT_OK
    if query is not None:
        try:
            result = answer(topology, query)
        except EndpointError as exc:
            raise ReachUsageError(str(exc)) from None
        if args.format == "json":
            document["answer"] = result.to_json()
        else:
            out.write(answer_text(result))
    if intents is not None:
        client_ports = intents.client_ports or (query.client_ports if query else None)
        findings = evaluate_intents(scan.inventory, intents, client_ports=client_ports, topology=topology)
        if args.format == "json":
            document["intents"] = findings_json([f for f in findings if f.resource_type == INTENT_TYPE])
            document["findings"] = findings_json([f for f in findings if f.resource_type != INTENT_TYPE])
        else:
            out.write(findings_text(findings))
        statuses = {f.status for f in findings}
        if Status.FAIL in statuses:
            code = EXIT_VIOLATED
        elif Status.UNKNOWN in statuses or not scan.info.complete:
            code = EXIT_INCOMPLETE
    if args.format == "json":
        payload = document["answer"] if set(document) == {"answer"} else document
        if not scan.info.complete:
            payload = {**payload, "scan_incomplete": True}
        out.write(json.dumps(payload, indent=2) + "\n")
    return code


def _query(args: argparse.Namespace) -> Query | None:
    source = getattr(args, "source", None)
    destination = getattr(args, "destination", None)
    if source is None:
        if destination is not None or getattr(args, "port", None):
            raise ReachUsageError("--to and --port need --from")
        return None
    protocol = parse_protocol(args.protocol)
    ports = None
    if args.port:
        if not has_ports(protocol) and protocol != ICMP:
            raise ReachUsageError(f"--port does not apply to protocol {args.protocol}")
        try:
            ports = parse_ports(args.port)
        except ValueError as exc:
            raise ReachUsageError(f"--port: {exc}") from None
        if protocol == ICMP and ports.intervals[-1][1] > 256:
            raise ReachUsageError("--port for icmp is the ICMP type, 0-255")
    try:
        client_ports = parse_ports(args.client_ports) if args.client_ports else DEFAULT_CLIENT_PORTS
    except ValueError as exc:
        raise ReachUsageError(f"--client-ports: {exc}") from None
    return Query(source, destination or "all", protocol=protocol, ports=ports, client_ports=client_ports)


def _load_from_store(url: str | None, scan_id: str | None) -> ScanResult:
    from ringfence.store import ScanStore, StoreError

    try:
        store = ScanStore(url)
    except StoreError as exc:
        raise ReachUsageError(str(exc)) from None
    try:
        scan = store.load(scan_id) if scan_id else store.latest()
    except StoreError as exc:
        raise ReachUsageError(str(exc)) from None
    finally:
        store.close()
    if scan is None:
        raise ReachUsageError("no scan is stored yet: run `ringfence scan` or `ringfence demo` first")
    return scan
