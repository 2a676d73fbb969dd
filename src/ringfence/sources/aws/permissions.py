"""Least privilege, proven: the exact IAM policy ringfence needs, generated from what it calls.

Every collector declares its IAM actions (`@collector(iam_actions=...)`); the scanner adds its own
(regions, the organisation). From these this module generates the files shipped in
ringfence/data/iam/:

- member-policy.json: the read-only policy of the role a scan uses in every account;
- management-policy.json: what the management account needs besides it for `--org` (listing the
  organisation, assuming the role);
- stackset.yaml: a CloudFormation (StackSet) template creating the role in every account, with the
  policy split into managed policies of at most 6,144 characters each.

    python -m ringfence.sources.aws.permissions --write   # regenerate the shipped files
    python -m ringfence.sources.aws.permissions --check   # exit 1 when they are out of date

`action_for(service, operation)` maps a recorded boto3 call to its IAM action (data/iam/action_map.json
lists the names that differ from `prefix:Operation`); the least-privilege test checks every call of
a full demo scan against the shipped policy with it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ringfence.sources.aws.assume import DEFAULT_ROLE_NAME
from ringfence.sources.aws.organizations import IAM_ACTIONS as ORGANIZATION_ACTIONS
from ringfence.sources.aws.registry import all_collectors

# The scanner's own calls (discovery); collectors declare theirs.
SCANNER_ACTIONS: Mapping[str, str] = {
    "ec2:DescribeRegions": "which regions each account has enabled",
    "organizations:DescribeOrganization": "the organisation an account belongs to and its management account",
}
# The only calls that are not reads, and when they are made.
NON_READ_ALLOWED: Mapping[str, str] = {
    "iam:GenerateCredentialReport": "asks IAM to (re)build the credential report; changes no configuration",
    "cloudformation:DetectStackDrift": "only with --detect-drift: starts a drift detection, changes no stack",
}
# Getting credentials is neither a read nor a change: the management account assumes the role.
CREDENTIAL_ACTIONS: Mapping[str, str] = {
    "sts:AssumeRole": "the management account enters each member account"
}
READ_VERBS = (
    "BatchGet",
    "Describe",
    "Get",
    "Head",
    "List",
    "Lookup",
    "Search",
)
READ_ACTIONS = frozenset({"apigateway:GET"})
MANAGED_POLICY_LIMIT = 6144  # characters, whitespace not counted
MEMBER_POLICY = "member-policy.json"
MANAGEMENT_POLICY = "management-policy.json"
STACKSET = "stackset.yaml"


@cache
def action_map() -> dict[str, Any]:
    text = resources.files("ringfence.data").joinpath("iam", "action_map.json").read_text("utf-8")
    return dict(json.loads(text))


def action_for(service: str, operation: str) -> str | None:
    """The IAM action a boto3 call (service name, API operation name) needs; None: no permission."""
    table = action_map()
    key = f"{service}:{operation}"
    if key in table["no_permission"]:
        return None
    if key in table["operations"]:
        return str(table["operations"][key])
    wide = table["service_wide"].get(service)
    if wide is not None and is_read_name(operation):
        return str(wide)
    return f"{table['service_prefixes'].get(service, service)}:{operation}"


def is_read_name(operation: str) -> bool:
    return operation.startswith(READ_VERBS)


def is_read(action: str) -> bool:
    """A read-only action by its verb (Describe, Get, List, ...)."""
    return action in READ_ACTIONS or is_read_name(action.split(":", 1)[1])


def collector_actions() -> dict[str, set[str]]:
    """action -> the collectors that declare it, read from the registry now."""
    out: dict[str, set[str]] = {}
    for col in all_collectors().values():
        for action in col.iam_actions:
            out.setdefault(action, set()).add(col.name)
    return out


def member_actions() -> list[str]:
    return sorted(set(collector_actions()) | set(SCANNER_ACTIONS))


def management_actions() -> list[str]:
    return sorted(set(ORGANIZATION_ACTIONS) - set(SCANNER_ACTIONS))


def policy_document(actions: Iterable[str]) -> dict[str, Any]:
    """Reads in one statement; each allowed non-read in a statement of its own, so it shows."""
    wanted = sorted(set(actions))
    reads = [a for a in wanted if is_read(a)]
    others = [a for a in wanted if not is_read(a)]
    statements: list[dict[str, Any]] = [
        {"Sid": "RingfenceRead", "Effect": "Allow", "Action": reads, "Resource": "*"}
    ]
    for action in others:
        sid = "Ringfence" + action.split(":", 1)[1]
        statements.append({"Sid": sid, "Effect": "Allow", "Action": [action], "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}


def management_policy(role_name: str = DEFAULT_ROLE_NAME) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "RingfenceOrganization",
                "Effect": "Allow",
                "Action": management_actions(),
                "Resource": "*",
            },
            {
                "Sid": "RingfenceAssumeRole",
                "Effect": "Allow",
                "Action": ["sts:AssumeRole"],
                "Resource": f"arn:*:iam::*:role/{role_name}",
            },
        ],
    }


def split_policy(document: Mapping[str, Any], limit: int = MANAGED_POLICY_LIMIT) -> list[dict[str, Any]]:
    """The document as managed policies of at most `limit` characters (without whitespace) each."""
    parts: list[dict[str, Any]] = []
    current: list[dict[str, Any]] = []

    def size(statements: list[dict[str, Any]]) -> int:
        doc = {"Version": "2012-10-17", "Statement": statements}
        return len(json.dumps(doc, separators=(",", ":")))

    for statement in document["Statement"]:
        actions = list(statement["Action"])
        piece: dict[str, Any] = {**statement, "Action": []}
        for action in actions:
            piece["Action"].append(action)
            if size([*current, piece]) > limit:
                piece["Action"].pop()
                if piece["Action"]:
                    current.append(piece)
                parts.append({"Version": "2012-10-17", "Statement": current})
                current = []
                piece = {**statement, "Sid": f"{statement['Sid']}{len(parts) + 1}", "Action": [action]}
        current.append(piece)
    if current:
        parts.append({"Version": "2012-10-17", "Statement": current})
    return parts


def stackset_template(document: Mapping[str, Any], role_name: str = DEFAULT_ROLE_NAME) -> str:
    policies = split_policy(document)
    names = [f"ReadOnlyPolicy{i}" for i in range(1, len(policies) + 1)]
    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": (
            "ringfence read-only scanner role. Deploy as a service-managed StackSet to the organisation "
            "(or chosen OUs); the management account scans itself with its own credentials, which need "
            "the same policy plus management-policy.json. Generated by "
            "`python -m ringfence.sources.aws.permissions --write`: do not edit."
        ),
        "Parameters": {
            "ManagementAccountId": {
                "Type": "String",
                "AllowedPattern": "^[0-9]{12}$",
                "Description": "The account ringfence runs from (it assumes this role)",
            },
            "ExternalId": {
                "Type": "String",
                "Default": "",
                "NoEcho": True,
                "Description": "Optional external id the scanner must present (ringfence --external-id)",
            },
            "RoleName": {"Type": "String", "Default": role_name},
        },
        "Conditions": {"HasExternalId": {"Fn::Not": [{"Fn::Equals": [{"Ref": "ExternalId"}, ""]}]}},
        "Resources": {
            "ScannerRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": {"Ref": "RoleName"},
                    "MaxSessionDuration": 3600,
                    "Description": "ringfence: read-only security scan (no changes besides the credential report)",
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {
                                    "AWS": {
                                        "Fn::Sub": "arn:${AWS::Partition}:iam::${ManagementAccountId}:root"
                                    }
                                },
                                "Action": "sts:AssumeRole",
                                "Condition": {
                                    "Fn::If": [
                                        "HasExternalId",
                                        {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}},
                                        {"Ref": "AWS::NoValue"},
                                    ]
                                },
                            }
                        ],
                    },
                    "ManagedPolicyArns": [{"Ref": name} for name in names],
                },
            },
            **{
                name: {
                    "Type": "AWS::IAM::ManagedPolicy",
                    "Properties": {
                        "Description": f"ringfence read-only scanner, part {i} of {len(policies)}",
                        "PolicyDocument": policy,
                    },
                }
                for i, (name, policy) in enumerate(zip(names, policies, strict=True), start=1)
            },
        },
        "Outputs": {"RoleArn": {"Value": {"Fn::GetAtt": ["ScannerRole", "Arn"]}}},
    }
    return yaml.safe_dump(template, sort_keys=False, width=110)


def generated_files() -> dict[str, str]:
    member = policy_document(member_actions())
    return {
        MEMBER_POLICY: json.dumps(member, indent=2) + "\n",
        MANAGEMENT_POLICY: json.dumps(management_policy(), indent=2) + "\n",
        STACKSET: stackset_template(member),
    }


def shipped_dir() -> Path:
    return Path(str(resources.files("ringfence.data").joinpath("iam")))


def shipped_files() -> dict[str, str]:
    base = shipped_dir()
    return {
        name: (base / name).read_text("utf-8") if (base / name).exists() else "" for name in generated_files()
    }


def load_shipped_policies() -> dict[str, dict[str, Any]]:
    """The shipped member policy as the StackSet's parts: {"ReadOnlyPolicy1": document, ...}."""
    member = json.loads((shipped_dir() / MEMBER_POLICY).read_text("utf-8"))
    return {f"ReadOnlyPolicy{i}": doc for i, doc in enumerate(split_policy(member), start=1)}


def shipped_actions(*, management: bool = False) -> set[str]:
    names = [MEMBER_POLICY, MANAGEMENT_POLICY] if management else [MEMBER_POLICY]
    out: set[str] = set()
    for name in names:
        doc = json.loads((shipped_dir() / name).read_text("utf-8"))
        for statement in doc["Statement"]:
            out.update(statement["Action"])
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ringfence.sources.aws.permissions", description=__doc__.split("\n")[0]
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--write", action="store_true", help="regenerate the shipped files in ringfence/data/iam"
    )
    group.add_argument("--check", action="store_true", help="exit 1 when the shipped files are out of date")
    args = parser.parse_args(argv)
    files = generated_files()
    if args.write:
        for name, text in files.items():
            (shipped_dir() / name).write_text(text, encoding="utf-8")
            print(f"wrote {shipped_dir() / name}")
        return 0
    if args.check:
        stale = [name for name, text in shipped_files().items() if text != files[name]]
        for name in stale:
            print(
                f"{name} is out of date: run python -m ringfence.sources.aws.permissions --write",
                file=sys.stderr,
            )
        return 1 if stale else 0
    sys.stdout.write(files[MEMBER_POLICY])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
