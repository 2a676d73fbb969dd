"""ringfence vs Prowler on the same demo estate, one region, side by side in one run.

The demo organisation (`ringfence demo`'s estate: management account plus the insurtech's dev,
staging, prod, log-archive and security accounts) is built on a moto server in its own process.
Then, each in a process of its own so that CPU and peak memory are its own:

- ringfence scans the WHOLE organisation (--org, every account) in the region;
- ringfence scans the management account alone (what Prowler covers in one run);
- Prowler scans the management account (AWS_ENDPOINT_URL at the same moto, `-f REGION`,
  `--aws-retries-max-attempts 0`).

Prints wall time and peak memory of each and the ratios, and checks detection: every planted flaw
that Prowler reports as FAIL with a check that maps to one of our controls must be a FAIL of that
control in ringfence's report too.

    python3 -m venv bench/.envs/prowler && bench/.envs/prowler/bin/pip install prowler
    .venv/bin/python bench/org_prowler_bench.py [--region ap-southeast-2] [--prowler-defaults]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from org_scale_bench import cpu_of, peak_rss_mb, start_moto

ROOT = Path(__file__).resolve().parents[1]
PROWLER = ROOT / "bench" / ".envs" / "prowler" / "bin" / "prowler"
KEY, SECRET = "AKIADEMODEMODEMO0000", "demo-secret-not-a-real-key"

# Prowler check -> the ringfence control that covers the same property.
PROWLER_TO_CONTROL = {
    "ec2_ebs_default_encryption": "ENC-01",
    "ec2_ebs_volume_encryption": "ENC-02",
    "ec2_ebs_snapshots_encrypted": "ENC-04",
    "ec2_ebs_public_snapshot": "ENC-04",
    "efs_encryption_at_rest_enabled": "ENC-05",
    "rds_instance_storage_encrypted": "ENC-06",
    "s3_bucket_kms_encryption": "ENC-07",
    "kms_cmk_rotation_enabled": "ENC-08",
    "s3_account_level_public_access_blocks": "S3-01",
    "s3_bucket_public_access": "S3-02",
    "s3_bucket_policy_public_write_access": "S3-02",
    "rds_instance_no_public_access": "RDS-01",
    "ec2_instance_imdsv2_enabled": "EC2-01",
    "ec2_instance_profile_attached": "IAM-04",
    "iam_root_mfa_enabled": "IAM-02",
    "iam_root_hardware_mfa_enabled": "IAM-02",
    "iam_user_mfa_enabled_console_access": "IAM-02",
    "vpc_flow_logs_enabled": "NET-12",
    "ec2_securitygroup_default_restrict_traffic": "NET-06",
    "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22": "NET-01",
    "ec2_securitygroup_allow_ingress_from_internet_to_port_22": "NET-01",
    "ec2_instance_port_ssh_exposed_to_internet": "NET-01",
    "rds_instance_transport_encrypted": "TLS-05",
    "rds_instance_certificate_expiration": "TLS-10",
    "ec2_securitygroup_allow_ingress_from_internet_to_all_ports": "NET-03",
    "cloudtrail_kms_encryption_enabled": "LOG-01",
    "elbv2_insecure_ssl_ciphers": "TLS-01",
    "elbv2_ssl_listeners": "TLS-02",
    "elb_ssl_listeners": "TLS-02",
    "elb_insecure_ssl_ciphers": "TLS-01",
    "acm_certificates_expiration_check": "CERT-01",
    "iam_policy_allows_privilege_escalation": "IAM-05",
    "iam_aws_attached_policy_no_administrative_privileges": "IAM-05",
    "iam_customer_attached_policy_no_administrative_privileges": "IAM-05",
    "iam_inline_policy_no_administrative_privileges": "IAM-05",
}


class PeakMemory:
    """Polls a process tree's resident memory (VmHWM of each process, summed) until it exits."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            try:
                for tid in os.listdir(f"/proc/{pid}/task"):
                    children = Path(f"/proc/{pid}/task/{tid}/children").read_text().split()
                    todo.extend(int(c) for c in children)
            except OSError:
                pass
        return pids

    def _poll(self) -> None:
        while not self._stop.is_set():
            total = 0.0
            for pid in self._tree():
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            total += int(line.split()[1]) / 1024
                except OSError:
                    pass
            self.peak_mb = max(self.peak_mb, total)
            time.sleep(0.1)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb


def ringfence_child(url: str, estate_file: str, region: str, org: bool, out: str) -> None:
    from ringfence.demo.run import demo_options
    from ringfence.model import Status
    from ringfence.scanner import scan
    from ringfence.sources.aws.session import CallLog

    estate = json.loads(Path(estate_file).read_text())

    class Estate:
        home_region = region
        regions = (region,)
        params = estate["params"]
        role_name = estate["role_name"]

    options = demo_options(url, Estate)
    if not org:
        from dataclasses import replace

        options = replace(options, org=None)
    log = CallLog()
    wall, cpu = time.perf_counter(), time.process_time()
    result = scan(options, call_log=log)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    fails = [[f.control_id, f.resource_id, f.account] for f in result.findings if f.status is Status.FAIL]
    Path(out).write_text(
        json.dumps(
            {
                "wall_s": wall,
                "cpu_s": cpu,
                "peak_mb": peak_rss_mb(),
                "calls": log.total,
                "accounts": len(result.info.accounts),
                "resources": len(result.inventory),
                "fails": fails,
                "gaps": len(result.info.coverage_gaps),
            }
        )
    )


