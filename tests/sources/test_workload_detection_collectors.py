"""The workload, detection and governance collectors: what reaches the model, and what a refusal leaves.

Answers the local AWS cannot give (errors in the middle of a collection, Lambda's Environment.Error)
are recorded responses of the real APIs' shapes through botocore's Stubber."""

from __future__ import annotations

import base64
import gzip

from ringfence.model import Instance, LaunchTemplate
from ringfence.model.detection import ConfigStatus, GuardDutyStatus, InspectorStatus
from ringfence.model.functions import LambdaFunction, TaskDefinition
from ringfence.model.messaging import MqBroker
from ringfence.model.resolver import ResolverEndpoint
from ringfence.sources.aws.collectors.config_service import collect_recorders
from ringfence.sources.aws.collectors.datastores import collect_tables, collect_vaults
from ringfence.sources.aws.collectors.ec2_compute import collect_instances, collect_launch_templates
from ringfence.sources.aws.collectors.ecs_task_definitions import collect_task_definitions
from ringfence.sources.aws.collectors.guardduty import collect_detectors
from ringfence.sources.aws.collectors.inspector2 import collect_status
from ringfence.sources.aws.collectors.lambda_functions import collect_functions
from ringfence.sources.aws.collectors.mq import collect_brokers
from ringfence.sources.aws.collectors.route53resolver import collect_endpoints
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.session import ClientFactory, make_session
from stubbed import stub_context, stubbed

from support import ACCOUNT, REGION, Aws

KEY_ID = "AKIA" + "HJ3KL4MN5PQ6RS7T"


def context(aws: Aws, service: str) -> CollectContext:
    options = aws.options()
    return CollectContext(
        factory=ClientFactory(make_session(options), options), account=ACCOUNT, region=REGION, service=service
    )


def test_user_data_is_decoded_scanned_and_kept_redacted(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    script = f"#!/bin/bash\necho start\nexport AWS_ACCESS_KEY_ID={KEY_ID}\n".encode()
    ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, UserData=script.decode())
    ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)
    ec2.create_launch_template(
        LaunchTemplateName="gz",
        LaunchTemplateData={"UserData": base64.b64encode(gzip.compress(script)).decode()},
    )
    ctx = context(aws, "ec2")

    instances = sorted(collect_instances(ctx), key=lambda i: i.user_data_redacted is None)
    [template] = list(collect_launch_templates(ctx))

    assert not [g for g in ctx.gaps if g.operation == "DescribeInstanceAttribute"]
    with_data, without = instances
    assert isinstance(with_data, Instance)
    assert [(f.kind, f.location, f.preview) for f in with_data.user_data_secrets] == [
        ("aws_access_key_id", "user data line 3", "AKIAH…")
    ]
    assert with_data.user_data_redacted == (
        "#!/bin/bash\necho start\nexport AWS_ACCESS_KEY_ID=[REDACTED:aws_access_key_id]\n"
    )
    assert without.user_data_redacted is None
    assert without.user_data_secrets == ()
    assert isinstance(template, LaunchTemplate)
    [version] = template.versions
    assert [f.location for f in version.user_data_secrets] == ["user data of version 1 line 3"]
    assert KEY_ID not in (version.user_data_redacted or "")


