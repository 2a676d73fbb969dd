"""`ringfence iac`: argument parsing, output and exit codes. The CLI wires it in with
`add_iac_parser(subparsers)` and dispatches to `run_iac_command(args)`.

Exit codes, as for every command: 0 nothing failing at or above --fail-on (default high), 1 failing,
2 usage error (one sentence on stderr, never a traceback), 3 incomplete (a file could not be
judged) with nothing failing. The report goes to stdout (or --output); what was read, skipped and
not judged, and the counts, go to stderr. No AWS SDK is imported on this path.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from ringfence.model.findings import Severity, Status

EXIT_OK = 0
EXIT_FAILING = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
EXIT_INTERRUPTED = 130
FORMATS = ("table", "json", "csv", "html", "sarif", "junit")
EXTENSIONS = {
    ".sarif": "sarif",
    ".xml": "junit",
    ".json": "json",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
    ".txt": "table",
}
IMDS_OPTIONS = {
    "httptokens": "http_tokens",
    "httpendpoint": "http_endpoint",
    "httpputresponsehoplimit": "http_put_response_hop_limit",
}
SHOWN_ISSUES = 20


class IacUsageError(Exception):
    """Bad input from the user: one sentence, exit code 2."""


def _severity(text: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _csv_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _megabytes(text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of megabytes") from None
    if not 0 < value <= 1024:
        raise argparse.ArgumentTypeError("--max-file-size must be between 0 and 1024 (MB)")
    return int(value * 1024 * 1024)


def add_iac_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `iac` subcommand to the CLI's subparsers and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "iac",
        help="judge CloudFormation templates, CDK output and Terraform plans before they are deployed",
        description=(
            "Judge infrastructure as code with the same checks as a live scan: CloudFormation templates "
            "(JSON or YAML, short-form tags, nested stacks that are local files), CDK cloud assemblies "
            "(a cdk.out directory) and Terraform plans (terraform show -json PLAN > plan.json). PATHs are "
            "files or directories (walked for .json, .yaml, .yml, .template); files that are none of "
            "these are skipped and listed. Parameters take --parameters values, else their Default; what "
            "the files cannot tell is UNKNOWN with the reason, never a guess."
        ),
    )
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="template, plan or cdk.out directory, or a directory of them"
    )
    p.add_argument(
        "--parameters",
        metavar="FILE",
        help="CloudFormation parameter values: JSON as `aws cloudformation` takes it "
        '([{"ParameterKey": K, "ParameterValue": V}]), {"Parameters": {K: V}}, or {K: V}',
    )
    p.add_argument(
        "--parameter",
        "-p",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="one parameter value (repeatable)",
    )
    p.add_argument("--region", help="the region the templates deploy to (fills AWS::Region)")
    p.add_argument(
        "--account", metavar="ACCOUNT_ID", help="the account they deploy to (fills AWS::AccountId)"
    )
    p.add_argument(
        "--account-imds-defaults",
        metavar="SETTINGS",
        help="the target account's IMDS defaults, e.g. HttpTokens=required,HttpPutResponseHopLimit=2: "
        "instances and launch templates that leave metadata options unset are judged with them (EC2-01)",
    )
    p.add_argument(
        "--format", choices=FORMATS, help="report format (default: table; with --output, from the extension)"
    )
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument(
        "--fail-on",
        type=_severity,
        default=Severity.HIGH,
        metavar="SEVERITY",
        help="exit 1 when a finding at or above this severity fails (info|low|medium|high|critical; default high)",
    )
    p.add_argument("--fail-on-unknown", action="store_true", help="count UNKNOWN findings toward --fail-on")
    p.add_argument(
        "--controls", type=_csv_list, metavar="IDS", help="only these controls (comma-separated ids)"
    )
    p.add_argument("--skip-controls", type=_csv_list, default=[], metavar="IDS", help="skip these controls")
    p.add_argument(
        "--max-file-size",
        type=_megabytes,
        default=None,
        metavar="MB",
        help="refuse files larger than this (default 32; YAML at most 8)",
    )
    p.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: ./ringfence.toml when it exists): parameters, tiers, suppressions",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="no summary on stderr")
    return p


def run_iac_command(args: argparse.Namespace) -> int:
    # A scan allocates many small objects that live until it ends and hold almost no reference
    # cycles: the cyclic collector's repeated passes over them cost more than they free. Collect
    # rarely while the command runs (reference counting still frees everything as usual).
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1000)
    try:
        return _run(args)
    except IacUsageError as exc:
        print(f"ringfence: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("ringfence: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        gc.set_threshold(*thresholds)


def _run(args: argparse.Namespace) -> int:
    from ringfence.config import load_settings
    from ringfence.sources.iac.loader import DEFAULT_MAX_BYTES
    from ringfence.sources.iac.scan import IacOptions, scan_iac

    fmt, output = _output_plan(args.format, args.output)
    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing:
        raise IacUsageError(f"no such file or directory: {', '.join(missing)}")
    options = IacOptions(
        parameters=parameters(args.parameters, args.parameter),
        region=args.region,
        account=args.account,
        max_file_bytes=args.max_file_size or DEFAULT_MAX_BYTES,
        account_imds_defaults=imds_defaults(args.account_imds_defaults),
    )
    try:
        settings = load_settings(args.config)
        scan = scan_iac(
            args.paths,
            options,
            controls=args.controls,
            skip_controls=args.skip_controls,
            params=settings.params,
            tiers=settings.tiers,
            environments=settings.environments,
            suppressions=settings.suppressions,
        )
    except ValueError as exc:  # unknown control ids, an unusable configuration file
        raise IacUsageError(str(exc)) from None
    text = _render(scan.result, fmt)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise IacUsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    if not args.quiet:
        sys.stderr.write(summary(scan, output))
    return scan.result.exit_code(args.fail_on, include_unknown=args.fail_on_unknown)


def _render(result: Any, fmt: str) -> str:
    from ringfence.checks.registry import all_checks
    from ringfence.report import render

    metas = {cid: c.meta for cid, c in all_checks().items()}
    return render(result, fmt, checks=metas)


def _output_plan(fmt: str | None, output: str | None) -> tuple[str, Path | None]:
    path = Path(output) if output else None
    if path is not None:
        if path.is_dir():
            raise IacUsageError(f"the output path {path} is a directory")
        parent = path.parent if str(path.parent) else Path(".")
        if not parent.is_dir():
            raise IacUsageError(f"cannot write {path}: the directory {parent} does not exist")
        if fmt is None:
            fmt = EXTENSIONS.get(path.suffix.lower(), "table")
    return fmt or "table", path


def parameters(file: str | None, pairs: list[str]) -> dict[str, Any]:
    """Parameter values from --parameters FILE and --parameter KEY=VALUE (which win)."""
    values: dict[str, Any] = {}
    if file:
        try:
            raw = json.loads(Path(file).read_text(encoding="utf-8"))
        except OSError as exc:
            raise IacUsageError(f"cannot read --parameters {file}: {exc.strerror or exc}") from None
        except (ValueError, RecursionError) as exc:
            raise IacUsageError(f"--parameters {file} is not valid JSON: {exc}") from None
        values.update(_parameter_document(raw, file))
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise IacUsageError(f"--parameter {pair!r} is not KEY=VALUE")
        values[key.strip()] = value
    return values


def _parameter_document(raw: Any, file: str) -> dict[str, Any]:
    if isinstance(raw, dict) and isinstance(raw.get("Parameters"), dict):
        raw = raw["Parameters"]
    if isinstance(raw, list):
        out: dict[str, Any] = {}
        for item in raw:
            if not isinstance(item, dict) or "ParameterKey" not in item:
                raise IacUsageError(f"--parameters {file}: each item needs ParameterKey and ParameterValue")
            if item.get("UsePreviousValue"):
                continue  # the deployed value: not known here, so left to the Default or UNKNOWN
            out[str(item["ParameterKey"])] = _text(item.get("ParameterValue", ""))
        return out
    if isinstance(raw, dict) and all(isinstance(k, str) for k in raw):
        return {k: _text(v) for k, v in raw.items()}
    raise IacUsageError(
        f'--parameters {file}: expected [{{ParameterKey, ParameterValue}}], {{"Parameters": {{...}}}} or {{KEY: VALUE}}'
    )


def _text(value: Any) -> Any:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)  # a list parameter, as CloudFormation takes it
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def imds_defaults(text: str | None) -> Any:
    """--account-imds-defaults HttpTokens=required,... as MetadataOptions; None when not given."""
    if not text:
        return None
    from ringfence.model.compute import MetadataOptions

    fields: dict[str, Any] = {}
    for part in _csv_list(text):
        key, sep, value = part.partition("=")
        name = IMDS_OPTIONS.get(key.strip().lower())
        if not sep or name is None:
            raise IacUsageError(
                f"--account-imds-defaults: {part!r} is not one of HttpTokens=, HttpEndpoint=, HttpPutResponseHopLimit="
            )
        value = value.strip()
        if name == "http_put_response_hop_limit":
            if not value.isdigit() or not 1 <= int(value) <= 64:
                raise IacUsageError("--account-imds-defaults: HttpPutResponseHopLimit must be 1 to 64")
            fields[name] = int(value)
        elif (name == "http_tokens" and value.lower() in ("required", "optional")) or (
            name == "http_endpoint" and value.lower() in ("enabled", "disabled")
        ):
            fields[name] = value.lower()
        else:
            raise IacUsageError(f"--account-imds-defaults: {key}={value!r} is not a valid setting")
    return MetadataOptions(**fields)


def summary(scan: Any, output: Path | None) -> str:
    """What was read and judged, for stderr: short enough for a CI log, every problem named."""
    from ringfence.sources.iac.causes import classify

    load, result = scan.load, scan.result
    findings = result.findings
    by_status = Counter(f.status for f in findings)
    failing = Counter(f.severity for f in findings if f.status is Status.FAIL)
    kinds = Counter(u.kind for u in load.units)
    lines = [
        f"ringfence iac: {len(load.units)} deployment unit(s) "
        f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items())) or 'none'}), {load.resource_count} resources judged",
    ]
    for title, issues in (("not judged", result.info.coverage_gaps), ("skipped", load.skipped)):
        if issues:
            lines.append(f"{title} ({len(issues)}):")
            for issue in list(issues)[:SHOWN_ISSUES]:
                file, reason = (
                    (issue.operation, issue.message) if title == "not judged" else (issue.file, issue.reason)
                )
                lines.append(f"  {file}: {reason}")
            if len(issues) > SHOWN_ISSUES:
                lines.append(f"  ... and {len(issues) - SHOWN_ISSUES} more (the report lists them all)")
    if load.ignored:
        parts = ", ".join(
            f"{n} {suffix}" for suffix, n in sorted(load.ignored.items(), key=lambda kv: -kv[1])
        )
        lines.append(f"not IaC by name, not read: {parts}")
    counts = ", ".join(f"{by_status[s]} {s.value}" for s in Status if by_status[s])
    lines.append(f"findings: {counts or 'none'}")
    if failing:
        order = sorted(failing, key=lambda s: -s.rank)
        lines.append("failing by severity: " + ", ".join(f"{failing[s]} {s.value}" for s in order))
    unknown = Counter(classify(f.message) for f in findings if f.status is Status.UNKNOWN)
    if unknown:
        lines.append("UNKNOWN by cause: " + "; ".join(f"{n} {cause}" for cause, n in unknown.most_common()))
    if output is not None:
        lines.append(f"report written to {output}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m ringfence.sources.iac.command PATH...`, for use before the CLI wires the command in."""
    parser = argparse.ArgumentParser(prog="ringfence")
    add_iac_parser(parser.add_subparsers(dest="command", required=True))
    return run_iac_command(parser.parse_args(["iac", *(sys.argv[1:] if argv is None else argv)]))


if __name__ == "__main__":
    raise SystemExit(main())
