"""Scale: a synthetic organisation on moto (150 member accounts, 2 regions each, a few dozen
resources per account, the same flaws planted in every account), scanned with `--org` semantics.

moto runs in its own process, and so does the scan, so that each one's CPU time and the scan's
peak memory are its own. Reports wall time, ringfence's CPU, moto's CPU (the floor: moto serves a
few hundred calls a second), API calls, calls per resource, peak memory, and whether every planted
flaw was found in every account.

    .venv/bin/python bench/org_scale_bench.py [--accounts 150] [--workers 16]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import botocore.session
from botocore.config import Config

KEY, SECRET = "AKIADEMODEMODEMO0000", "demo-secret-not-a-real-key"
REGIONS = ("ap-southeast-2", "us-east-1")
HOME = REGIONS[0]
ROLE = "RingfenceReadOnly"
# control -> how its planted resource is named in each account (a part of the finding's resource id)
FLAWS = ("NET-01", "ENC-02", "ENC-07", "ENC-08", "IAM-02")


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_of(pid: int) -> float:
    """utime + stime of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("moto did not start")


_SESSIONS: dict[tuple[str, str, str | None], Any] = {}
_CLIENTS: dict[tuple[str, str, tuple[str, str, str | None]], Any] = {}
_LOCK = threading.Lock()


def client(
    service: str, url: str, region: str = HOME, creds: tuple[str, str, str | None] = (KEY, SECRET, None)
) -> Any:
    """A cached client; sessions share the parsed service models (loading EC2's costs ~200 ms)."""
    key = (service, region, creds)
    with _LOCK:
        found = _CLIENTS.get(key)
        if found is None:
            sess = _SESSIONS.get(creds)
            if sess is None:
                core = botocore.session.Session()
                if _SESSIONS:
                    first = next(iter(_SESSIONS.values()))
                    core.register_component("data_loader", first._session.get_component("data_loader"))
                sess = _SESSIONS[creds] = boto3.Session(
                    aws_access_key_id=creds[0],
                    aws_secret_access_key=creds[1],
                    aws_session_token=creds[2],
                    botocore_session=core,
                )
            found = _CLIENTS[key] = sess.client(
                service,
                region_name=region,
                endpoint_url=url,
                config=Config(retries={"mode": "standard", "max_attempts": 3}),
            )
        return found


def build_account(url: str, account: str) -> None:
    sts = client("sts", url)
    c = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", RoleSessionName="build"
    )
    creds = (
        c["Credentials"]["AccessKeyId"],
        c["Credentials"]["SecretAccessKey"],
        c["Credentials"]["SessionToken"],
    )
    iam = client("iam", url, creds=creds)
    iam.create_role(
        RoleName=ROLE, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []})
    )
    iam.create_user(UserName="ops-admin")
    iam.create_login_profile(UserName="ops-admin", Password="Rf-bench-Passw0rd!")  # IAM-02: console, no MFA
    for region in REGIONS:
        ec2 = client("ec2", url, region, creds)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        for i, tier in enumerate(("public", "app", "data")):
            ec2.create_subnet(
                VpcId=vpc,
                CidrBlock=f"10.0.{i}.0/24",
                AvailabilityZone=f"{region}a",
                TagSpecifications=[
                    {"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": f"bench-{tier}"}]}
                ],
            )
        sg = ec2.create_security_group(GroupName="bench-admin", Description="admin", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(  # NET-01: SSH from anywhere
            GroupId=sg,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
            ],
        )
        ec2.create_volume(Size=1, AvailabilityZone=f"{region}a", Encrypted=False)  # ENC-02
        kms = client("kms", url, region, creds)
        kms.create_key(Description="bench data key")  # ENC-08: rotation off
    s3 = client("s3", url, HOME, creds)
    name = f"bench-data-{account}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": HOME})
    s3.put_bucket_encryption(  # ENC-07: SSE-S3 only
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )


def build(url: str, members: int) -> list[str]:
    org = client("organizations", url, "us-east-1")
    org.create_organization(FeatureSet="ALL")
    accounts = [
        org.create_account(AccountName=f"member-{i:03d}", Email=f"m{i}@bench.example")["CreateAccountStatus"][
            "AccountId"
        ]
        for i in range(members)
    ]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda a: build_account(url, a), accounts))
    return accounts