def test_lambda_environment_that_lambda_could_not_decrypt_is_unknown() -> None:
    client, stub = stubbed("lambda")
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:quotes"
    stub.add_response(
        "list_functions",
        {
            "Functions": [
                {
                    "FunctionName": "quotes",
                    "FunctionArn": arn,
                    "Runtime": "python3.12",
                    "Role": f"arn:aws:iam::{ACCOUNT}:role/quotes",
                    "Environment": {
                        "Error": {
                            "ErrorCode": "AccessDeniedException",
                            "Message": "Lambda was unable to decrypt",
                        }
                    },
                    "KMSKeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                }
            ]
        },
    )
    stub.add_response("list_tags", {"Tags": {"Environment": "prod"}}, {"Resource": arn})
    with stub:
        [fn] = list(collect_functions(stub_context("lambda", {"lambda": client})))
    assert isinstance(fn, LambdaFunction)
    assert "unable to decrypt" in (fn.unknown("environment") or "")
    assert fn.environment == {}
    assert fn.tags == {"Environment": "prod"}


def test_task_definitions_keep_secret_references_and_redact_values(aws: Aws) -> None:
    ecs = aws.client("ecs")
    for value in ("one", "two"):
        ecs.register_task_definition(
            family="api",
            taskRoleArn=f"arn:aws:iam::{ACCOUNT}:role/api",
            containerDefinitions=[
                {
                    "name": "api",
                    "image": "api:1",
                    "memory": 128,
                    "environment": [
                        {"name": "STAGE", "value": value},
                        {"name": "API_TOKEN", "value": "x9Kq2mZ7vB4nW8pL"},
                    ],
                    "secrets": [
                        {
                            "name": "DB_PASSWORD",
                            "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/db",
                        }
                    ],
                    "command": ["serve", "--token", "x9Kq2mZ7vB4nW8pL"],
                }
            ],
            tags=[{"key": "Environment", "value": "dev"}],
        )
    ctx = context(aws, "ecs")

    [task] = list(collect_task_definitions(ctx))

    assert isinstance(task, TaskDefinition)
    assert (task.family, task.revision, task.task_role_arn) == ("api", 2, f"arn:aws:iam::{ACCOUNT}:role/api")
    assert task.tags == {"Environment": "dev"}
    [container] = task.containers
    assert container.environment == {"STAGE": "two", "API_TOKEN": "[REDACTED]"}
    assert container.secret_names == ("DB_PASSWORD",)
    assert {f.location for f in task.secrets} == {
        "container api, environment variable API_TOKEN",
        "container api, command",
    }


def test_amazon_mq_broker_whose_details_are_refused() -> None:
    client, stub = stubbed("mq")
    stub.add_response(
        "list_brokers",
        {
            "BrokerSummaries": [
                {
                    "BrokerId": "b-1",
                    "BrokerName": "orders",
                    "BrokerArn": f"arn:aws:mq:{REGION}:{ACCOUNT}:broker:orders:b-1",
                    "EngineType": "ACTIVEMQ",
                    "DeploymentMode": "SINGLE_INSTANCE",
                }
            ]
        },
    )
    stub.add_client_error("describe_broker", "ForbiddenException", http_status_code=403)
    ctx = stub_context("mq", {"mq": client})
    with stub:
        [broker] = list(collect_brokers(ctx))
    assert isinstance(broker, MqBroker)
    assert broker.broker_name == "orders"
    assert "ForbiddenException" in (broker.unknown("kms_key_id") or "")
    assert [g.operation for g in ctx.gaps] == ["DescribeBroker"]


def test_detection_records_one_per_region(aws: Aws) -> None:
    detector = aws.client("guardduty").create_detector(Enable=True)["DetectorId"]
    aws.client("inspector2").enable(accountIds=[ACCOUNT], resourceTypes=["EC2"])

    [guardduty] = list(collect_detectors(context(aws, "guardduty")))
    [config] = list(collect_recorders(context(aws, "config")))
    [inspector] = list(collect_status(context(aws, "inspector2")))

    assert isinstance(guardduty, GuardDutyStatus)
    assert (guardduty.region, guardduty.listed_region, guardduty.detector_id, guardduty.status) == (
        "",
        REGION,
        detector,
        "ENABLED",
    )
    assert guardduty.arn == f"{ACCOUNT}/{REGION}/guardduty"
    assert isinstance(config, ConfigStatus)
    assert config.recorders == ()
    assert isinstance(inspector, InspectorStatus)
    assert (inspector.ec2_status, inspector.ecr_status, inspector.ecr_repositories) == (
        "ENABLED",
        "DISABLED",
        0,
    )


def test_guardduty_refusals_and_an_absent_detector() -> None:
    client, stub = stubbed("guardduty")
    stub.add_client_error("list_detectors", "AccessDeniedException", http_status_code=403)
    ctx = stub_context("guardduty", {"guardduty": client})
    with stub:
        [refused] = list(collect_detectors(ctx))
    assert isinstance(refused, GuardDutyStatus)
    assert "access denied" in (refused.unknown("detector") or "")

    client, stub = stubbed("guardduty")
    stub.add_response("list_detectors", {"DetectorIds": []})
    stub.add_response(
        "list_organization_admin_accounts",
        {"AdminAccounts": [{"AdminAccountId": "222222222222", "AdminStatus": "ENABLED"}]},
    )
    with stub:
        [none] = list(collect_detectors(stub_context("guardduty", {"guardduty": client})))
    assert isinstance(none, GuardDutyStatus)
    assert (none.detector_id, none.admin_accounts) == (None, ("222222222222",))


def test_resolver_endpoint_addresses_and_data_stores(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{z}")["Subnet"][
            "SubnetId"
        ]
        for i, z in enumerate("ab")
    ]
    group = ec2.create_security_group(GroupName="dns", Description="dns", VpcId=vpc)["GroupId"]
    aws.client("route53resolver").create_resolver_endpoint(
        CreatorRequestId="rf",
        SecurityGroupIds=[group],
        Direction="OUTBOUND",
        IpAddresses=[{"SubnetId": s} for s in subnets],
    )
    aws.client("dynamodb").create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": "Environment", "Value": "prod"}],
    )
    aws.client("backup").create_backup_vault(BackupVaultName="daily")

    [endpoint] = list(collect_endpoints(context(aws, "route53resolver")))
    [table] = list(collect_tables(context(aws, "dynamodb")))
    vaults = list(collect_vaults(context(aws, "backup")))

    assert isinstance(endpoint, ResolverEndpoint)
    assert (endpoint.direction, endpoint.vpc_id, endpoint.security_group_ids) == ("OUTBOUND", vpc, (group,))
    assert sorted(a.subnet_id or "" for a in endpoint.ip_addresses) == sorted(subnets)
    assert table.tags == {"Environment": "prod"}
    assert [v.native_id for v in vaults] == ["daily"]
