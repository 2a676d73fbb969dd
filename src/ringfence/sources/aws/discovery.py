"""Who the credentials belong to and which regions to scan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError

from ringfence.sources.aws.errors import ScanAborted, error_code, error_message
from ringfence.sources.aws.session import PARTITION_HOME, ClientFactory

ENABLED_OPT_IN = {"opt-in-not-required", "opted-in"}


@dataclass(frozen=True, slots=True)
class Identity:
    account: str
    arn: str
    partition: str


@dataclass(frozen=True, slots=True)
class RegionPlan:
    scan: tuple[str, ...]
    not_enabled: tuple[str, ...]  # asked for, but not enabled for the account
    skipped: tuple[str, ...] = ()  # opt-in regions the account has not enabled (not asked for by name)


def whoami(factory: ClientFactory, home_region: str) -> Identity:
    try:
        ident = factory.probe_client("sts", home_region).get_caller_identity()
    except (NoCredentialsError, PartialCredentialsError) as exc:
        raise ScanAborted(
            "no AWS credentials found: set a profile (--profile), environment variables or SSO login"
        ) from exc
    except ClientError as exc:
        raise ScanAborted(f"the credentials were refused: {error_code(exc)}: {error_message(exc)}") from exc
    except BotoCoreError as exc:
        raise ScanAborted(f"cannot reach AWS: {error_message(exc)}") from exc
    arn = str(ident["Arn"])
    partition = arn.split(":")[1] if arn.startswith("arn:") else "aws"
    return Identity(account=str(ident["Account"]), arn=arn, partition=partition)


def plan_regions(factory: ClientFactory, home_region: str, wanted: Sequence[str] | None) -> RegionPlan:
    """The account's enabled regions, or the wanted ones checked against every region AWS knows."""
    try:
        answer = factory.client("ec2", home_region).describe_regions(AllRegions=True)
    except (ClientError, BotoCoreError) as exc:
        if wanted:
            return RegionPlan(scan=tuple(wanted), not_enabled=())
        raise ScanAborted(
            f"cannot list the account's regions ({error_code(exc)}); name them with --regions"
        ) from exc
    status = {r["RegionName"]: r.get("OptInStatus", "opt-in-not-required") for r in answer["Regions"]}
    if not wanted:
        return RegionPlan(
            scan=tuple(sorted(n for n, s in status.items() if s in ENABLED_OPT_IN)),
            not_enabled=(),
            skipped=tuple(sorted(n for n, s in status.items() if s not in ENABLED_OPT_IN)),
        )
    unknown = [r for r in wanted if r not in status]
    if unknown:
        raise ScanAborted(f"unknown region(s): {', '.join(unknown)}")
    return RegionPlan(
        scan=tuple(r for r in wanted if status[r] in ENABLED_OPT_IN),
        not_enabled=tuple(r for r in wanted if status[r] not in ENABLED_OPT_IN),
    )


def home_region_for(partition_hint: str | None, configured: str | None) -> str:
    if configured:
        return configured
    return PARTITION_HOME.get(partition_hint or "aws", "us-east-1")
