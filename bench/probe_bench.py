"""Benchmark: full protocol and cipher-suite enumeration of one endpoint, ringfence against sslyze.

Starts nginx on 127.0.0.1 serving an AWS policy (TLS 1.0 to 1.3, RSA and ECDSA certificates), then
times, as separate processes on the same server: `ringfence probe` (every protocol, every suite of
its table, plus the chain) and sslyze (SSLv3, TLS 1.0, 1.1, 1.2 and 1.3 cipher-suite scans). Prints
the wall times, the ratio, and whether both found the same accepted set.

sslyze is AGPL: it lives in its own virtualenv and is only ever run as a separate process:

    python3 -m venv bench/.envs/sslyze && bench/.envs/sslyze/bin/pip install sslyze
    .venv/bin/python bench/probe_bench.py [--runs 5] [--policy NAME]

Never run by the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "probe"))

from probe_pki import ec_key, make_ca, make_leaf, rsa_key, write_identity  # noqa: E402
from probe_servers import Nginx, find_nginx, tls_block  # noqa: E402

from ringfence.probe.ciphers import candidate_pairs  # noqa: E402
from ringfence.probe.policies import find_policy, policy_suites  # noqa: E402

SSLYZE = ROOT / "bench" / ".envs" / "sslyze" / "bin" / "python"
SSLYZE_VERSIONS = {
    "ssl_3_0_cipher_suites": "SSLv3",
    "tls_1_0_cipher_suites": "TLSv1",
    "tls_1_1_cipher_suites": "TLSv1.1",
    "tls_1_2_cipher_suites": "TLSv1.2",
    "tls_1_3_cipher_suites": "TLSv1.3",
}
Pairs = set[tuple[str, str]]


# `ringfence probe ARGV` the way the CLI runs it (the lead wires it into cli.py), in a fresh
# interpreter that imports nothing of this benchmark.
RINGFENCE_CHILD = """
import argparse, sys
from ringfence.probe.command import add_probe_parser, run_probe_command
parser = argparse.ArgumentParser(prog="ringfence")
add_probe_parser(parser.add_subparsers(dest="command"))
sys.exit(run_probe_command(parser.parse_args(["probe", *sys.argv[1:]])))
"""


# Scan only: each tool already imported, the clock around the scan call (connectivity test included).
RINGFENCE_SCAN_ONLY = """
import sys, time
from ringfence.probe.engine import ProbeOptions, probe
from ringfence.probe.runner import Limits
from ringfence.probe.targets import parse_target, resolve_all
endpoints = resolve_all([parse_target(sys.argv[1])], allow_private=True)
started = time.perf_counter()
report = probe(endpoints, ProbeOptions(limits=Limits(per_endpoint=int(sys.argv[2]))))
print(time.perf_counter() - started, len(report.endpoints[0].accepted))
"""
SSLYZE_SCAN_ONLY = """
import sys, time
from sslyze import Scanner, ScanCommand, ServerNetworkLocation, ServerScanRequest
commands = {ScanCommand.SSL_3_0_CIPHER_SUITES, ScanCommand.TLS_1_0_CIPHER_SUITES, ScanCommand.TLS_1_1_CIPHER_SUITES,
            ScanCommand.TLS_1_2_CIPHER_SUITES, ScanCommand.TLS_1_3_CIPHER_SUITES}
request = ServerScanRequest(server_location=ServerNetworkLocation("127.0.0.1", int(sys.argv[1])), scan_commands=commands)
started = time.perf_counter()
scanner = Scanner()
scanner.queue_scans([request])
results = list(scanner.get_results())
result = results[0].scan_result
accepted = sum(len(getattr(result, c.value).result.accepted_cipher_suites) for c in commands)
print(time.perf_counter() - started, accepted)
"""

CHILD_ENV: dict[str, str] = {}


def child_env(cache: Path) -> dict[str, str]:
    """Both tools run with bytecode cached (as after a pip install) in one scratch directory, even
    where the environment sets PYTHONDONTWRITEBYTECODE: otherwise every run of ringfence (an
    editable install) would recompile its sources while sslyze's wheels bring compiled bytecode."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


