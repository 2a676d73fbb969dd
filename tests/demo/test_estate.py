"""The demo estate: built quickly through real calls, shaped like the case studies, and every planted
flaw reported by the scan while the well-built resources pass."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest

from ringfence.catalogue import load_catalogue
from ringfence.checks.registry import all_checks
from ringfence.demo.estate import DemoEstate, PlantedFlaw, build_demo_estate
from ringfence.demo.kit import N_VIRGINIA, SYDNEY
from ringfence.demo.loadbalancers import LEGACY_POLICY, MODERN_POLICY
from ringfence.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, LocalAws
from ringfence.model import ScanResult, Status
from ringfence.scanner import ScanOptions, scan
from ringfence.sources.aws.session import AwsOptions, ClientFactory

from support import ACCOUNT, Aws

# The build makes ~390 calls, ~5 s of CPU for boto3 and the emulator together (8-16 s of wall time on
# a busy 2-vCPU runner). The time budget is loose for such runners; the call budget is the stable
# guard against a build that grows.
CALL_BUDGET = 420
SECONDS_BUDGET = 30.0


@dataclass(frozen=True)
class Built:
    estate: DemoEstate
    seconds: float
    aws: Aws

    def ec2(self, region: str = SYDNEY) -> Any:
        return self.aws.client("ec2", region)


@pytest.fixture(scope="module")
def built(local_aws: LocalAws) -> Built:
    local_aws.reset()
    started = time.perf_counter()
    estate = build_demo_estate(local_aws.endpoint_url)
    seconds = time.perf_counter() - started
    print(
        f"\ndemo estate: {estate.api_calls} API calls in {seconds:.2f} s, {len(estate.flaws)} planted flaws"
    )
    return Built(estate=estate, seconds=seconds, aws=Aws(local_aws))


@pytest.fixture(scope="module")
def result(built: Built) -> ScanResult:
    estate = built.estate
    options = AwsOptions(
        endpoint_url=built.aws.endpoint_url,
        home_region=estate.home_region,
        access_key_id=DEMO_ACCESS_KEY,
        secret_access_key=DEMO_SECRET_KEY,
    )
    return scan(ScanOptions(aws=options, regions=list(estate.regions), params=estate.params))


def by_name(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    found = [i for i in items if {"Key": "Name", "Value": name} in i.get("Tags", [])]
    assert len(found) == 1, f"expected one resource named {name}, got {len(found)}"
    return found[0]


def tags_of(item: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in item.get("Tags", [])}


def vpc_named(built: Built, name: str) -> dict[str, Any]:
    return by_name(built.ec2().describe_vpcs()["Vpcs"], name)


# --- the build -----------------------------------------------------------------------------------


def test_builds_in_seconds_with_a_few_calls_per_resource(built: Built) -> None:
    estate = built.estate
    print(f"built in {built.seconds:.2f} s ({estate.api_calls} calls, {estate.build_seconds} s inside)")
    assert estate.api_calls <= CALL_BUDGET
    assert built.seconds < SECONDS_BUDGET
    assert estate.account_id == ACCOUNT
    assert estate.home_region == SYDNEY
    assert estate.regions == (SYDNEY, N_VIRGINIA)


def test_planted_flaws_name_catalogue_controls(built: Built) -> None:
    catalogue = load_catalogue()
    flaws = built.estate.flaws
    assert len(flaws) >= 25
    for flaw in flaws:
        assert flaw.control_id in catalogue, flaw
        assert flaw.resource_hint, flaw
        assert flaw.description, flaw
    assert len(set(flaws)) == len(flaws), "a flaw is planted twice"
    assert set(built.estate.params) <= set(catalogue)


def test_health_workload_has_three_tiers_endpoints_and_customer_keys(built: Built) -> None:
    ec2 = built.ec2()
    vpc = vpc_named(built, "harbourhealth-prod-vpc")
    assert tags_of(vpc)["Environment"] == "prod"
    vpc_filter = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
    subnets = ec2.describe_subnets(Filters=vpc_filter)["Subnets"]
    tiers: dict[str, set[str]] = {}
    for subnet in subnets:
        tiers.setdefault(tags_of(subnet)["Tier"], set()).add(subnet["AvailabilityZone"])
    assert tiers == {tier: {f"{SYDNEY}a", f"{SYDNEY}b"} for tier in ("public", "private", "data")}

    nats = ec2.describe_nat_gateways(Filters=vpc_filter)["NatGateways"]
    assert [
        n["SubnetId"] in {s["SubnetId"] for s in subnets if tags_of(s)["Tier"] == "public"} for n in nats
    ] == [True]
    tables = ec2.describe_route_tables(Filters=vpc_filter)["RouteTables"]
    data_a = by_name(tables, "harbourhealth-prod-data-a-rt")
    assert not [r for r in data_a["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
    assert [r for r in data_a["Routes"] if r.get("DestinationPrefixListId") and r.get("NatGatewayId")]
    data_b = by_name(tables, "harbourhealth-prod-data-b-rt")
    assert [
        r for r in data_b["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0" and r.get("NatGatewayId")
    ]

    endpoints = ec2.describe_vpc_endpoints(Filters=vpc_filter)["VpcEndpoints"]
    gateway = [e for e in endpoints if e["VpcEndpointType"] == "Gateway"]
    interface = [e for e in endpoints if e["VpcEndpointType"] == "Interface"]
    assert [e["ServiceName"] for e in gateway] == [f"com.amazonaws.{SYDNEY}.s3"]
    assert len(gateway[0]["RouteTableIds"]) == 3
    assert [e["PrivateDnsEnabled"] for e in interface] == [True] * 7
    logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc["VpcId"]]}])["FlowLogs"]
    assert [(f["TrafficType"], f["LogDestinationType"]) for f in logs] == [("ALL", "cloud-watch-logs")]
    acls = ec2.describe_network_acls(Filters=vpc_filter)["NetworkAcls"]
    data_acl = by_name(acls, "harbourhealth-prod-data-nacl")
    assert len(data_acl["Associations"]) == 2

    kms = built.aws.client("kms", SYDNEY)
    aliases = {a["AliasName"]: a["TargetKeyId"] for a in kms.list_aliases()["Aliases"]}
    data_key = aliases["alias/harbourhealth-prod-data"]
    assert kms.get_key_rotation_status(KeyId=data_key)["KeyRotationEnabled"]
    assert not kms.get_key_rotation_status(KeyId=aliases["alias/harbourhealth-prod-backup"])[
        "KeyRotationEnabled"
    ]

    instances = [
        i for r in ec2.describe_instances(Filters=vpc_filter)["Reservations"] for i in r["Instances"]
    ]
    assert len(instances) == 2
    for instance in instances:
        assert instance["MetadataOptions"]["HttpTokens"] == "required"
        assert instance["IamInstanceProfile"]["Arn"].endswith("/harbourhealth-prod-app-server")
        volumes = ec2.describe_volumes(
            Filters=[{"Name": "attachment.instance-id", "Values": [instance["InstanceId"]]}]
        )["Volumes"]
        assert len(volumes) == 2
        assert all(v["Encrypted"] and v["KmsKeyId"].endswith(data_key) for v in volumes)

    efs = built.aws.client("efs", SYDNEY).describe_file_systems()["FileSystems"]
    encrypted = {f["Name"]: f["Encrypted"] for f in efs}
    assert encrypted == {
        "harbourhealth-prod-shared-documents": True,
        "harbourhealth-prod-scanning-scratch": False,
    }

    db = built.aws.client("rds", SYDNEY).describe_db_instances(
        DBInstanceIdentifier="harbourhealth-prod-claims-db"
    )
    db = db["DBInstances"][0]
    assert (db["Engine"], db["StorageEncrypted"], db["PubliclyAccessible"]) == ("postgres", True, False)
    assert db["KmsKeyId"].endswith(data_key)
    data_subnets = {s["SubnetId"] for s in subnets if tags_of(s)["Tier"] == "data"}
    assert {s["SubnetIdentifier"] for s in db["DBSubnetGroup"]["Subnets"]} == data_subnets


def test_health_load_balancers_terminate_tls(built: Built) -> None:
    elbv2 = built.aws.client("elbv2", SYDNEY)
    balancers = {
        lb["LoadBalancerName"]: lb["LoadBalancerArn"]
        for lb in elbv2.describe_load_balancers()["LoadBalancers"]
    }

    def listeners(name: str) -> dict[int, dict[str, Any]]:
        found = elbv2.describe_listeners(LoadBalancerArn=balancers[name])["Listeners"]
        return {listener["Port"]: listener for listener in found}

    nlb = listeners("harbourhealth-prod-api-nlb")
    assert (nlb[443]["Protocol"], nlb[443]["SslPolicy"]) == ("TLS", MODERN_POLICY)
    alb = listeners("harbourhealth-prod-portal-alb")
    assert alb[80]["DefaultActions"][0]["RedirectConfig"]["Protocol"] == "HTTPS"
    assert (alb[443]["Protocol"], alb[443]["SslPolicy"]) == ("HTTPS", LEGACY_POLICY)
    staging = listeners("wattle-staging-api-alb")
    assert [(port, listener["DefaultActions"][0]["Type"]) for port, listener in staging.items()] == [
        (80, "forward")
    ]


def test_insurtech_environments_and_their_shortcuts(built: Built) -> None:
    ec2 = built.ec2()
    for env in ("dev", "staging", "prod"):
        tags = tags_of(vpc_named(built, f"wattle-{env}-vpc"))
        assert (tags["Environment"], tags["Application"]) == (env, "embedded-cover-api")
    dev_vpc = vpc_named(built, "wattle-dev-vpc")["VpcId"]
    dev = ec2.describe_instances(Filters=[{"Name": "vpc-id", "Values": [dev_vpc]}])["Reservations"][0]
    dev_instance = dev["Instances"][0]
    assert dev_instance["MetadataOptions"]["HttpTokens"] == "optional"
    assert "IamInstanceProfile" not in dev_instance
    assert not ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [dev_vpc]}])["FlowLogs"]

    rds = built.aws.client("rds", SYDNEY)
    staging_db = rds.describe_db_instances(DBInstanceIdentifier="wattle-staging-quotes-db")["DBInstances"][0]
    assert (staging_db["PubliclyAccessible"], staging_db["StorageEncrypted"]) == (True, False)
    prod_db = rds.describe_db_instances(DBInstanceIdentifier="wattle-prod-policy-db")["DBInstances"][0]
    assert (prod_db["StorageEncrypted"], prod_db["PubliclyAccessible"], prod_db["MultiAZ"]) == (
        True,
        False,
        True,
    )

    s3 = built.aws.client("s3", SYDNEY)

    def algorithm(bucket: str) -> str:
        rules = s3.get_bucket_encryption(Bucket=f"{bucket}-{ACCOUNT}")["ServerSideEncryptionConfiguration"]
        return str(rules["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"])

    assert algorithm("wattle-prod-policy-documents") == "aws:kms"
    assert algorithm("wattle-staging-quote-uploads") == "AES256"
    widget_policy = s3.get_bucket_policy(Bucket=f"wattle-dev-partner-widget-{ACCOUNT}")["Policy"]
    assert '"Principal": "*"' in widget_policy
    dr = built.aws.client("s3", N_VIRGINIA).get_bucket_location(
        Bucket=f"wattle-prod-policy-documents-dr-{ACCOUNT}"
    )
    assert dr["LocationConstraint"] in (None, "us-east-1")


def test_account_foundations(built: Built) -> None:
    options = AwsOptions(
        endpoint_url=built.aws.endpoint_url, access_key_id=DEMO_ACCESS_KEY, secret_access_key=DEMO_SECRET_KEY
    )
    s3control = ClientFactory(built.aws.session, options).client(
        "s3control", SYDNEY
    )  # no account host prefix
    block = s3control.get_public_access_block(AccountId=ACCOUNT)
    assert sum(block["PublicAccessBlockConfiguration"].values()) == 2
    assert not built.ec2(SYDNEY).get_ebs_encryption_by_default()["EbsEncryptionByDefault"]
    assert built.ec2(N_VIRGINIA).get_ebs_encryption_by_default()["EbsEncryptionByDefault"]

    cloudtrail = built.aws.client("cloudtrail", N_VIRGINIA)
    trail = cloudtrail.describe_trails()["trailList"][0]
    assert (trail["IsMultiRegionTrail"], trail["LogFileValidationEnabled"], trail.get("KmsKeyId")) == (
        True,
        True,
        None,
    )
    assert cloudtrail.get_trail_status(Name=trail["Name"])["IsLogging"]

    iam = built.aws.client("iam", SYDNEY)
    assert iam.get_login_profile(UserName="dev.contractor")
    assert not iam.list_mfa_devices(UserName="dev.contractor")["MFADevices"]
    assert iam.list_mfa_devices(UserName="priya.sharma")["MFADevices"]


def test_saas_tenants_each_have_a_vpc_and_two_are_peered(built: Built) -> None:
    ec2 = built.ec2()
    tenant_vpcs = {
        tags_of(v)["tenant"]: v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if "tenant" in tags_of(v)
    }
    assert set(tenant_vpcs) == {"acme", "globex", "initech"}
    peerings = ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]
    active = [p for p in peerings if p["Status"]["Code"] == "active"]
    assert [{p["RequesterVpcInfo"]["VpcId"], p["AccepterVpcInfo"]["VpcId"]} for p in active] == [
        {tenant_vpcs["acme"], tenant_vpcs["globex"]}
    ]
    balancers = built.aws.client("elbv2", SYDNEY).describe_load_balancers()["LoadBalancers"]
    by_vpc = {lb["VpcId"]: lb["Scheme"] for lb in balancers if lb["LoadBalancerName"].startswith("riskdesk-")}
    assert by_vpc == {vpc: "internet-facing" for vpc in tenant_vpcs.values()}


# --- the scan ------------------------------------------------------------------------------------


def failed(result: ScanResult, flaw: PlantedFlaw) -> bool:
    return any(
        f.control_id == flaw.control_id and f.status is Status.FAIL and flaw.resource_hint in f.resource_id
        for f in result.findings
    )


def test_the_scan_fails_every_planted_flaw_it_has_a_check_for(built: Built, result: ScanResult) -> None:
    checks = all_checks()
    checked = [f for f in built.estate.flaws if f.control_id in checks]
    waiting = sorted({f.control_id for f in built.estate.flaws} - set(checks))
    print(f"\n{len(checked)} planted flaws have a check; no check yet for {', '.join(waiting) or 'none'}")
    missed = [
        f"{f.control_id} on {f.resource_hint}: {f.description}" for f in checked if not failed(result, f)
    ]
    assert not missed, "the scan did not report:\n" + "\n".join(missed)


def exemplars(built: Built) -> list[tuple[str, str]]:
    """(control, resource hint) pairs of resources built to pass."""
    ec2 = built.ec2()
    health = vpc_named(built, "harbourhealth-prod-vpc")["VpcId"]
    prod = vpc_named(built, "wattle-prod-vpc")["VpcId"]
    groups = ec2.describe_security_groups()["SecurityGroups"]
    web = next(g["GroupId"] for g in groups if g["GroupName"] == "harbourhealth-prod-web-sg")
    prod_api = next(g["GroupId"] for g in groups if g["GroupName"] == "wattle-prod-api-sg")
    health_default = next(
        g["GroupId"] for g in groups if g["GroupName"] == "default" and g["VpcId"] == health
    )
    instances = [i for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
    app_a = by_name(instances, "harbourhealth-prod-app-a")["InstanceId"]
    volume = by_name(ec2.describe_volumes()["Volumes"], "harbourhealth-prod-app-a-data")["VolumeId"]
    efs = built.aws.client("efs", SYDNEY).describe_file_systems()["FileSystems"]
    shared = next(f["FileSystemId"] for f in efs if f["Encrypted"])
    kms = built.aws.client("kms", SYDNEY)
    data_key = next(
        a["TargetKeyId"]
        for a in kms.list_aliases()["Aliases"]
        if a["AliasName"] == "alias/harbourhealth-prod-data"
    )
    elbv2 = built.aws.client("elbv2", SYDNEY)
    arns = {
        lb["LoadBalancerName"]: lb["LoadBalancerArn"]
        for lb in elbv2.describe_load_balancers()["LoadBalancers"]
    }
    nlb_tls = elbv2.describe_listeners(LoadBalancerArn=arns["harbourhealth-prod-api-nlb"])["Listeners"][0]
    portal = elbv2.describe_listeners(LoadBalancerArn=arns["harbourhealth-prod-portal-alb"])["Listeners"]
    redirect = next(listener for listener in portal if listener["Port"] == 80)
    documents = f"wattle-prod-policy-documents-{ACCOUNT}"
    return [
        ("ENC-01", f"{ACCOUNT}/{N_VIRGINIA}"),
        ("ENC-02", volume),
        ("ENC-03", "harbourhealth-prod-claims-db"),
        ("ENC-05", shared),
        ("ENC-06", "wattle-prod-policy-db"),
        ("ENC-07", documents),
        ("ENC-08", data_key),
        ("S3-02", documents),
        ("RDS-01", "harbourhealth-prod-claims-db"),
        ("TLS-01", nlb_tls["ListenerArn"]),
        ("TLS-02", redirect["ListenerArn"]),
        ("NET-01", web),
        ("NET-03", prod_api),
        ("NET-04", prod_api),
        ("NET-06", health_default),
        ("NET-12", health),
        ("NET-12", prod),
        ("EC2-01", app_a),
        ("IAM-04", app_a),
        ("IAM-02", "user/priya.sharma"),
    ]


def test_well_built_resources_pass(built: Built, result: ScanResult) -> None:
    checks = all_checks()
    wrong: list[str] = []
    for control_id, hint in exemplars(built):
        if control_id not in checks:
            continue
        statuses = {f.status for f in result.findings if f.control_id == control_id and hint in f.resource_id}
        if statuses != {Status.PASS}:
            wrong.append(f"{control_id} on {hint}: {sorted(statuses) or 'no finding'}")
    assert not wrong, "expected PASS:\n" + "\n".join(wrong)
