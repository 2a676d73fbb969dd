"""IAM-05: workload roles are least privilege.

Judged on the roles workloads run as: roles in an instance profile, the execution roles of Lambda
functions and the task and execution roles of ECS task definitions (the latest ACTIVE revisions).
One finding per such role. A role fails when any of its policies, inline or managed (AWS managed ones
judged by their content: AdministratorAccess allows '*', PowerUserAccess uses NotAction), has an Allow
statement with Action '*' or 'service:*' on Resource '*' (NotResource counts as every resource), or
with NotAction on Resource '*'. A condition on such a statement is mentioned, not credited: the
criterion makes no exception, and a permissions boundary is mentioned likewise. A policy that could
not be read makes the answer UNKNOWN unless another already fails the role.

A role a workload names but the inventory lacks (deleted, another account, IAM not readable) is
UNKNOWN; collected roles that nothing in the scanned regions uses (EC2, Lambda or ECS may assume
them) are not applicable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.iam_policy import broad_grants
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import Inventory, Remediation, Severity
from ringfence.model.functions import LambdaFunction, TaskDefinition
from ringfence.model.identity import IamRole, RolePolicy

META = CheckMeta(
    id="IAM-05",
    title="Workload roles are least privilege",
    severity=Severity.HIGH,
    rationale=(
        "Anyone who runs code on an instance, function or container holds its role's credentials: a role "
        "that allows every action of a service, or of all of them, turns one compromised workload into a "
        "compromised account."
    ),
    remediation=Remediation(
        text=(
            "Replace the broad policy with one naming the actions and resources the workload uses (IAM "
            "Access Analyzer can generate one from CloudTrail activity); detach AWS managed policies such "
            "as AdministratorAccess or PowerUserAccess from workload roles."
        ),
        cli=(
            "aws iam detach-role-policy --role-name ROLE --policy-arn arn:aws:iam::aws:policy/AdministratorAccess\n"
            "aws iam put-role-policy --role-name ROLE --policy-name least-privilege --policy-document file://policy.json"
        ),
        cloudformation=(
            "Type: AWS::IAM::Role\nProperties:\n  Policies:\n    - PolicyName: read-documents\n"
            "      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n"
            "            Action: [s3:GetObject]\n            Resource: !Sub ${Documents.Arn}/*"
        ),
        terraform=(
            'data "aws_iam_policy_document" "app" {\n  statement {\n    actions   = ["s3:GetObject"]\n'
            '    resources = ["${aws_s3_bucket.documents.arn}/*"]\n  }\n}'
        ),
    ),
    modes=("live",),
    resource_types=(IamRole.KIND, LambdaFunction.KIND, TaskDefinition.KIND),
    tested_with=(
        "moto server for inline and customer managed policies; AWS managed policies (which moto does not "
        "load) through botocore's Stubber and via an Inventory"
    ),
    frameworks=Mapping_(cis=("1.16",), fsbp=("IAM.1", "IAM.21"), nist_800_53=("AC-6",)),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    inv = ctx.inventory
    roles = inv.of(IamRole)
    by_arn = {r.arn: r for r in roles}
    by_name = {(r.account, r.role_name): r for r in roles}
    uses: dict[str, list[str]] = defaultdict(list)
    missing: dict[str, tuple[IamRole, list[str]]] = {}
    for role in roles:
        uses[role.arn].extend(f"instance profile {p.rsplit('/', 1)[-1]}" for p in role.instance_profile_arns)
    for account, ref, use in _workload_refs(inv):
        found = by_arn.get(ref) if ref.startswith("arn:") else by_name.get((account, ref))
        if found is not None:
            uses[found.arn].append(use)
        else:
            placeholder = _placeholder(account, ref)
            missing.setdefault(placeholder.arn, (placeholder, []))[1].append(use)
    for role in roles:
        used_by = uses.get(role.arn, [])
        if not used_by:
            yield not_applicable(
                role,
                f"role {role.role_name} is not used by an instance profile, a Lambda "
                "function or an ECS task definition in the scanned regions",
            )
        else:
            yield _judge(role, used_by)
    for placeholder, used_by in missing.values():
        yield _not_found(inv, placeholder, used_by)


def _workload_refs(inv: Inventory) -> Iterator[tuple[str, str, str]]:
    """(account, role ARN or name, who uses it) for every role a function or task names."""
    for fn in inv.of(LambdaFunction):
        if fn.role_arn:
            yield fn.account, fn.role_arn, f"Lambda function {fn.function_name} ({fn.region})"
    for task in inv.of(TaskDefinition):
        for ref, what in ((task.task_role_arn, "task role"), (task.execution_role_arn, "execution role")):
            if ref:
                yield task.account, ref, f"{what} of ECS task definition {task.family} ({task.region})"


def _judge(role: IamRole, used_by: list[str]) -> Outcome:
    uses = f" (used by {', '.join(sorted(set(used_by))[:5])}{' ...' if len(set(used_by)) > 5 else ''})"
    broad: list[str] = []
    unreadable: list[str] = []
    for policy in role.policies:
        if policy.error or policy.document is None:
            unreadable.append(f"{_policy_label(policy)}: {policy.error or 'no document'}")
            continue
        try:
            grants = list(broad_grants(policy.document))
        except ValueError as exc:
            unreadable.append(f"{_policy_label(policy)}: {exc}")
            continue
        broad.extend(f"{_policy_label(policy)} {grant}" for grant in grants)
    boundary = (
        f"; a permissions boundary ({role.permissions_boundary_arn}) may narrow it"
        if role.permissions_boundary_arn
        else ""
    )
    if broad:
        return failed(role, f"role {role.role_name}{uses}: {'; '.join(broad)}{boundary}")
    reason = role.unknown("policies")
    if reason:
        return unknown(role, f"the policies of role {role.role_name} could not be listed: {reason}")
    if unreadable:
        return unknown(role, f"role {role.role_name}: policies not readable: {'; '.join(unreadable)}")
    count = len(role.policies)
    return passed(
        role,
        f"role {role.role_name}{uses}: none of its {count} policies allows a wildcard action on every resource",
    )


def _policy_label(policy: RolePolicy) -> str:
    if policy.kind == "inline":
        return f"inline policy {policy.name}"
    owner = "AWS managed" if policy.aws_managed else "managed"
    return f"{owner} policy {policy.name}"


def _placeholder(account: str, ref: str) -> IamRole:
    arn = ref if ref.startswith("arn:") else f"arn:aws:iam::{account}:role/{ref}"
    return IamRole(
        arn=arn,
        native_id=arn.rsplit("/", 1)[-1],
        account=account,
        region="",
        role_name=arn.rsplit("/", 1)[-1],
    )


def _not_found(inv: Inventory, role: IamRole, used_by: list[str]) -> Outcome:
    uses = ", ".join(sorted(set(used_by)))
    owner = role.arn.split(":")[4] if role.arn.count(":") >= 5 else role.account
    if owner != role.account:
        why = f"it belongs to account {owner}, not scanned"
    elif not inv.listing_complete(IamRole, role.account, ""):
        why = "IAM roles could not be listed (see coverage gaps)"
    else:
        why = "no such role was found (deleted, or one EC2, Lambda and ECS tasks cannot assume)"
    return unknown(role, f"role {role.role_name}, used by {uses}, is not in the inventory: {why}")
