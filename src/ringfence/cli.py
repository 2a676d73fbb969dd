"""The `ringfence` command line. Parsing, wiring and exit codes; no checking or rendering logic."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from ringfence import __version__
from ringfence.config import DEFAULT_CONFIG_NAME, ConfigError, Settings, load_settings
from ringfence.model.findings import Severity
from ringfence.model.scan import ScanResult

EXIT_OK = 0
EXIT_FAILING = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
EXIT_INTERRUPTED = 130

OUTPUT_FORMATS = ("table", "json", "csv", "html")
_EXTENSIONS = {".html": "html", ".htm": "html", ".json": "json", ".csv": "csv", ".txt": "table"}


class UsageError(Exception):
    """Bad input from the user: one sentence, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"ringfence: error: {message}\n")


def _severity(text: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _csv_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _add_output_options(p: argparse.ArgumentParser, *, default_note: str = "") -> None:
    p.add_argument(
        "--format",
        choices=OUTPUT_FORMATS,
        help="report format (default: table on the terminal; with --output, taken from the file extension)"
        + default_note,
    )
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of the terminal")


def _add_gate_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--fail-on",
        type=_severity,
        default=Severity.HIGH,
        metavar="SEVERITY",
        help="exit 1 when a finding at or above this severity fails (info|low|medium|high|critical; default high)",
    )
    p.add_argument(
        "--fail-on-unknown",
        action="store_true",
        help="count UNKNOWN findings (could not decide) toward --fail-on",
    )


def _add_selection_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--controls", type=_csv_list, metavar="IDS", help="only these controls (comma-separated ids)"
    )
    p.add_argument("--skip-controls", type=_csv_list, default=[], metavar="IDS", help="skip these controls")
    p.add_argument(
        "--min-severity",
        type=_severity,
        metavar="SEVERITY",
        help="report only findings at or above this severity",
    )
    p.add_argument(
        "--config",
        metavar="FILE",
        help=f"configuration file (default: ./{DEFAULT_CONFIG_NAME} when it exists): parameters, tiers, suppressions",
    )


def _add_store_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        metavar="URL",
        default=os.environ.get("RINGFENCE_DB"),
        help="SQLAlchemy URL of the scan history (default: SQLite in the user data directory; env RINGFENCE_DB)",
    )


