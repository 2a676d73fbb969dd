"""The shipped least-privilege policy: generated from the collectors' declared actions, in sync with
the registry, mapped from API operations through the service authorization reference."""

from __future__ import annotations

import json

import yaml

from ringfence.sources.aws import permissions
from ringfence.sources.aws.registry import all_collectors


def test_the_shipped_files_equal_the_generated_ones() -> None:
    generated = permissions.generated_files()
    shipped = permissions.shipped_files()
    stale = [name for name in generated if shipped[name] != generated[name]]
    assert not stale, f"{stale} out of date: run python -m ringfence.sources.aws.permissions --write"
    assert permissions.main(["--check"]) == 0


def test_every_declared_action_is_in_the_member_policy() -> None:
    shipped = permissions.shipped_actions()
    for name, col in all_collectors().items():
        assert set(col.iam_actions) <= shipped, name
    assert set(permissions.SCANNER_ACTIONS) <= shipped


def test_declared_non_reads_are_only_the_allowed_ones() -> None:
    declared = set(permissions.collector_actions())
    non_read = {a for a in declared if not permissions.is_read(a)}
    assert non_read <= set(permissions.NON_READ_ALLOWED), non_read - set(permissions.NON_READ_ALLOWED)


def test_operation_names_map_to_their_iam_actions() -> None:
    action = permissions.action_for
    assert action("s3", "GetBucketEncryption") == "s3:GetEncryptionConfiguration"
    assert action("s3", "ListBuckets") == "s3:ListAllMyBuckets"
    assert action("s3", "GetPublicAccessBlock") == "s3:GetBucketPublicAccessBlock"
    assert action("s3control", "GetPublicAccessBlock") == "s3:GetAccountPublicAccessBlock"
    assert action("elbv2", "DescribeListeners") == "elasticloadbalancing:DescribeListeners"
    assert action("elb", "DescribeLoadBalancers") == "elasticloadbalancing:DescribeLoadBalancers"
    assert action("efs", "DescribeFileSystems") == "elasticfilesystem:DescribeFileSystems"
    assert action("apigateway", "GetRestApis") == "apigateway:GET"
    assert action("ec2", "DescribeVpcs") == "ec2:DescribeVpcs"
    assert action("sts", "GetCallerIdentity") is None


def test_the_management_policy_lists_the_organisation_and_assumes_only_the_role() -> None:
    doc = json.loads((permissions.shipped_dir() / permissions.MANAGEMENT_POLICY).read_text())
    statements = {s["Sid"]: s for s in doc["Statement"]}
    assert "organizations:ListAccounts" in statements["RingfenceOrganization"]["Action"]
    assert statements["RingfenceAssumeRole"]["Action"] == ["sts:AssumeRole"]
    assert statements["RingfenceAssumeRole"]["Resource"].endswith(":role/RingfenceReadOnly")


def test_the_stackset_template_creates_the_role_with_every_action_in_managed_policies() -> None:
    template = yaml.safe_load((permissions.shipped_dir() / permissions.STACKSET).read_text())
    resources = template["Resources"]
    role = resources["ScannerRole"]["Properties"]
    policies = [r for r in resources.values() if r["Type"] == "AWS::IAM::ManagedPolicy"]
    assert len(role["ManagedPolicyArns"]) == len(policies) >= 1
    actions: set[str] = set()
    for policy in policies:
        document = policy["Properties"]["PolicyDocument"]
        assert len(json.dumps(document, separators=(",", ":"))) <= permissions.MANAGED_POLICY_LIMIT
        for statement in document["Statement"]:
            actions.update(statement["Action"])
    assert actions == set(permissions.member_actions())
    trust = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert "sts:ExternalId" in json.dumps(trust["Condition"])
    assert "${ManagementAccountId}" in json.dumps(trust["Principal"])


def test_large_policies_are_split_under_the_managed_policy_limit() -> None:
    actions = [f"ec2:DescribeThing{i:04d}" for i in range(600)]
    parts = permissions.split_policy(permissions.policy_document(actions), limit=2000)
    assert len(parts) > 5
    assert all(len(json.dumps(p, separators=(",", ":"))) <= 2000 for p in parts)
    seen = [a for p in parts for s in p["Statement"] for a in s["Action"]]
    assert sorted(seen) == sorted(actions)
