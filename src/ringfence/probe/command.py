"""`ringfence probe`: argument parsing and exit codes. The CLI wires it in with
`add_probe_parser(subparsers)` and dispatches to `run_probe_command(args)`.

Exit codes follow the CLI's common rules: 0 nothing failing at or above --fail-on, 1 failing,
2 usage error (one sentence, never a traceback), 3 incomplete (an endpoint or a check could not be
decided) with nothing failing.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ringfence.model.findings import Severity

if TYPE_CHECKING:
    from ringfence.probe.targets import Target

EXIT_OK = 0
EXIT_FAILING = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
EXIT_INTERRUPTED = 130


class ProbeUsageError(Exception):
    """Bad input: one sentence on stderr, exit code 2."""


def _severity(text: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def _positive_int(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be a whole number of at least 1")
    return int(text)


def add_probe_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `probe` subcommand to the CLI's subparsers and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "probe",
        help="probe live TLS endpoints: protocols and cipher suites, certificate chain, mutual TLS",
        description=(
            "Connect to each HOST[:PORT] (default port 443) and report the protocol versions and cipher "
            "suites it accepts (each tried on its own with a hand-built ClientHello, legacy suites "
            "included), its certificate chain, with --policy the difference against an AWS security "
            "policy, and with --mtls whether it refuses clients without a trusted certificate. "
            "Findings: TLS-08, TLS-09, CERT-03, CERT-04. Loopback, link-local and metadata addresses "
            "are refused unless --allow-private is given."
        ),
    )
    p.add_argument("targets", nargs="*", metavar="HOST[:PORT]", help="endpoints to probe")
    p.add_argument("--targets-file", metavar="FILE", help="more targets, one per line (# comments allowed)")
    p.add_argument(
        "--policy",
        metavar="NAME",
        help="AWS security policy to compare against: NAME, SERVICE:NAME or SERVICE:NAME:ENDPOINT_TYPE "
        "(e.g. ELBSecurityPolicy-TLS13-1-2-2021-06, apigateway:TLS_1_0:edge); see --list-policies",
    )
    p.add_argument("--list-policies", action="store_true", help="list the shipped policy tables and exit")
    p.add_argument(
        "--mtls", action="store_true", help="check mutual TLS (TLS-09); needs --client-cert and --client-key"
    )
    p.add_argument(
        "--client-cert", metavar="PEM", help="a client certificate (chain) the endpoint should trust"
    )
    p.add_argument("--client-key", metavar="PEM", help="the key of --client-cert")
    p.add_argument(
        "--mtls-path", default="/", metavar="PATH", help="the path requested in the mTLS cases (default /)"
    )
    p.add_argument(
        "--trust-bundle", metavar="PEM", help="verify chains against these roots instead of the system's"
    )
    p.add_argument(
        "--allow-private",
        action="store_true",
        help="allow loopback, link-local and metadata addresses (refused by default)",
    )
    p.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format (default table)"
    )
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of the terminal")
    p.add_argument(
        "--fail-on",
        type=_severity,
        default=Severity.HIGH,
        metavar="SEVERITY",
        help="exit 1 when a finding at or above this severity fails (info|low|medium|high|critical; default high)",
    )
    p.add_argument("--fail-on-unknown", action="store_true", help="count UNKNOWN findings toward --fail-on")
    p.add_argument(
        "--timeout", type=_positive_float, default=5.0, metavar="SECONDS", help="per handshake (default 5)"
    )
    p.add_argument(
        "--budget",
        type=_positive_float,
        default=300.0,
        metavar="SECONDS",
        help="for the whole run (default 300)",
    )
    p.add_argument(
        "--concurrency",
        type=_positive_int,
        default=32,
        metavar="N",
        help="open connections in all (default 32)",
    )
    p.add_argument(
        "--per-endpoint",
        type=_positive_int,
        default=8,
        metavar="N",
        help="open connections per endpoint (default 8)",
    )
    return p


def run_probe_command(args: argparse.Namespace) -> int:
    """Run `ringfence probe` for parsed arguments; returns the exit code, never raises for bad input."""
    try:
        return _run(args)
    except ProbeUsageError as exc:
        print(f"ringfence: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("ringfence: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _readable(path: str, what: str) -> str:
    target = Path(path)
    if not target.exists():
        raise ProbeUsageError(f"cannot read the {what} {path}: no such file")
    if target.is_dir():
        raise ProbeUsageError(f"cannot read the {what} {path}: it is a directory")
    if not os.access(target, os.R_OK):
        raise ProbeUsageError(f"cannot read the {what} {path}: permission denied")
    return path


def _targets(args: argparse.Namespace) -> list[Target]:
    from ringfence.probe.targets import TargetError, parse_target, read_targets_file

    texts = list(args.targets or [])
    if args.targets_file:
        try:
            texts += read_targets_file(_readable(args.targets_file, "targets file"))
        except (OSError, UnicodeError) as exc:
            raise ProbeUsageError(f"cannot read the targets file {args.targets_file}: {exc}") from None
    if not texts:
        raise ProbeUsageError("no targets: give HOST[:PORT] arguments or --targets-file")
    targets: list[Target] = []
    for text in texts:
        try:
            target = parse_target(text)
        except TargetError as exc:
            raise ProbeUsageError(str(exc)) from None
        if target not in targets:
            targets.append(target)
    return targets


def _check_output(path: str) -> Path:
    out = Path(path)
    parent = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise ProbeUsageError(f"the output path {path} is a directory")
    if not parent.is_dir():
        raise ProbeUsageError(f"cannot write {path}: the directory {parent} does not exist")
    if not os.access(out if out.exists() else parent, os.W_OK):
        raise ProbeUsageError(f"cannot write {path}: permission denied")
    return out


def _run(args: argparse.Namespace) -> int:
    from ringfence.probe.engine import ProbeOptions, probe
    from ringfence.probe.mtls import ClientCertError, build_contexts
    from ringfence.probe.policies import PolicyError, find_policy, load_policies
    from ringfence.probe.render import render_json, render_policies, render_table, renderables
    from ringfence.probe.runner import Limits
    from ringfence.probe.targets import resolve_all

    if args.list_policies:
        sys.stdout.write(render_policies(load_policies()))
        return EXIT_OK
    targets = _targets(args)
    policy = None
    if args.policy:
        try:
            policy = find_policy(args.policy)
        except PolicyError as exc:
            raise ProbeUsageError(str(exc)) from None
        if policy.status != "confirmed":
            print(
                f"ringfence: warning: the table entry for {policy.key} is {policy.status}: {policy.review}",
                file=sys.stderr,
            )
    mtls = None
    if args.mtls:
        if not args.client_cert or not args.client_key:
            raise ProbeUsageError(
                "--mtls needs --client-cert and --client-key (a certificate the endpoint trusts)"
            )
        if not args.mtls_path.startswith("/"):
            raise ProbeUsageError(f"--mtls-path {args.mtls_path!r} must start with '/'")
        try:
            mtls = build_contexts(
                _readable(args.client_cert, "client certificate"),
                _readable(args.client_key, "client key"),
                path=args.mtls_path,
            )
        except ClientCertError as exc:
            raise ProbeUsageError(str(exc)) from None
    elif args.client_cert or args.client_key:
        raise ProbeUsageError("--client-cert and --client-key are only used with --mtls")
    trust_bundle = _trust_bundle(args.trust_bundle) if args.trust_bundle else None
    output = _check_output(args.output) if args.output else None
    limits = Limits(
        connections=args.concurrency,
        per_endpoint=min(args.per_endpoint, args.concurrency),
        timeout=args.timeout,
        budget=args.budget,
    )
    endpoints = resolve_all(targets, allow_private=args.allow_private)
    report = probe(
        endpoints, ProbeOptions(policy=policy, limits=limits, mtls=mtls, trust_bundle=trust_bundle)
    )
    if output is not None:
        text = render_json(report) if args.format == "json" else render_table(report)
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ProbeUsageError(f"cannot write {output}: {exc.strerror or exc}") from None
        print(f"report written to {output}", file=sys.stderr)
    elif args.format == "json":
        sys.stdout.write(render_json(report))
    elif sys.stdout.isatty():
        from rich.console import Console

        console = Console(file=sys.stdout)
        for item in renderables(report):
            console.print(item)
    else:
        sys.stdout.write(render_table(report))
    return report.exit_code(args.fail_on, include_unknown=args.fail_on_unknown)


def _trust_bundle(path: str) -> str:
    import ssl

    _readable(path, "trust bundle")
    try:
        ssl.create_default_context(cafile=path)
    except (ssl.SSLError, OSError, ValueError):
        raise ProbeUsageError(f"the trust bundle {path} holds no usable PEM certificates") from None
    return path
