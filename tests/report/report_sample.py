"""A small two-account scan built straight from model classes (no AWS), with hostile text in it."""

from __future__ import annotations

from ringfence.checks.registry import CheckMeta, Mapping_
from ringfence.model import (
    Bucket,
    CoverageGap,
    Finding,
    Inventory,
    RegionSettings,
    Remediation,
    ScanInfo,
    ScanResult,
    Severity,
    SourceLocation,
    Status,
    Volume,
)

PROD = "111122223333"
DEV = "444455556666"
EU = "eu-west-1"
US = "us-east-1"
HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_MESSAGE = 'volume is not encrypted <img src=x onerror="alert(2)">'
FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'
MARKUP_NAME = "[bold]db-primary[/bold]"


def _volume(account: str, region: str, vol: str, name: str | None = None) -> Volume:
    return Volume(
        arn=f"arn:aws:ec2:{region}:{account}:volume/{vol}",
        native_id=vol,
        account=account,
        region=region,
        tags={"Name": name} if name else {},
        encrypted=False,
    )


def _finding(
    control_id: str,
    status: Status,
    severity: Severity,
    resource_id: str,
    resource_type: str,
    account: str,
    region: str,
    message: str,
    title: str,
    remediation: str = "",
    location: SourceLocation | None = None,
) -> Finding:
    return Finding.make(
        control_id=control_id,
        status=status,
        severity=severity,
        resource_id=resource_id,
        resource_type=resource_type,
        account=account,
        region=region,
        message=message,
        title=title,
        remediation=remediation,
        location=location,
    )


ENC01 = "EBS encryption by default is on in every region in use"
ENC02 = "Every EBS volume is encrypted"
ENC07 = "S3 buckets default to server-side encryption with KMS"
CERT01 = "No certificate in use expires within the warning window"


def sample_result() -> ScanResult:
    hostile = _volume(PROD, EU, "vol-0a1", HOSTILE_NAME)
    formula = _volume(PROD, EU, "vol-0b2", FORMULA_NAME)
    markup = _volume(DEV, US, "vol-0c3", MARKUP_NAME)
    clean = _volume(DEV, EU, "vol-0d4", "app-data")
    bucket = Bucket(
        arn="arn:aws:s3:::prod-claims-archive", native_id="prod-claims-archive", account=PROD, region=EU
    )
    regions = [
        RegionSettings(arn=f"{acct}/{reg}", native_id=reg, account=acct, region=reg)
        for acct in (PROD, DEV)
        for reg in (EU, US)
    ]
    inventory = Inventory([hostile, formula, markup, clean, bucket, *regions])
    fix02 = "Snapshot the volume, copy it encrypted, swap it in. CLI: aws ec2 copy-snapshot --encrypted"
    findings = (
        _finding(
            "ENC-02",
            Status.FAIL,
            Severity.HIGH,
            hostile.arn,
            "AWS::EC2::Volume",
            PROD,
            EU,
            HOSTILE_MESSAGE,
            ENC02,
            fix02,
        ),
        _finding(
            "ENC-02",
            Status.FAIL,
            Severity.HIGH,
            formula.arn,
            "AWS::EC2::Volume",
            PROD,
            EU,
            "-volume is not encrypted",
            ENC02,
            "@SUM(1+1)",
        ),
        _finding(
            "ENC-02",
            Status.FAIL,
            Severity.HIGH,
            markup.arn,
            "AWS::EC2::Volume",
            DEV,
            US,
            "volume is not encrypted [red]really[/red]",
            ENC02,
            fix02,
        ),
        _finding(
            "ENC-02",
            Status.PASS,
            Severity.HIGH,
            clean.arn,
            "AWS::EC2::Volume",
            DEV,
            EU,
            "volume is encrypted with a customer-managed key",
            ENC02,
        ),
        _finding(
            "ENC-02",
            Status.UNKNOWN,
            Severity.HIGH,
            "vol-template-data",
            "AWS::EC2::Volume",
            DEV,
            EU,
            "Encrypted could not be resolved: the condition IsProd is not knowable",
            ENC02,
            location=SourceLocation(file="stacks/data.yaml", line=42, path="DataStack/Volume"),
        ),
        _finding(
            "ENC-01",
            Status.FAIL,
            Severity.HIGH,
            f"{PROD}/{EU}",
            "AWS::::Region",
            PROD,
            EU,
            f"EBS encryption by default is off in {EU}, a region in use",
            ENC01,
            "Turn on EBS encryption by default. CLI: aws ec2 enable-ebs-encryption-by-default",
        ),
        _finding(
            "ENC-01",
            Status.PASS,
            Severity.HIGH,
            f"{DEV}/{EU}",
            "AWS::::Region",
            DEV,
            EU,
            "EBS encryption by default is on",
            ENC01,
        ),
        _finding(
            "ENC-01",
            Status.NOT_APPLICABLE,
            Severity.HIGH,
            f"{PROD}/{US}",
            "AWS::::Region",
            PROD,
            US,
            "region not in use (holds only the resources AWS creates)",
            ENC01,
        ),
        _finding(
            "ENC-01",
            Status.NOT_APPLICABLE,
            Severity.HIGH,
            f"{DEV}/{US}",
            "AWS::::Region",
            DEV,
            US,
            "region not in use (holds only the resources AWS creates)",
            ENC01,
        ),
        _finding(
            "ENC-07",
            Status.SUPPRESSED,
            Severity.MEDIUM,
            bucket.arn,
            "AWS::S3::Bucket",
            PROD,
            EU,
            "default encryption is SSE-S3 (AES256), not SSE-KMS; suppressed until 2025-12-31 by "
            "j.doe: migration ticket SEC-114",
            ENC07,
        ),
        _finding(
            "CERT-01",
            Status.FAIL,
            Severity.CRITICAL,
            f"arn:aws:acm:{EU}:{PROD}:certificate/0f3c2a8e-5d1b-4c9e-9a55-1c2d3e4f5a6b",
            "AWS::CertificateManager::Certificate",
            PROD,
            EU,
            "certificate for api.example.com expired 3 days ago and is used by 2 listeners",
            CERT01,
        ),
    )
    info = ScanInfo(
        id="3f9a1c0e7b5d4e2f8a6c9b1d0e3f5a7c",
        started="2025-05-01T10:22:03+00:00",
        finished="2025-05-01T10:24:41+00:00",
        source="live",
        accounts=(PROD, DEV),
        regions=(EU, US),
        coverage_gaps=(
            CoverageGap(
                DEV,
                US,
                "kms",
                "ListKeys",
                "AccessDenied",
                "User: arn:aws:sts::444455556666:assumed-role/audit is not authorized",
            ),
            CoverageGap(PROD, "", "iam", "GenerateCredentialReport", "Throttling", "Rate exceeded"),
        ),
        resource_count=len(inventory),
    )
    return ScanResult(info=info, findings=findings, inventory=inventory)


def sample_checks() -> dict[str, CheckMeta]:
    from ringfence.checks.enc_01 import META as ENC01_META
    from ringfence.checks.enc_02 import META as ENC02_META

    cert = CheckMeta(
        id="CERT-01",
        title=CERT01,
        severity=Severity.HIGH,
        rationale="An expired certificate takes the service down for every client at once; <b>renew</b> early.",
        remediation=Remediation(
            text="Renew or re-import the certificate and attach it to every listener that uses it.",
            cli="aws acm renew-certificate --certificate-arn CERT_ARN",
        ),
        frameworks=Mapping_(nist_800_53=("SC-17",)),
    )
    return {"ENC-01": ENC01_META, "ENC-02": ENC02_META, "CERT-01": cert}