def _add_org_options(p: argparse.ArgumentParser) -> None:
    org = p.add_argument_group("organisation (--org)")
    org.add_argument(
        "--org",
        action="store_true",
        help="scan every ACTIVE account of the AWS organisation (run with the management account's "
        "credentials): the named role is assumed in each member account",
    )
    org.add_argument(
        "--role-name",
        default=os.environ.get("RINGFENCE_ROLE_NAME", "RingfenceReadOnly"),
        metavar="NAME",
        help="the read-only role to assume in each member account (default RingfenceReadOnly; "
        "env RINGFENCE_ROLE_NAME)",
    )
    org.add_argument(
        "--external-id",
        default=os.environ.get("RINGFENCE_EXTERNAL_ID"),
        metavar="ID",
        help="the external id the role's trust policy requires (env RINGFENCE_EXTERNAL_ID)",
    )
    org.add_argument("--accounts", type=_csv_list, metavar="IDS", help="only these account ids")
    org.add_argument(
        "--exclude-accounts", type=_csv_list, default=[], metavar="IDS", help="skip these account ids"
    )
    org.add_argument(
        "--ou",
        type=_csv_list,
        default=[],
        metavar="IDS",
        help="only accounts under these organizational units or roots (ou-..., r-...), nested OUs included",
    )
    org.add_argument(
        "--max-per-account",
        type=int,
        default=8,
        metavar="N",
        help="concurrent collectors in one account (API rate limits are per account; default 8)",
    )
    org.add_argument(
        "--resume",
        metavar="SCAN_ID",
        help="continue an interrupted --org scan: only its unfinished accounts are scanned again",
    )
    p.add_argument(
        "--skip-services",
        type=_csv_list,
        default=[],
        metavar="NAMES",
        help="do not collect these services or collectors (e.g. cloudformation,s3 or ec2.instances); "
        "the report says what was skipped",
    )
    p.add_argument(
        "--detect-drift",
        action="store_true",
        help="start CloudFormation drift detection on every stack (slow; the one non-read call besides "
        "iam:GenerateCredentialReport)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ringfence",
        description="Prove an AWS estate is as secure as its architects claim, and keep it that way.",
    )
    parser.add_argument("--version", action="version", version=f"ringfence {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = sub.add_parser(
        "demo",
        help="build the demo estate on a local AWS emulator, scan it and write ringfence-report.html",
        description=(
            "Start a local AWS emulator (moto) on 127.0.0.1, build the case studies' estate on it through "
            "real AWS API calls, scan it like a real account, print a summary, write the HTML report "
            "(ringfence-report.html unless --output/--format say otherwise) and store the scan. "
            "No AWS account or internet needed."
        ),
    )
    _add_output_options(
        demo, default_note="; demo default: summary on the terminal and ringfence-report.html"
    )
    _add_gate_options(demo)
    _add_selection_options(demo)
    _add_store_options(demo)
    demo.add_argument("--no-store", action="store_true", help="do not save the scan in the history")
    demo.add_argument(
        "--skip-services",
        type=_csv_list,
        default=[],
        metavar="NAMES",
        help="do not collect these services or collectors (the report says what was skipped)",
    )

    scan = sub.add_parser(
        "scan",
        help="scan an AWS account with the standard credential chain",
        description=(
            "Scan the account the credentials belong to (boto3 credential chain: --profile, environment, "
            "SSO). Read-only; the only write call is iam:GenerateCredentialReport."
        ),
    )
    scan.add_argument("--profile", help="AWS named profile (also SSO profiles)")
    scan.add_argument(
        "--regions", type=_csv_list, metavar="REGIONS", help="comma-separated regions (default: all enabled)"
    )
    scan.add_argument(
        "--endpoint-url",
        default=os.environ.get("RINGFENCE_ENDPOINT_URL"),
        help="an AWS-compatible endpoint (e.g. a local emulator); env RINGFENCE_ENDPOINT_URL",
    )
    scan.add_argument("--max-workers", type=int, default=16, help="concurrent API calls (default 16)")
    _add_org_options(scan)
    _add_output_options(scan)
    _add_gate_options(scan)
    _add_selection_options(scan)
    _add_store_options(scan)
    scan.add_argument("--no-store", action="store_true", help="do not save the scan in the history")

    controls = sub.add_parser(
        "controls", help="list the control catalogue and where each control is implemented"
    )
    controls.add_argument("--format", choices=("table", "json"), default="table")

    history = sub.add_parser("history", help="list stored scans")
    history.add_argument("--limit", type=int, default=20, help="how many scans (default 20)")
    history.add_argument("--format", choices=("table", "json"), default="table")
    _add_store_options(history)

    from ringfence.network.command import add_reach_parser
    from ringfence.probe.command import add_probe_parser
    from ringfence.sources.iac.command import add_iac_parser

    add_reach_parser(sub)
    add_iac_parser(sub)
    add_probe_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "demo": _cmd_demo,
        "scan": _cmd_scan,
        "controls": _cmd_controls,
        "history": _cmd_history,
        "reach": _cmd_reach,
        "iac": _cmd_iac,
        "probe": _cmd_probe,
    }
    try:
        return handlers[args.command](args)
    except UsageError as exc:
        _say(f"ringfence: error: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _say("ringfence: interrupted; nothing was stored")
        return EXIT_INTERRUPTED


def _configure_logging(verbosity: int) -> None:
    level = logging.ERROR if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if verbosity < 2:
        for noisy in ("botocore", "boto3", "urllib3", "werkzeug"):
            logging.getLogger(noisy).setLevel(logging.ERROR)


def _say(message: str) -> None:
    print(message, file=sys.stderr)


# --- scan and demo -------------------------------------------------------------------------------


def _output_plan(args: argparse.Namespace, *, demo: bool) -> tuple[str, Path | None]:
    """(format, file or None for stdout), validated before any work is done."""
    fmt: str | None = args.format
    output: Path | None = Path(args.output) if args.output else None
    if output is None and demo and fmt is None:
        output, fmt = Path("ringfence-report.html"), "html"
    if output is not None and fmt is None:
        fmt = _EXTENSIONS.get(output.suffix.lower(), "table")
    fmt = fmt or "table"
    if output is not None:
        _check_writable(output)
    return fmt, output


def _check_writable(path: Path) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"the output path {path} is a directory")
    if not parent.is_dir():
        raise UsageError(f"cannot write {path}: the directory {parent} does not exist")
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f"cannot write {path}: permission denied")
    if not path.exists() and not os.access(parent, os.W_OK):
        raise UsageError(f"cannot write {path}: the directory {parent} is not writable")


