"""IAM-05. moto loads no AWS managed policies: those are recorded responses (botocore's Stubber) of
GetPolicy/GetPolicyVersion with the real documents, or built into an Inventory."""

import json
from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Finding, Inventory, Resource, Status
from ringfence.model.functions import LambdaFunction, TaskDefinition
from ringfence.model.identity import IamRole, RolePolicy
from ringfence.sources.aws.collectors.iam_roles import collect_roles
from stubbed import stub_context, stubbed

from support import ACCOUNT, REGION, Aws, status_of

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
POWER_USER = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["iam:CreateServiceLinkedRole", "iam:ListRoles"], "Resource": "*"},
    ],
}


def _trust(service: str) -> str:
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _role_in_profile(aws: Aws, name: str) -> str:
    iam = aws.client("iam")
    arn = str(
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust("ec2.amazonaws.com"))["Role"]["Arn"]
    )
    iam.create_instance_profile(InstanceProfileName=name)
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    return arn


def test_instance_profile_roles_with_wildcards_fail(aws: Aws) -> None:
    iam = aws.client("iam")
    admin = _role_in_profile(aws, "rf-debug")
    iam.put_role_policy(
        RoleName="rf-debug",
        PolicyName="everything",
        PolicyDocument=_policy({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    )
    storage = _role_in_profile(aws, "rf-storage")
    managed = iam.create_policy(
        PolicyName="all-s3", PolicyDocument=_policy({"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"})
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="rf-storage", PolicyArn=managed)
    scoped = _role_in_profile(aws, "rf-app")
    iam.put_role_policy(
        RoleName="rf-app",
        PolicyName="documents",
        PolicyDocument=_policy(
            {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::documents/*"},
            {"Effect": "Allow", "Action": ["ssm:UpdateInstanceInformation"], "Resource": "*"},
        ),
    )
    iam.create_role(RoleName="rf-idle", AssumeRolePolicyDocument=_trust("lambda.amazonaws.com"))
    iam.create_role(RoleName="rf-person", AssumeRolePolicyDocument=_trust("sso.amazonaws.com"))

    result = aws.scan(controls=["IAM-05"])

    assert status_of(result, "IAM-05", admin) is Status.FAIL
    assert status_of(result, "IAM-05", storage) is Status.FAIL
    assert status_of(result, "IAM-05", scoped) is Status.PASS
    assert status_of(result, "IAM-05", "role/rf-idle") is Status.NOT_APPLICABLE  # nothing uses it
    assert not [f for f in result.findings if f.resource_id.endswith("role/rf-person")]  # not a workload role
    message = next(f.message for f in result.findings if f.resource_id == storage)
    assert "managed policy all-s3" in message
    assert "s3:*" in message


def test_aws_managed_policies_are_read_and_judged_by_content() -> None:
    client, stub = stubbed("iam")
    role = {
        "Path": "/",
        "RoleName": "rf-lambda",
        "RoleId": "AROAEXAMPLEID1234567",
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/rf-lambda",
        "CreateDate": "2024-05-01T10:00:00Z",
        "AssumeRolePolicyDocument": _trust("lambda.amazonaws.com"),
    }
    stub.add_response("list_instance_profiles", {"InstanceProfiles": []})
    stub.add_response("list_roles", {"Roles": [role]})
    stub.add_response(
        "get_role",
        {"Role": {**role, "Tags": [{"Key": "Environment", "Value": "prod"}]}},
        {"RoleName": "rf-lambda"},
    )
    stub.add_response("list_role_policies", {"PolicyNames": []}, {"RoleName": "rf-lambda"})
    stub.add_response(
        "list_attached_role_policies",
        {"AttachedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN}]},
        {"RoleName": "rf-lambda"},
    )
    stub.add_response(
        "get_policy",
        {
            "Policy": {
                "PolicyName": "AdministratorAccess",
                "Arn": ADMIN,
                "DefaultVersionId": "v1",
                "AttachmentCount": 1,
            }
        },
        {"PolicyArn": ADMIN},
    )
    stub.add_response(
        "get_policy_version",
        {
            "PolicyVersion": {
                "Document": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D",
                "VersionId": "v1",
                "IsDefaultVersion": True,
            }
        },
        {"PolicyArn": ADMIN, "VersionId": "v1"},
    )
    with stub:
        [collected] = list(collect_roles(stub_context("iam", {"iam": client}, region="")))
    stub.assert_no_pending_responses()
    assert isinstance(collected, IamRole)
    assert collected.tags == {"Environment": "prod"}
    assert collected.trusted_services == ("lambda.amazonaws.com",)
    [policy] = collected.policies
    assert (policy.aws_managed, policy.version_id) == (True, "v1")

    function = LambdaFunction(
        arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:quotes",
        native_id="quotes",
        account=ACCOUNT,
        region=REGION,
        function_name="quotes",
        role_arn=collected.arn,
    )
    [finding] = evaluate(Inventory([collected, function]), [all_checks()["IAM-05"]], strict=True)
    assert finding.status is Status.FAIL
    assert "AWS managed policy AdministratorAccess" in finding.message
    assert "Lambda function quotes" in finding.message


def _role(name: str, *policies: RolePolicy, **kw: Any) -> IamRole:
    return IamRole(
        arn=f"arn:aws:iam::{ACCOUNT}:role/{name}",
        native_id=name,
        account=ACCOUNT,
        region="",
        role_name=name,
        policies=policies,
        **kw,
    )


def _findings(*resources: Resource) -> dict[str, Finding]:
    return {
        f.resource_id.rsplit("/", 1)[-1]: f
        for f in evaluate(Inventory(resources), [all_checks()["IAM-05"]], strict=True)
    }


def test_not_action_unreadable_policies_and_missing_roles() -> None:
    power = RolePolicy(
        "PowerUserAccess",
        "managed",
        arn="arn:aws:iam::aws:policy/PowerUserAccess",
        aws_managed=True,
        document=json.dumps(POWER_USER),
    )
    broken = RolePolicy("legacy", "inline", error="access denied: iam:GetRolePolicy (AccessDenied)")
    not_resource = RolePolicy(
        "all-but",
        "inline",
        document=_policy({"Effect": "Allow", "Action": "ec2:*", "NotResource": "arn:aws:ec2:*:*:vpc/*"}),
    )
    denied_star = RolePolicy(
        "deny", "inline", document=_policy({"Effect": "Deny", "Action": "*", "Resource": "*"})
    )
    task = TaskDefinition(
        arn=f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/api",
        native_id="api",
        account=ACCOUNT,
        region=REGION,
        family="api",
        task_role_arn="task-power",  # a role name, as ECS allows
        execution_role_arn=f"arn:aws:iam::{ACCOUNT}:role/gone",
    )
    profile = f"arn:aws:iam::{ACCOUNT}:instance-profile/p"
    found = _findings(
        task,
        _role("task-power", power, permissions_boundary_arn=f"arn:aws:iam::{ACCOUNT}:policy/boundary"),
        _role("unread", broken, instance_profile_arns=(profile,)),
        _role("not-resource", not_resource, instance_profile_arns=(profile,)),
        _role("denies", denied_star, instance_profile_arns=(profile,)),
        _role(
            "listing-failed",
            instance_profile_arns=(profile,),
            unresolved={"policies": "access denied: iam:ListRolePolicies (AccessDenied)"},
        ),
    )
    assert found["task-power"].status is Status.FAIL
    assert "every action except iam:*" in found["task-power"].message
    assert "permissions boundary" in found["task-power"].message
    assert found["unread"].status is Status.UNKNOWN
    assert found["not-resource"].status is Status.FAIL
    assert found["denies"].status is Status.PASS
    assert found["listing-failed"].status is Status.UNKNOWN
    assert found["gone"].status is Status.UNKNOWN
    assert "not in the inventory" in found["gone"].message
