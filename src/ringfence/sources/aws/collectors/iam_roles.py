"""IAM roles that workloads run as, with every permissions policy they carry.

A workload role is one that EC2, Lambda or ECS tasks can assume (its trust policy names the service)
or that sits in an instance profile: no other role can be used by an instance, a function or a task,
so only these are read in detail (an account may hold hundreds of roles for people and services).
For each: GetRole (permissions boundary, tags), its inline policies (ListRolePolicies, GetRolePolicy)
and attached managed policies (ListAttachedRolePolicies, then GetPolicy and GetPolicyVersion of the
default version, once per policy for the whole account). AWS managed policies are read like the
account's own: they are judged by what they allow, not by who wrote them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from ringfence.model.identity import IamRole, RolePolicy
from ringfence.sources.aws.context import CollectContext, tags_of
from ringfence.sources.aws.registry import collector
from ringfence.sources.aws.session import DEFAULT_HOME_REGION, PARTITION_HOME

# Services whose workloads run as a role (the principal is SERVICE.amazonaws.com, or .com.cn in China).
WORKLOAD_SERVICES = ("ec2", "lambda", "edgelambda", "ecs-tasks")


@collector(
    "iam.roles",
    service="iam",
    scope="global",
    iam_actions=(
        "iam:ListRoles",
        "iam:ListInstanceProfiles",
        "iam:GetRole",
        "iam:ListRolePolicies",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
    ),
    produces=(IamRole,),
)
def collect_roles(ctx: CollectContext) -> Iterator[IamRole]:
    region = ctx.factory.options.home_region or PARTITION_HOME.get(ctx.partition, DEFAULT_HOME_REGION)
    profiles: dict[str, list[str]] = {}
    for profile in ctx.iter_pages("list_instance_profiles", "InstanceProfiles", region=region):
        for role in profile.get("Roles", []):
            profiles.setdefault(str(role["Arn"]), []).append(str(profile["Arn"]))
    managed = _ManagedPolicies(ctx, region)
    for role in ctx.iter_pages("list_roles", "Roles", region=region):
        trust = _document(role.get("AssumeRolePolicyDocument"))
        services = trusted_services(trust)
        in_profiles = profiles.get(str(role["Arn"]), [])
        if in_profiles or any(s.split(".amazonaws.com")[0] in WORKLOAD_SERVICES for s in services):
            yield _role(ctx, region, role, trust, services, tuple(in_profiles), managed)


def _role(
    ctx: CollectContext,
    region: str,
    role: Mapping[str, Any],
    trust: str | None,
    services: tuple[str, ...],
    profiles: tuple[str, ...],
    managed: _ManagedPolicies,
) -> IamRole:
    name = str(role["RoleName"])
    unresolved: dict[str, str] = {}
    detail = ctx.call("get_role", region=region, RoleName=name)
    if detail.error:
        unresolved.update(tags=detail.error, permissions_boundary_arn=detail.error)
    full = detail.data.get("Role") or {}
    policies: list[RolePolicy] = []
    inline = ctx.call("list_role_policies", region=region, RoleName=name)
    attached = ctx.call("list_attached_role_policies", region=region, RoleName=name)
    errors = [r.error for r in (inline, attached) if r.error]
    if errors:
        unresolved["policies"] = "; ".join(e for e in errors if e)
    for policy_name in inline.data.get("PolicyNames", []):
        got = ctx.call("get_role_policy", region=region, RoleName=name, PolicyName=policy_name)
        policies.append(
            RolePolicy(
                name=str(policy_name),
                kind="inline",
                document=None if got.error else _document(got.data.get("PolicyDocument")),
                error=got.error,
            )
        )
    for item in attached.data.get("AttachedPolicies", []):
        policies.append(managed.read(str(item["PolicyArn"]), str(item.get("PolicyName", ""))))
    return IamRole(
        arn=str(role["Arn"]),
        native_id=name,
        account=ctx.account,
        region="",
        tags=tags_of(full.get("Tags")),
        role_name=name,
        role_id=role.get("RoleId"),
        path=str(role.get("Path", "/")),
        trust_policy=trust,
        trusted_services=services,
        instance_profile_arns=profiles,
        policies=tuple(policies),
        permissions_boundary_arn=(full.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn"),
        unresolved=unresolved,
    )


class _ManagedPolicies:
    """Managed policy documents at their default version, each read once per collection."""

    def __init__(self, ctx: CollectContext, region: str) -> None:
        self.ctx = ctx
        self.region = region
        self.cache: dict[str, RolePolicy] = {}

    def read(self, arn: str, name: str) -> RolePolicy:
        if arn not in self.cache:
            self.cache[arn] = self._read(arn, name)
        return self.cache[arn]

    def _read(self, arn: str, name: str) -> RolePolicy:
        aws_managed = arn.split(":")[4:5] == ["aws"]
        base = RolePolicy(
            name=name or arn.rsplit("/", 1)[-1], kind="managed", arn=arn, aws_managed=aws_managed
        )
        policy = self.ctx.call("get_policy", region=self.region, PolicyArn=arn)
        if policy.error:
            return dataclasses.replace(base, error=policy.error)
        version_id = (policy.data.get("Policy") or {}).get("DefaultVersionId")
        if not version_id:
            return dataclasses.replace(base, error="GetPolicy named no default version")
        version = self.ctx.call("get_policy_version", region=self.region, PolicyArn=arn, VersionId=version_id)
        if version.error:
            return dataclasses.replace(base, version_id=str(version_id), error=version.error)
        document = _document((version.data.get("PolicyVersion") or {}).get("Document"))
        return dataclasses.replace(base, version_id=str(version_id), document=document)


def _document(value: Any) -> str | None:
    """A policy document as JSON text: boto3 gives a dict; the raw API a URL-encoded string."""
    if value is None:
        return None
    if isinstance(value, str):
        text = unquote(value) if value.lstrip().startswith("%7B") else value
        try:
            return json.dumps(json.loads(text), sort_keys=True)
        except json.JSONDecodeError:
            return text
    return json.dumps(value, sort_keys=True)


def trusted_services(trust: str | None) -> tuple[str, ...]:
    """The service principals an Allow statement of the trust policy names."""
    try:
        doc = json.loads(trust) if trust else {}
    except json.JSONDecodeError:
        return ()
    statements = doc.get("Statement", []) if isinstance(doc, dict) else []
    if isinstance(statements, dict):
        statements = [statements]
    found: list[str] = []
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        service = principal.get("Service") if isinstance(principal, dict) else None
        found.extend([service] if isinstance(service, str) else [str(s) for s in service or ()])
    return tuple(dict.fromkeys(found))