def _settings(args: argparse.Namespace) -> Settings:
    try:
        return load_settings(args.config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def _open_store(url: str | None) -> Any:
    from ringfence.store import ScanStore, StoreError

    try:
        return ScanStore(url)
    except StoreError as exc:
        raise UsageError(str(exc)) from None


def _finish(args: argparse.Namespace, result: ScanResult, fmt: str, output: Path | None, store: Any) -> int:
    from ringfence.checks.registry import all_checks
    from ringfence.report import print_summary, render
    from ringfence.store import StoreError

    if store is not None:
        try:
            store.finish(result)
        except StoreError as exc:
            raise UsageError(str(exc)) from None
        finally:
            store.close()
    metas = {cid: c.meta for cid, c in all_checks().items()}
    from rich.console import Console

    if output is not None:
        text = render(result, fmt, checks=metas)
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
        print_summary(result, Console(file=sys.stdout))
        _say(f"report written to {output}")
    elif fmt == "table":
        sys.stdout.write(render(result, "table", checks=metas))
        print_summary(result, Console(file=sys.stdout))
    else:
        sys.stdout.write(render(result, fmt, checks=metas))
        print_summary(result, Console(file=sys.stderr))
    if store is not None:
        _say(f"scan {result.info.id[:12]} stored")
    return result.exit_code(args.fail_on, include_unknown=args.fail_on_unknown)


def _cmd_scan(args: argparse.Namespace) -> int:
    from ringfence.scanner import ScanOptions
    from ringfence.sources.aws.errors import ScanAborted
    from ringfence.sources.aws.session import AwsOptions

    fmt, output = _output_plan(args, demo=False)
    if args.max_workers < 1:
        raise UsageError("--max-workers must be at least 1")
    if args.max_per_account < 1:
        raise UsageError("--max-per-account must be at least 1")
    org_only = [
        flag
        for flag, given in (
            ("--accounts", args.accounts),
            ("--exclude-accounts", args.exclude_accounts),
            ("--ou", args.ou),
            ("--resume", args.resume),
        )
        if given
    ]
    if org_only and not args.org:
        raise UsageError(f"{', '.join(org_only)} need --org")
    if args.resume and args.no_store:
        raise UsageError("--resume continues a stored scan: it cannot be used with --no-store")
    settings = _settings(args)
    store = None if args.no_store else _open_store(args.db)
    options = ScanOptions(
        aws=AwsOptions(
            profile=args.profile,
            endpoint_url=args.endpoint_url,
            max_workers=args.max_workers,
            max_per_account=args.max_per_account,
        ),
        regions=args.regions,
        controls=args.controls,
        skip_controls=args.skip_controls,
        params=settings.params,
        tiers=settings.tiers,
        environments=settings.environments,
        suppressions=settings.suppressions,
        min_severity=args.min_severity,
        org=_org_options(args),
        skip_services=args.skip_services,
        detect_drift=args.detect_drift,
    )
    try:
        result = _run_live_scan(options, store, resume=args.resume)
    except _ScanKept:
        return EXIT_INTERRUPTED
    except ScanAborted as exc:
        if store is not None:
            store.close()
        raise UsageError(str(exc)) from None
    except ValueError as exc:  # unknown control ids, bad parameters
        raise UsageError(str(exc)) from None
    except Exception as exc:
        if _is_profile_error(exc):
            raise UsageError(str(exc)) from None
        raise
    return _finish(args, result, fmt, output, store)


def _org_options(args: argparse.Namespace) -> Any:
    if not args.org:
        return None
    from ringfence.scanner import OrgOptions
    from ringfence.sources.aws.assume import RoleSpec

    if not args.role_name.strip():
        raise UsageError("--role-name must not be empty")
    return OrgOptions(
        role=RoleSpec(name=args.role_name.strip(), external_id=args.external_id or None),
        accounts=args.accounts,
        exclude_accounts=args.exclude_accounts,
        ous=args.ou,
    )


def _run_live_scan(options: Any, store: Any, *, resume: str | None) -> ScanResult:
    """Run a scan with its progress shown; an --org scan with a store keeps each finished account,
    so that Ctrl-C or a crash loses nothing stored and --resume continues it."""
    from ringfence.scanner import scan
    from ringfence.sources.aws.progress import ScanProgress, show_progress
    from ringfence.store import StoreError

    progress = ScanProgress()
    interactive = sys.stderr.isatty() and not os.environ.get("CI")
    if not interactive and options.org is not None:
        logging.getLogger("ringfence.progress").setLevel(logging.INFO)
    progress.listeners.append(_note_printer(interactive))
    checkpoint: Any = store if (store is not None and options.org is not None) else None
    try:
        state = store.resume_state(resume) if (resume and store is not None) else None
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    begun: list[str] = []

    class _Checkpoint:
        def begin_scan(self, scan_id: str, started: str, source: str) -> None:
            begun.append(scan_id)
            checkpoint.begin_scan(scan_id, started, source)

        def account_done(self, scan_id: str, account: str, collected: Any) -> None:
            checkpoint.account_done(scan_id, account, collected)

    try:
        with show_progress(progress, interactive=interactive):
            return scan(
                options, progress=progress, checkpoint=_Checkpoint() if checkpoint else None, resume=state
            )
    except KeyboardInterrupt:
        scan_id = state.scan_id if state else (begun[0] if begun else None)
        if scan_id is None:
            raise
        if store is not None:
            store.close()
        _say(
            f"ringfence: interrupted; the {progress.accounts_done} finished account(s) are kept in scan "
            f"{scan_id[:12]}: continue it with `ringfence scan --org --resume {scan_id[:12]}` "
            "(it is not in the history until it completes)"
        )
        raise _ScanKept from None


class _ScanKept(Exception):
    """Ctrl-C during an --org scan whose finished accounts are stored (the message is said)."""


def _note_printer(interactive: bool) -> Callable[[str, dict[str, Any]], None]:
    def show(event: str, fields: dict[str, Any]) -> None:
        if event == "note" and not interactive:
            _say(f"ringfence: {fields['text']}")

    return show


def _is_profile_error(exc: Exception) -> bool:
    from botocore.exceptions import ProfileNotFound

    return isinstance(exc, ProfileNotFound)


def _cmd_demo(args: argparse.Namespace) -> int:
    from ringfence.demo.run import run_demo

    fmt, output = _output_plan(args, demo=True)
    settings = _settings(args)
    store = None if args.no_store else _open_store(args.db)
    _say("starting a local AWS emulator on 127.0.0.1 and building the demo estate ...")
    try:
        result = _with_progress(
            lambda hooks: run_demo(
                settings=settings,
                controls=args.controls,
                skip_controls=args.skip_controls,
                min_severity=args.min_severity,
                skip_services=args.skip_services,
                **hooks,
            )
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return _finish(args, result, fmt, output, store)


def _with_progress(run: Callable[[dict[str, Any]], ScanResult]) -> ScanResult:
    """Run a scan with a progress bar on an interactive terminal, silently otherwise."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return run({})
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} collectors"),
        TimeElapsedColumn(),
        transient=True,
        console=_stderr_console(),
    ) as progress:
        task = progress.add_task("scanning", total=None)

        def on_plan(total: int) -> None:
            progress.update(task, total=total)

        def on_progress(account: str, region: str, name: str) -> None:
            progress.update(task, advance=1, description=f"{account} {region or 'global'}")

        return run({"on_plan": on_plan, "on_progress": on_progress})


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(file=sys.stderr)


# --- controls and history --------------------------------------------------------------------------


def _cmd_controls(args: argparse.Namespace) -> int:
    from ringfence.coverage import controls_rows
    from ringfence.report.listings import render_controls_table

    rows = controls_rows()
    if args.format == "json":
        sys.stdout.write(json.dumps({"controls": rows}, indent=2) + "\n")
    else:
        sys.stdout.write(render_controls_table(rows))
    return EXIT_OK


def _cmd_probe(args: argparse.Namespace) -> int:
    from ringfence.probe.command import run_probe_command

    return run_probe_command(args)


def _cmd_iac(args: argparse.Namespace) -> int:
    from ringfence.sources.iac.command import run_iac_command

    return run_iac_command(args)


def _cmd_reach(args: argparse.Namespace) -> int:
    from ringfence.network.command import run_reach_command

    return run_reach_command(args)


def _cmd_history(args: argparse.Namespace) -> int:
    from ringfence.report.listings import render_history
    from ringfence.store import StoreError

    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    store = _open_store(args.db)
    try:
        scans = store.list_scans(limit=args.limit)
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    sys.stdout.write(render_history(scans, args.format))
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
