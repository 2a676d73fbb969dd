"""IAM-03, and the secret hygiene around it: no report format and no stored inventory carries a secret.

The fake credentials are assembled at run time (they are not real keys)."""

import base64
import io
import json
import zipfile
from pathlib import Path

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Instance, Inventory, LaunchTemplate, LaunchTemplateVersion, Status, to_jsonable
from ringfence.model.secrets import SecretFinding
from ringfence.report import render
from ringfence.store.store import ScanStore

from support import ACCOUNT, REGION, Aws, findings_for, status_of

KEY_ID = "AKIA" + "ZT5QWERTY7UIOP2X"
SECRET_KEY = "Zk3vQ9pLmX2rT8wYb" + "N4cF7hJ1sD6gK0aE5uRiO/7"
PASSWORD = "Vq7#mK2$pL9!zR4x"
TRUST_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def _plant_everywhere(aws: Aws) -> dict[str, str]:
    ec2 = aws.client("ec2")
    leaky = ec2.run_instances(
        ImageId="ami-12345678",
        MinCount=1,
        MaxCount=1,
        UserData=f"#!/bin/bash\nexport AWS_ACCESS_KEY_ID={KEY_ID}\nexport AWS_SECRET_ACCESS_KEY={SECRET_KEY}\n",
    )["Instances"][0]["InstanceId"]
    clean = ec2.run_instances(
        ImageId="ami-12345678", MinCount=1, MaxCount=1, UserData="#!/bin/bash\nyum -y update\n"
    )["Instances"][0]["InstanceId"]
    template = ec2.create_launch_template(
        LaunchTemplateName="rf-web",
        LaunchTemplateData={"UserData": base64.b64encode(f'DB_PASSWORD="{PASSWORD}"\n'.encode()).decode()},
    )["LaunchTemplate"]["LaunchTemplateId"]
    iam = aws.client("iam")
    role = iam.create_role(RoleName="rf-fn", AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return None\n")
    aws.client("lambda").create_function(
        FunctionName="rf-quotes",
        Runtime="python3.12",
        Role=role,
        Handler="handler.handle",
        Code={"ZipFile": code.getvalue()},
        Environment={"Variables": {"DB_PASSWORD": PASSWORD, "TABLE_NAME": "quotes"}},
    )
    aws.client("ecs").register_task_definition(
        family="rf-api",
        containerDefinitions=[
            {
                "name": "api",
                "image": "api:1",
                "memory": 256,
                "environment": [{"name": "AWS_ACCESS_KEY_ID", "value": KEY_ID}],
                "secrets": [
                    {"name": "DB_PASSWORD", "valueFrom": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/db"}
                ],
            }
        ],
    )
    aws.client("ecs").register_task_definition(
        family="rf-clean",
        containerDefinitions=[
            {
                "name": "app",
                "image": "app:1",
                "memory": 256,
                "environment": [{"name": "MODE", "value": "web"}],
            }
        ],
    )
    aws.client("cloudformation").create_stack(
        StackName="rf-db",
        TemplateBody=json.dumps(
            {
                "Parameters": {"MasterPassword": {"Type": "String"}},
                "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
            }
        ),
        Parameters=[{"ParameterKey": "MasterPassword", "ParameterValue": PASSWORD}],
    )
    return {"leaky": leaky, "clean": clean, "template": template}


def test_credentials_are_found_everywhere_and_never_printed_or_stored(aws: Aws, tmp_path: Path) -> None:
    ids = _plant_everywhere(aws)

    result = aws.scan(controls=["IAM-03"])

    assert status_of(result, "IAM-03", ids["leaky"]) is Status.FAIL
    assert status_of(result, "IAM-03", ids["clean"]) is Status.PASS
    assert status_of(result, "IAM-03", ids["template"]) is Status.FAIL
    assert status_of(result, "IAM-03", "function:rf-quotes") is Status.FAIL
    assert status_of(result, "IAM-03", "task-definition/rf-api") is Status.FAIL
    assert status_of(result, "IAM-03", "task-definition/rf-clean") is Status.PASS
    assert status_of(result, "IAM-03", "stack/rf-db/") is Status.FAIL
    leaky = next(f for f in findings_for(result, "IAM-03") if ids["leaky"] in f.resource_id)
    assert "AWS access key id (AKIAZ…) in user data line 2" in leaky.message
    assert "AWS secret access key" in leaky.message

    secrets = (KEY_ID, SECRET_KEY, PASSWORD, KEY_ID[5:], SECRET_KEY[6:], PASSWORD[4:])
    reports = {
        fmt: render(result, fmt, checks={c: m.meta for c, m in all_checks().items()})
        for fmt in ("json", "csv", "html", "sarif", "junit")
    }
    reports["table"] = render(result, "table")
    inventory = json.dumps([to_jsonable(r) for r in result.inventory])
    with ScanStore(f"sqlite:///{tmp_path / 'history.db'}") as store:
        store.save(result)
        reloaded = store.load(result.info.id)
    stored = (tmp_path / "history.db").read_bytes()
    for secret in secrets:
        for fmt, text in reports.items():
            assert secret not in text, f"{fmt} report shows a secret"
        assert secret not in inventory
        assert secret.encode() not in stored
    function = next(r for r in reloaded.inventory if r.native_id == "rf-quotes")
    assert function.environment == {"DB_PASSWORD": "[REDACTED]", "TABLE_NAME": "quotes"}  # type: ignore[attr-defined]


def test_unreadable_user_data_and_launch_template_versions() -> None:
    unread = Instance(
        arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-unread",
        native_id="i-unread",
        account=ACCOUNT,
        region=REGION,
        unresolved={"user_data": "access denied: ec2:DescribeInstanceAttribute (UnauthorizedOperation)"},
    )
    found = SecretFinding("aws_access_key_id", "user data of version 2 line 3", "AKIAZ…")
    template = LaunchTemplate(
        arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:launch-template/lt-1",
        native_id="lt-1",
        account=ACCOUNT,
        region=REGION,
        template_name="web",
        versions=(
            LaunchTemplateVersion(version_number=1, is_default=True),
            LaunchTemplateVersion(version_number=2, is_latest=True, user_data_secrets=(found,)),
        ),
    )
    by_id = {
        f.resource_id: f
        for f in evaluate(Inventory([unread, template]), [all_checks()["IAM-03"]], strict=True)
    }
    assert by_id[unread.arn].status is Status.UNKNOWN
    assert by_id[template.arn].status is Status.FAIL
    assert "version 2" in by_id[template.arn].message
