"""ENC-09: KMS key policies grant no unconditioned access to any principal.

One finding per key. A key fails when its policy has an Allow statement for Principal "*" (or
{"AWS": "*"}) without a restricting condition (controls.yaml's header: aws:PrincipalOrgID,
aws:PrincipalAccount, aws:SourceAccount, aws:SourceArn, aws:SourceVpce, aws:SourceVpc, aws:SourceIp
not /0, kms:CallerAccount), or an Allow with NotPrincipal (everyone but the principals named) without
one. AWS-managed keys' policies are AWS's and cannot be changed: not applicable (they restrict with
kms:CallerAccount anyway). A policy that could not be read or parsed is UNKNOWN.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.support import Statement, has_restricting_condition, open_statements, parse_policy
from ringfence.model import KmsKey, Remediation, Severity

META = CheckMeta(
    id="ENC-09",
    title="KMS key policies grant no unconditioned access to any principal",
    severity=Severity.HIGH,
    rationale=(
        "A key policy statement for Principal '*' with no condition on the caller's account or "
        "organisation lets any AWS account use or manage the key, and so decrypt everything it protects."
    ),
    remediation=Remediation(
        text=(
            "Name the principals (account root or roles) in the statement, or add a condition that "
            "restricts it, such as aws:PrincipalOrgID or kms:CallerAccount."
        ),
        cli="aws kms put-key-policy --key-id KEY_ID --policy-name default --policy file://key-policy.json",
        cloudformation=(
            "Type: AWS::KMS::Key\nProperties:\n  KeyPolicy:\n    Version: '2012-10-17'\n    Statement:\n"
            "      - Sid: UseWithinTheOrganisation\n        Effect: Allow\n        Principal: {AWS: '*'}\n"
            "        Action: [kms:Decrypt, kms:GenerateDataKey*]\n        Resource: '*'\n"
            "        Condition:\n          StringEquals: {aws:PrincipalOrgID: o-exampleorgid}"
        ),
        terraform=(
            'data "aws_iam_policy_document" "key" {\n  statement {\n    actions   = ["kms:Decrypt"]\n'
            '    resources = ["*"]\n    principals {\n      type        = "AWS"\n      identifiers = ["*"]\n'
            '    }\n    condition {\n      test     = "StringEquals"\n      variable = "aws:PrincipalOrgID"\n'
            "      values   = [var.org_id]\n    }\n  }\n}"
        ),
    ),
    modes=("live",),
    resource_types=(KmsKey.KIND,),
    tested_with="moto server; unreadable policies and AWS-managed keys via an Inventory",
    frameworks=Mapping_(nist_800_53=("AC-3", "AC-6")),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for key in ctx.inventory.of(KmsKey):
        yield _judge(key)


def _judge(key: KmsKey) -> Outcome:
    label = ", ".join(key.aliases) or key.native_id
    if key.key_manager == "AWS":
        return not_applicable(key, f"AWS-managed key {label}: its policy is AWS's and cannot be changed")
    reason = key.unknown("policy")
    if reason or key.policy is None:
        return unknown(key, f"the policy of key {label} could not be read: {reason or 'not stated'}")
    try:
        open_to_all = list(open_statements(key.policy))
        negated = list(_not_principal_statements(key.policy))
    except ValueError as exc:
        return unknown(key, f"the policy of key {label} could not be parsed: {exc}")
    if open_to_all or negated:
        parts = [
            f"{_name(s)} allows {_actions(s)} to any principal without a restricting condition"
            for s in open_to_all
        ]
        parts += [f"{sid} allows everyone except the principals in its NotPrincipal" for sid in negated]
        return failed(key, f"the policy of key {label}: " + "; ".join(parts))
    return passed(
        key, f"the policy of key {label} grants nothing to any principal without a restricting condition"
    )


def _not_principal_statements(text: str) -> Iterator[str]:
    """Sids of Allow statements with a NotPrincipal and no restricting condition."""
    doc: Any = json.loads(text)
    raw = doc.get("Statement", []) if isinstance(doc, dict) else []
    statements = [raw] if isinstance(raw, dict) else raw
    by_order = parse_policy(text)
    for index, item in enumerate(statements):
        if not isinstance(item, dict) or item.get("Effect") != "Allow" or "NotPrincipal" not in item:
            continue
        parsed = by_order[index] if index < len(by_order) else None
        if parsed is None or not has_restricting_condition(parsed):
            yield str(item.get("Sid") or f"statement {index + 1}")


def _name(statement: Statement) -> str:
    return f"statement {statement.sid}" if statement.sid else "a statement"


def _actions(statement: Statement) -> str:
    actions = statement.actions or tuple(f"all but {a}" for a in statement.not_actions)
    return ", ".join(actions[:5]) + (" ..." if len(actions) > 5 else "") if actions else "nothing named"