def run_ringfence(url: str, estate_file: str, region: str, org: bool) -> dict[str, Any]:
    out = tempfile.mktemp(suffix=".json")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--ringfence-child",
            url,
            estate_file,
            region,
            "org" if org else "one",
            out,
        ]
    )
    memory = PeakMemory(proc.pid)
    proc.wait()
    wall = time.perf_counter() - started
    peak = memory.stop()
    figures = dict(json.loads(Path(out).read_text()))
    figures["process_wall_s"] = wall  # including interpreter start-up and imports
    figures["process_peak_mb"] = max(peak, figures["peak_mb"])
    return figures


def run_prowler(url: str, region: str, defaults: bool) -> dict[str, Any]:
    outdir = tempfile.mkdtemp(prefix="prowler-")
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
    }
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        env.pop(var, None)
    cmd = [
        str(PROWLER),
        "aws",
        "-f",
        region,
        "-M",
        "json-ocsf",
        "-o",
        outdir,
        "-F",
        "prowler",
        "--no-banner",
        "-z",
    ]
    if not defaults:
        cmd += ["--aws-retries-max-attempts", "0"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    memory = PeakMemory(proc.pid)
    code = proc.wait()
    wall = time.perf_counter() - started
    peak = memory.stop()
    findings: list[dict[str, Any]] = []
    for path in Path(outdir).rglob("*.ocsf.json"):
        text = path.read_text().strip()
        if text:
            findings.extend(json.loads(text if text.startswith("[") else f"[{text.rstrip(',')}]"))
    fails = []
    for f in findings:
        if f.get("status_code") != "FAIL":
            continue
        check = (f.get("metadata") or {}).get("event_code") or f.get("event_code") or ""
        uids = " ".join(
            str(r.get("uid", "")) + " " + str(r.get("name", "")) for r in f.get("resources") or []
        )
        fails.append([check, uids])
    return {"wall_s": wall, "peak_mb": peak, "exit": code, "findings": len(findings), "fails": fails}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--region", default="ap-southeast-2")
    parser.add_argument("--prowler-defaults", action="store_true", help="Prowler with its default retries")
    parser.add_argument("--ringfence-child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ringfence_child:
        url, estate_file, region, mode, out = args.ringfence_child
        ringfence_child(url, estate_file, region, mode == "org", out)
        return 0
    if not PROWLER.exists():
        print(f"Prowler is not installed at {PROWLER}: see this script's docstring", file=sys.stderr)
        return 2
    from ringfence.demo.organization import build_demo_organization

    moto, url = start_moto()
    try:
        started = time.perf_counter()
        estate = build_demo_organization(url)
        print(
            f"built the demo organisation ({len(estate.account_ids)} accounts) in {time.perf_counter() - started:.0f} s"
        )
        estate_file = tempfile.mktemp(suffix=".json")
        Path(estate_file).write_text(json.dumps({"params": estate.params, "role_name": estate.role_name}))
        results: dict[str, dict[str, Any]] = {}
        for name, runner in (
            ("ringfence --org (6 accounts)", lambda: run_ringfence(url, estate_file, args.region, True)),
            ("ringfence (management account)", lambda: run_ringfence(url, estate_file, args.region, False)),
            ("prowler (management account)", lambda: run_prowler(url, args.region, args.prowler_defaults)),
        ):
            before = cpu_of(moto.pid)
            results[name] = runner()
            results[name]["moto_cpu_s"] = cpu_of(moto.pid) - before
            print(f"{name}: {results[name]['wall_s']:.1f} s", flush=True)
    finally:
        moto.terminate()
        moto.wait(10)

    org, one, prowler = results.values()
    print()
    print(f"{'':34} {'wall s':>8} {'process s':>10} {'peak MB':>8} {'calls':>6} {'moto CPU s':>10}")
    for name, r in results.items():
        print(
            f"{name:34} {r['wall_s']:8.1f} {r.get('process_wall_s', r['wall_s']):10.1f} "
            f"{r.get('process_peak_mb', r['peak_mb']):8.0f} {r.get('calls', '-')!s:>6} {r['moto_cpu_s']:10.1f}"
        )
    p_wall, p_mem = prowler["wall_s"], prowler["peak_mb"]
    for name, r in (("org", org), ("one account", one)):
        wall = r["process_wall_s"]
        print(
            f"ringfence {name}: {p_wall / wall:.1f}x faster than Prowler on one account (target >= 15), "
            f"{r['process_peak_mb'] / p_mem:.2f} of its peak memory (target <= 0.2)"
        )

    # detection: planted flaws Prowler fails with a check that maps to one of our controls
    ours = {(c, rid) for c, rid, _ in org["fails"]}
    detected, missed, prowler_only_unmapped = [], [], set()
    for flaw in estate.flaws:
        if flaw.control_id not in set(PROWLER_TO_CONTROL.values()):
            continue
        hits = [
            check
            for check, uids in prowler["fails"]
            if flaw.resource_hint in uids and PROWLER_TO_CONTROL.get(check) == flaw.control_id
        ]
        if not hits:
            continue
        found = any(c == flaw.control_id and flaw.resource_hint in rid for c, rid in ours)
        (detected if found else missed).append(f"{flaw.control_id} {flaw.resource_hint} ({hits[0]})")
    for check, _ in prowler["fails"]:
        if check not in PROWLER_TO_CONTROL:
            prowler_only_unmapped.add(check)
    print(
        f"planted flaws Prowler detects with a check we map to a control: {len(detected) + len(missed)}; "
        f"ringfence detects {len(detected)} of them"
    )
    for line in missed:
        print(f"  MISSED by ringfence: {line}")
    print(
        f"Prowler FAIL findings: {len(prowler['fails'])} ({len(prowler_only_unmapped)} checks without a mapped control)"
    )
    return 0 if not missed else 1


if __name__ == "__main__":
    raise SystemExit(main())