def scan_child(url: str, workers: int, per_account: int, out: str) -> None:
    """The scan, in a process of its own: prints its figures as JSON."""
    from ringfence.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY
    from ringfence.model import Status
    from ringfence.scanner import OrgOptions, ScanOptions, scan
    from ringfence.sources.aws.assume import RoleSpec
    from ringfence.sources.aws.session import AwsOptions, CallLog

    log = CallLog()
    options = ScanOptions(
        aws=AwsOptions(
            endpoint_url=url,
            home_region=HOME,
            access_key_id=DEMO_ACCESS_KEY,
            secret_access_key=DEMO_SECRET_KEY,
            max_workers=workers,
            max_per_account=per_account,
        ),
        regions=list(REGIONS),
        org=OrgOptions(role=RoleSpec(name=ROLE)),
    )
    started, cpu = time.perf_counter(), time.process_time()
    result = scan(options, call_log=log)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    failing: dict[str, set[str]] = {}
    management = result.info.accounts[0]
    for f in result.findings:
        if f.status is Status.FAIL and f.control_id in FLAWS and f.account != management:
            if f.control_id == "IAM-02" and "user/ops-admin" not in f.resource_id:
                continue  # the root user's missing MFA is not the planted flaw
            failing.setdefault(f.control_id, set()).add(f.account)
    gaps: dict[str, int] = {}
    for g in result.info.coverage_gaps:
        key = f"{g.service}:{g.operation}:{g.error_code}"
        gaps[key] = gaps.get(key, 0) + 1
    figures = {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "calls": log.total,
        "throttles": log.throttles,
        "retries": log.retries,
        "resources": len(result.inventory),
        "accounts": len(result.info.accounts),
        "findings": len(result.findings),
        "peak_rss_mb": peak_rss_mb(),
        "flaw_accounts": {c: len(failing.get(c, ())) for c in FLAWS},
        "gaps": gaps,
        "top_calls": log.calls.most_common(8),
    }
    Path(out).write_text(json.dumps(figures))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=150, help="member accounts (default 150)")
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--per-account", type=int, default=8)
    parser.add_argument("--scan-child", nargs=2, metavar=("URL", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scan_child:
        scan_child(args.scan_child[0], args.workers, args.per_account, args.scan_child[1])
        return 0
    moto, url = start_moto()
    try:
        started = time.perf_counter()
        members = build(url, args.accounts)
        print(f"built {len(members)} member accounts (+ management) in {time.perf_counter() - started:.0f} s")
        out = Path(f"/tmp/org_scale_{os.getpid()}.json")
        moto_cpu = cpu_of(moto.pid)
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--scan-child",
                url,
                str(out),
                "--workers",
                str(args.workers),
                "--per-account",
                str(args.per_account),
            ],
            check=True,
        )
        moto_cpu = cpu_of(moto.pid) - moto_cpu
        figures = json.loads(out.read_text())
        out.unlink()
    finally:
        moto.terminate()
        moto.wait(10)
    accounts = figures["accounts"]
    members = args.accounts  # the flaws are planted in every member account
    members = args.accounts  # the flaws are planted in every member account
    print(json.dumps(figures, indent=1))
    print()
    print(
        f"accounts scanned        {accounts} ({args.accounts} members + management), {len(REGIONS)} regions each"
    )
    print(f"wall time               {figures['wall_s']:.1f} s")
    print(
        f"ringfence CPU           {figures['cpu_s']:.1f} s  ({figures['cpu_s'] / moto_cpu:.2f} x moto's; target < 0.33)"
    )
    print(
        f"moto CPU (the floor)    {moto_cpu:.1f} s  (wall / moto CPU = {figures['wall_s'] / moto_cpu:.2f}; target <= 1.5)"
    )
    print(
        f"API calls               {figures['calls']} ({figures['calls'] / max(1, figures['resources']):.2f} per resource, "
        f"{figures['resources']} resources; {figures['calls'] / max(1, figures['wall_s']):.0f} calls/s)"
    )
    print(f"peak memory (scan)      {figures['peak_rss_mb']:.0f} MB (target < 500)")
    missing = {c: members - n for c, n in figures["flaw_accounts"].items() if n < members}
    print(
        f"planted flaws           {', '.join(FLAWS)} in each of the {members} member accounts: {missing or 'all found'}"
    )
    return 0 if not missing else 1


if __name__ == "__main__":
    raise SystemExit(main())
