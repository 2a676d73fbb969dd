"""Fixtures for the scan store: database URLs (SQLite file, PostgreSQL schema) and sample scans."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, exc, make_url, text

from ringfence.model import (
    Account,
    Bucket,
    CoverageGap,
    EncryptionRule,
    Finding,
    Inventory,
    PublicAccessBlock,
    RegionSettings,
    Resource,
    ScanInfo,
    ScanResult,
    SecurityGroup,
    Severity,
    SgRule,
    SourceLocation,
    Status,
    Volume,
)
from ringfence.store import ScanStore

PG_URL = os.environ.get("RINGFENCE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ACCOUNT = "123456789012"
REGION = "eu-west-1"

MakeResult = Callable[..., ScanResult]
OpenStore = Callable[..., ScanStore]


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    engine = create_engine(PG_URL, connect_args={"connect_timeout": 5})
    try:
        with engine.connect():
            pass
    except exc.SQLAlchemyError as error:
        engine.dispose()
        reason = str(getattr(error, "orig", error)).splitlines()[0]
        pytest.fail(
            f"PostgreSQL is not reachable at {PG_URL} ({reason}); start it or point "
            "RINGFENCE_TEST_POSTGRES_URL at a server the tests may create schemas in",
            pytrace=False,
        )
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url(pg_admin: Engine) -> Iterator[str]:
    """A database URL whose search_path is a fresh schema, dropped after the test."""
    schema = f"rf_test_{secrets.token_hex(6)}"  # only [a-z0-9_]: safe to quote into DDL
    with pg_admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with pg_admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'scans.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'scans.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def open_store() -> Iterator[OpenStore]:
    """Opens stores and closes them all at the end of the test (before its schema is dropped)."""
    opened: list[ScanStore] = []

    def opener(url: str | None = None, **kw: float) -> ScanStore:
        store = ScanStore(url, **kw)
        opened.append(store)
        return store

    yield opener
    for store in opened:
        store.close()


def sample_resources(extra_volumes: int = 0) -> list[Resource]:
    resources: list[Resource] = [
        Account(arn=ACCOUNT, native_id=ACCOUNT, account=ACCOUNT, region="", root_mfa_enabled=True),
        RegionSettings(
            arn=f"{ACCOUNT}/{REGION}",
            native_id=REGION,
            account=ACCOUNT,
            region=REGION,
            ebs_encryption_by_default=None,
            unresolved={"ebs_encryption_by_default": "AccessDenied"},
        ),
        Volume(
            arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-1",
            native_id="vol-1",
            account=ACCOUNT,
            region=REGION,
            tags={"Name": "data", "env": "prod"},
            encrypted=False,
            size_gib=100,
            attached_instance_ids=("i-1", "i-2"),
        ),
        Bucket(
            arn="arn:aws:s3:::logs-bucket",
            native_id="logs-bucket",
            account=ACCOUNT,
            region=REGION,
            encryption_rules=(EncryptionRule("aws:kms", "alias/logs", bucket_key_enabled=True),),
            public_access_block=PublicAccessBlock(True, True, False, True),
            policy='{"Version": "2012-10-17", "Statement": []}',
        ),
        SecurityGroup(
            arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-1",
            native_id="sg-1",
            account=ACCOUNT,
            region=REGION,
            group_name="web",
            ingress=(SgRule("ingress", "tcp", 443, 443, cidr_ipv4="0.0.0.0/0", description="héllo ✓"),),
            egress=(SgRule("egress", "-1", cidr_ipv6="::/0"),),
        ),
    ]
    resources += [
        Volume(
            arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-x{i}",
            native_id=f"vol-x{i}",
            account=ACCOUNT,
            region=REGION,
            encrypted=i % 2 == 0,
            kms_key_id=f"key-{i}",
        )
        for i in range(extra_volumes)
    ]
    return resources


def finding(control: str, status: Status, severity: Severity, resource_id: str, **kw: object) -> Finding:
    return Finding.make(
        control_id=control,
        status=status,
        severity=severity,
        resource_id=resource_id,
        resource_type="AWS::EC2::Volume",
        account=ACCOUNT,
        region=REGION,
        message=f"{control} says {status.value} about {resource_id}",
        title=f"{control} title",
        remediation="fix it: `aws ec2 ...`",
        **kw,  # type: ignore[arg-type]
    )


def sample_findings() -> list[Finding]:
    return [
        finding("ENC-01", Status.FAIL, Severity.HIGH, "vol-1"),
        finding("ENC-01", Status.PASS, Severity.HIGH, "vol-2"),
        finding("ENC-02", Status.FAIL, Severity.CRITICAL, "vol-1"),
        finding("ENC-02", Status.FAIL, Severity.CRITICAL, "vol-3"),
        finding("NET-01", Status.UNKNOWN, Severity.MEDIUM, "sg-1"),
        finding("NET-02", Status.SUPPRESSED, Severity.LOW, "sg-1"),
        finding(
            "IAC-01",
            Status.FAIL,
            Severity.LOW,
            "DataVolume",
            location=SourceLocation("stack.yaml", 12, "App/Data"),
        ),
        finding("ENC-01", Status.NOT_APPLICABLE, Severity.HIGH, ACCOUNT),
    ]


def sample_gaps() -> list[CoverageGap]:
    return [
        CoverageGap(ACCOUNT, REGION, "s3", "GetBucketPolicy", "AccessDenied", "not authorised"),
        CoverageGap(
            ACCOUNT, "ap-south-2", "ec2", "DescribeRegions", "OptInRequired", "region is not enabled"
        ),
    ]


def build_result(
    scan_id: str = "0123456789abcdef0123456789abcdef",
    *,
    started: str = "2024-05-01T10:00:00Z",
    finished: str = "2024-05-01T10:03:00Z",
    findings: Sequence[Finding] | None = None,
    gaps: Sequence[CoverageGap] | None = None,
    extra_volumes: int = 0,
) -> ScanResult:
    inventory = Inventory(sample_resources(extra_volumes))
    info = ScanInfo(
        id=scan_id,
        started=started,
        finished=finished,
        source="live",
        accounts=(ACCOUNT,),
        regions=(REGION, "us-east-1"),
        coverage_gaps=tuple(sample_gaps() if gaps is None else gaps),
        resource_count=len(inventory),
    )
    return ScanResult(
        info=info,
        findings=tuple(sample_findings() if findings is None else findings),
        inventory=inventory,
    )


@pytest.fixture
def make_result() -> MakeResult:
    return build_result