CPU: dict[str, list[float]] = {}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], label: str = "") -> tuple[float, subprocess.CompletedProcess[bytes]]:
    """Wall seconds of one child process; its CPU seconds (user + system, every thread) go to
    CPU[label]: on a shared machine the CPU time is the steadier figure."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=False, env=CHILD_ENV or None)
    seconds = time.perf_counter() - started
    if label:
        CPU.setdefault(label, []).append(_children_cpu() - cpu)
    return seconds, done


def run_ringfence(port: int, per_endpoint: int, out: Path, label: str = "") -> tuple[float, Pairs]:
    command = [
        sys.executable, "-c", RINGFENCE_CHILD, f"localhost:{port}", "--allow-private",
        "--format", "json", "--output", str(out), "--per-endpoint", str(per_endpoint),
    ]  # fmt: skip
    seconds, done = timed(command, label)
    if done.returncode not in (0, 1):
        raise SystemExit(f"ringfence failed ({done.returncode}): {done.stderr.decode()}")
    endpoint = json.loads(out.read_text())["endpoints"][0]
    return seconds, {(p["protocol"], p["cipher"]) for p in endpoint["accepted"]}


def scan_only(command: list[str]) -> tuple[float, int]:
    done = subprocess.run(command, capture_output=True, check=False, env=CHILD_ENV or None)
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed: {done.stderr.decode()}")
    seconds, accepted = done.stdout.split()[-2:]
    return float(seconds), int(accepted)


def run_sslyze(port: int, out: Path, label: str = "") -> tuple[float, Pairs]:
    command = [
        str(SSLYZE), "-m", "sslyze", "--quiet", f"--json_out={out}", "--mozilla_config=disable",
        "--sslv3", "--tlsv1", "--tlsv1_1", "--tlsv1_2", "--tlsv1_3", f"127.0.0.1:{port}",
    ]  # fmt: skip
    seconds, done = timed(command, label)
    if done.returncode != 0:
        raise SystemExit(f"sslyze failed ({done.returncode}): {done.stderr.decode()}")
    result = json.loads(out.read_text())["server_scan_results"][0]["scan_result"]
    accepted: Pairs = set()
    for key, label in SSLYZE_VERSIONS.items():
        for suite in result[key]["result"]["accepted_cipher_suites"]:
            accepted.add((label, suite["cipher_suite"]["openssl_name"] or suite["cipher_suite"]["name"]))
    return seconds, accepted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each tool (median reported)")
    parser.add_argument(
        "--policy", default="ELBSecurityPolicy-TLS13-1-0-2021-06", help="the policy nginx serves"
    )
    args = parser.parse_args()
    binary = find_nginx()
    if binary is None:
        raise SystemExit("nginx is not installed: apt-get install -y nginx")
    if not SSLYZE.exists():
        raise SystemExit(f"sslyze is not installed at {SSLYZE}: see this file's docstring")
    policy = find_policy(args.policy)
    with tempfile.TemporaryDirectory(prefix="ringfence-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        CHILD_ENV.update(child_env(tmp / "pycache"))
        root = make_ca("bench root")
        rsa_id = write_identity(tmp, "rsa", make_leaf(root, key=rsa_key(2048)), root)
        ec_id = write_identity(tmp, "ec", make_leaf(root, key=ec_key()), root)
        block = tls_block(
            [rsa_id, ec_id],
            protocols=[p.label for p in policy.protocols],
            ciphers=[s.openssl for s in policy.suites if not s.tls13],
            tls13_ciphers=[s.openssl for s in policy.suites if s.tls13],
        )
        with Nginx(binary, tmp / "nginx", block) as server:
            expected = {(p.protocol.label, p.suite.openssl) for p in policy.pairs()}
            pairs_tried = len(candidate_pairs(policy_suites()))
            for _ in range(2):  # warm caches (bytecode, page cache)
                run_ringfence(server.port, 5, tmp / "warm.json")
                run_sslyze(server.port, tmp / "warm-sslyze.json")
            rf5, rf8, sz = [], [], []
            scan: dict[str, list[float]] = {
                "ringfence (5 per endpoint)": [],
                "ringfence (default, 8)": [],
                "sslyze": [],
            }
            sets: dict[str, Pairs] = {}
            for index in range(args.runs):
                seconds, sets["ringfence (5 per endpoint)"] = run_ringfence(
                    server.port, 5, tmp / f"rf5-{index}.json", "ringfence (5 per endpoint)"
                )
                rf5.append(seconds)
                seconds, sets["ringfence (default, 8)"] = run_ringfence(
                    server.port, 8, tmp / f"rf8-{index}.json", "ringfence (default, 8)"
                )
                rf8.append(seconds)
                seconds, sets["sslyze"] = run_sslyze(server.port, tmp / f"sz-{index}.json", "sslyze")
                sz.append(seconds)
                for name, per in (("ringfence (5 per endpoint)", 5), ("ringfence (default, 8)", 8)):
                    seconds, _ = scan_only(
                        [sys.executable, "-c", RINGFENCE_SCAN_ONLY, f"localhost:{server.port}", str(per)]
                    )
                    scan[name].append(seconds)
                seconds, _ = scan_only([str(SSLYZE), "-c", SSLYZE_SCAN_ONLY, str(server.port)])
                scan["sslyze"].append(seconds)
    median_sz = statistics.median(sz)
    median_scan_sz = statistics.median(scan["sslyze"])
    print(f"nginx serving {policy.key}: {len(expected)} accepted (protocol, suite) pairs configured")
    print(
        f"ringfence tries {pairs_tried} (protocol, suite) pairs one by one plus 2 chain handshakes; "
        f"sslyze (SSLv3..TLS 1.3 cipher scans) about 400"
    )
    median_cpu_sz = statistics.median(CPU["sslyze"])
    print(
        f"{'tool':28} {'process s':>10} {'min':>6} {'max':>6} {'ratio':>6}  {'CPU s':>6} {'ratio':>6}"
        f"  {'scan only s':>11} {'ratio':>6}  accepted set"
    )
    for name, times in (("ringfence (5 per endpoint)", rf5), ("ringfence (default, 8)", rf8), ("sslyze", sz)):
        median = statistics.median(times)
        cpu = statistics.median(CPU[name])
        scan_median = statistics.median(scan[name])
        same = "= configured" if sets[name] == expected else f"DIFFERS ({len(sets[name])} pairs)"
        print(
            f"{name:28} {median:10.2f} {min(times):6.2f} {max(times):6.2f} {median_sz / median:5.1f}x"
            f"  {cpu:6.2f} {median_cpu_sz / cpu:5.1f}x"
            f"  {scan_median:11.3f} {median_scan_sz / scan_median:5.1f}x  {same}"
        )
    print(f"medians of {args.runs} runs; process = wall time of a fresh interpreter (start-up and imports")
    print("included); CPU = that process's user+system time; scan only = wall time of the scan call after")
    print(f"imports; both tools run from cached bytecode. Machine load average now: {os.getloadavg()[0]:.1f}")
    if sets["sslyze"] != sets["ringfence (5 per endpoint)"]:
        only_rf = sorted(sets["ringfence (5 per endpoint)"] - sets["sslyze"])
        only_sz = sorted(sets["sslyze"] - sets["ringfence (5 per endpoint)"])
        print(f"only ringfence: {only_rf}\nonly sslyze: {only_sz}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
