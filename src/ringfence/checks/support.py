"""Helpers several checks share: regions in use, KMS key lookup, policy documents, addresses."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ringfence.checks.context import Outcome, not_applicable, unknown
from ringfence.model import (
    Account,
    Bucket,
    DbCluster,
    DbInstance,
    DhcpOptions,
    EncryptionRule,
    InternetGateway,
    Inventory,
    KmsKey,
    NetworkAcl,
    RegionSettings,
    Resource,
    RouteTable,
    SecurityGroup,
    Subnet,
    Vpc,
)
from ringfence.model.database import DbParameterGroup


def regions_in_use(inventory: Inventory) -> set[tuple[str, str]]:
    """(account, region) pairs holding any resource besides the defaults AWS creates.

    The defaults (controls.yaml's header): the default VPC with its subnets, main route table,
    default NACL, default security group, internet gateway and DHCP options; AWS-owned snapshots never reach the
    inventory. A VPC the user made brings its own main table, NACL and group: it is use.
    """
    default_vpcs = {(v.account, v.region, v.native_id) for v in inventory.of(Vpc) if v.is_default}
    used: set[tuple[str, str]] = set()
    for r in inventory:
        if not r.region or isinstance(r, Account | RegionSettings | DhcpOptions):
            continue
        if isinstance(r, Vpc) and r.is_default:
            continue
        vpc_id = getattr(r, "vpc_id", None)
        in_default_vpc = (r.account, r.region, vpc_id) in default_vpcs
        if in_default_vpc and isinstance(r, Subnet) and r.default_for_az:
            continue
        if in_default_vpc and isinstance(r, RouteTable) and r.is_main:
            continue
        if in_default_vpc and isinstance(r, NetworkAcl) and r.is_default:
            continue
        if in_default_vpc and isinstance(r, SecurityGroup) and r.is_default:
            continue
        if (
            isinstance(r, InternetGateway)
            and r.vpc_ids
            and all((r.account, r.region, v) in default_vpcs for v in r.vpc_ids)
        ):
            continue  # the default VPC's own gateway
        if isinstance(r, DbParameterGroup) and r.native_id.startswith("default."):
            continue  # AWS's default parameter groups exist whether or not anything uses them
        if isinstance(r, KmsKey) and r.key_manager == "AWS":
            continue  # created by AWS on first use of a service; the using resource counts instead
        used.add((r.account, r.region))
    return used


def find_kms_key(inventory: Inventory, owner: Resource, key_ref: str | None) -> KmsKey | None:
    """The key that `key_ref` (key id, key ARN, alias name or alias ARN) names, seen from `owner`."""
    if not key_ref:
        return None
    account, region = owner.account, owner.region
    ref = key_ref
    if ref.startswith("arn:"):
        parts = ref.split(":", 5)
        if len(parts) == 6:
            account, region, ref = parts[4] or account, parts[3] or region, parts[5]
        if ref.startswith("key/"):
            ref = ref[len("key/") :]
    for key in inventory.of(KmsKey):
        if key.account != account or key.region != region:
            continue
        if key.native_id == ref or key.arn == key_ref or ref in key.aliases:
            return key
    return None


def is_aws_managed_alias(key_ref: str | None) -> bool:
    """alias/aws/... names an AWS-managed key even when the key itself is not in the inventory."""
    if not key_ref:
        return False
    return key_ref.startswith("alias/aws/") or ":alias/aws/" in key_ref


# --- IAM policy documents ---------------------------------------------------------------------

RESTRICTING_CONDITION_KEYS = {
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourcevpce",
    "aws:sourcevpc",
    "aws:sourceip",
    "kms:calleraccount",
}


@dataclass(frozen=True, slots=True)
class Statement:
    sid: str | None
    effect: str
    principal: Any
    actions: tuple[str, ...]
    not_actions: tuple[str, ...]
    resources: tuple[str, ...]
    condition: Mapping[str, Mapping[str, Any]]


def parse_policy(text: str | None) -> list[Statement]:
    """Statements of a policy document; raises ValueError when it is not valid policy JSON."""
    if not text:
        return []
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"policy is not valid JSON: {exc}") from exc
    raw = doc.get("Statement", []) if isinstance(doc, dict) else []
    if isinstance(raw, dict):
        raw = [raw]
    return [
        Statement(
            sid=s.get("Sid"),
            effect=str(s.get("Effect", "")),
            principal=s.get("Principal"),
            actions=_as_tuple(s.get("Action")),
            not_actions=_as_tuple(s.get("NotAction")),
            resources=_as_tuple(s.get("Resource")),
            condition=s.get("Condition") or {},
        )
        for s in raw
        if isinstance(s, dict)
    ]


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def principal_is_anyone(principal: Any) -> bool:
    """Principal "*" or {"AWS": "*"} (also inside a list)."""
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        aws = principal.get("AWS")
        values = [aws] if isinstance(aws, str) else list(aws or [])
        return "*" in values
    return False


def has_restricting_condition(statement: Statement) -> bool:
    """True when the statement's Condition restricts who can use it (controls.yaml's header).
    aws:SecureTransport restricts only in a Deny; aws:SourceIp of a /0 range restricts nothing."""
    for operator, clauses in statement.condition.items():
        if not isinstance(clauses, Mapping):
            continue
        for key, value in clauses.items():
            lowered = key.lower()
            if lowered == "aws:securetransport" and statement.effect == "Deny":
                return True
            if lowered not in RESTRICTING_CONDITION_KEYS:
                continue
            values = [value] if isinstance(value, str) else list(value or [])
            if lowered == "aws:sourceip":
                if operator.lower().startswith("not"):
                    continue
                if any(_is_whole_space(str(v)) for v in values) or not values:
                    continue
            if values and all(str(v) in ("*", "") for v in values):
                continue
            return True
    return False


def _is_whole_space(cidr: str) -> bool:
    try:
        return ipaddress.ip_network(cidr, strict=False).prefixlen == 0
    except ValueError:
        return False


def open_statements(text: str | None) -> Iterator[Statement]:
    """Allow statements open to anyone without a restricting condition."""
    for statement in parse_policy(text):
        anyone = statement.effect == "Allow" and principal_is_anyone(statement.principal)
        if anyone and not has_restricting_condition(statement):
            yield statement


# --- data stores ------------------------------------------------------------------------------

KMS_SSE_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
NON_RDS_ENGINES = {"neptune": "Neptune", "docdb": "DocumentDB"}


def bucket_kms_rule(bucket: Bucket) -> EncryptionRule | None:
    """The bucket's default-encryption rule that uses KMS (SSE-KMS or DSSE-KMS), if any."""
    return next((r for r in bucket.encryption_rules if r.sse_algorithm in KMS_SSE_ALGORITHMS), None)


def non_rds_reason(engine: str | None) -> str | None:
    """Why a DB instance or cluster listed by the RDS APIs is not an RDS database (Neptune and
    DocumentDB share those APIs); None for RDS and Aurora engines."""
    label = NON_RDS_ENGINES.get((engine or "").lower())
    if label is None:
        return None
    return f"{label} (engine {engine}) is listed by the RDS APIs but is not an RDS database"


def cluster_member_outcome(inventory: Inventory, instance: DbInstance) -> Outcome | None:
    """A DB cluster member's storage (and its encryption) is the cluster's: NOT_APPLICABLE naming the
    cluster, which is judged instead, or UNKNOWN when the cluster is not in the inventory. None for an
    instance that is not a cluster member."""
    if not instance.cluster_id:
        return None
    cluster = inventory.get(DbCluster, instance.account, instance.region, instance.cluster_id)
    if cluster is None:
        return unknown(
            instance,
            f"member of DB cluster {instance.cluster_id}, which holds its storage but is not in the "
            "inventory (see coverage gaps)",
        )
    return not_applicable(
        instance, f"member of DB cluster {cluster.native_id}: storage is the cluster's, judged on the cluster"
    )
