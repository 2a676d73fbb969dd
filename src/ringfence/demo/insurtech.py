"""Case studies 001-003: an embedded-insurance API with dev, staging and prod VPCs, in miniature.

Each environment has DMZ, application and data subnets (Tier tags) from the same CDK patterns.
Prod is what the patterns intend: tight security groups, IMDSv2, instance profiles, customer-managed
keys, a private Multi-AZ database, HTTPS with a modern policy and flow logs. Dev and staging show
what a cloud operations review finds when people take shortcuts; prod's disaster-recovery copy of
the policy documents sits in us-east-1, outside the Australian shores the data must stay on.
"""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.demo import certificates, compute, insurtech_shortcuts, loadbalancers, network, storage
from ringfence.demo.databases import MYSQL, db_instance
from ringfence.demo.kit import N_VIRGINIA, DemoAws, Workload
from ringfence.demo.network import ANYWHERE, Network, Route, tcp, udp

OWNER = "platform@wattle.example"
APPLICATION = "embedded-cover-api"
DEV = Workload("wattle-dev", "dev", APPLICATION, OWNER)
STAGING = Workload("wattle-staging", "staging", APPLICATION, OWNER)
PROD = Workload("wattle-prod", "prod", APPLICATION, OWNER)
PROD_DR = Workload("wattle-prod", "prod", APPLICATION, OWNER, region=N_VIRGINIA)
ONE_AZ = {"dmz": ("public", "ab"), "app": ("private", "a"), "data": ("data", "a")}  # dev and staging
TWO_AZ = {"dmz": ("public", "ab"), "app": ("private", "ab"), "data": ("data", "ab")}  # prod
ORGANISATION = "Wattle Cover Pty Ltd"
# The developers' SSH key (a public key; the local AWS stores it like EC2 would).
DEV_PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGz5vJ0x8a9yVQ1m0bq3v1kq3mJxH1bYl2nq8ZlqE0bN wattle-dev"
CONTRACTOR_IP = "203.0.113.45/32"
# The dev API's bootstrap script, with a contractor's access key pasted in "just for now" (a made-up
# key, assembled here so that repository secret scanners do not take this file for a leak).
DEV_BOOTSTRAP = (
    "#!/bin/bash\n"
    "yum install -y docker && systemctl start docker\n"
    f"export AWS_ACCESS_KEY_ID={'AKIA' + 'WATTLEDEV0DEMO12'}\n"
    "docker run -d -p 8080:8080 -e AWS_ACCESS_KEY_ID wattle/embedded-cover-api:dev\n"
)


@dataclass(frozen=True, slots=True)
class Keys:
    prod: storage.Key
    nonprod: storage.Key


def build(aws: DemoAws, flow_log_bucket: str) -> None:
    """The three environments; staging's and prod's flow logs go to `flow_log_bucket`."""
    keys = Keys(
        prod=storage.kms_key(aws, PROD, "data", "Policy and claims data (prod)"),
        nonprod=storage.kms_key(aws, STAGING, "data", "Test data (dev and staging)"),
    )
    image = compute.machine_image(
        aws, DEV.region, "wattle-api-al2023", "Amazon Linux 2023 with the API runtime"
    )
    dev = _dev(aws, image)
    staging = _staging(aws, image, keys)
    prod = _prod(aws, image, keys)
    network.flow_logs_to_s3(aws, PROD, [staging.vpc_id, prod.vpc_id], flow_log_bucket)
    aws.plant("NET-12", dev.vpc_id, "the dev VPC has no flow logs")
    aws.plant("GOV-03", aws.account_id, "dev, staging and prod of the embedded-cover API share one account")
    _buckets(aws, keys)


def _environment(
    aws: DemoAws, wl: Workload, second_octet: int, layout: dict[str, tuple[str, str]]
) -> Network:
    """The VPC every environment starts from: tiered subnets, an internet gateway and the DMZ route
    table (the app and data subnets stay on the main route table: local traffic only)."""
    net = network.build_vpc(
        aws, wl, f"10.{second_octet}.0.0/16", network.tiered_subnets(f"10.{second_octet}", layout)
    )
    network.route_table(aws, net, "dmz-rt", ["dmz-a", "dmz-b"], [Route(ANYWHERE, net.internet_gateway)])
    return net


def _dev(aws: DemoAws, image: str) -> Network:
    net = _environment(aws, DEV, 20, ONE_AZ)
    default_group = network.default_group_id(aws, net)
    aws.plant("NET-06", default_group, "the dev VPC's default security group still allows all egress")
    # Dev's groups keep the allow-all egress rule AWS gives every new group.
    api = network.security_group(aws, net, "api-sg", "API containers host")
    network.set_rules(aws, net.region, api, ingress=[tcp(8080, cidr=net.cidr), tcp(22, cidr=CONTRACTOR_IP)])
    aws.plant("NET-04", api, "dev's API group keeps AWS's allow-all egress: DNS to any resolver")
    telemetry = network.security_group(aws, net, "telemetry-sg", "StatsD and OpenTelemetry collectors")
    network.set_rules(aws, net.region, telemetry, ingress=[udp(cidr=net.cidr, description="metrics")])
    aws.plant("NET-03", telemetry, "a dev security group accepts UDP on every port")
    elb_group = network.security_group(aws, net, "legacy-elb-sg", "Legacy API load balancer")
    network.set_rules(
        aws, net.region, elb_group, ingress=[tcp(80, cidr=ANYWHERE)], egress=[tcp(8080, group=api)]
    )

    aws.client("ec2", net.region).import_key_pair(
        KeyName="wattle-dev", PublicKeyMaterial=DEV_PUBLIC_KEY.encode()
    )
    server = compute.instance(
        aws,
        net,
        "api-1",
        "dmz-a",
        [api],
        image_id=image,
        instance_type="t2.medium",
        imds=compute.IMDS_V1,
        key_pair="wattle-dev",
        user_data=DEV_BOOTSTRAP,
    )
    aws.plant("EC2-01", server.instance_id, "the dev API instance still allows IMDSv1 (HttpTokens optional)")
    aws.plant("IAM-03", server.instance_id, "the dev API's user data holds a contractor's AWS access key")
    aws.plant("IAM-04", server.instance_id, "the dev API instance runs without an instance profile")
    aws.plant("ENC-02", server.root_volume_id, "the dev API instance's root volume is unencrypted")
    restore = compute.volume(aws, net, "db-restore", "data-a", size_gib=100, key=None)
    aws.plant("ENC-02", restore, "a volume restored from a prod dump for debugging is unencrypted")
    insurtech_shortcuts.dev(aws, net, restore, api)

    legacy = loadbalancers.classic_http(
        aws,
        net,
        "legacy-elb",
        ["dmz-a", "dmz-b"],
        [elb_group],
        instance_port=8080,
        instances=[server.instance_id],
    )
    aws.plant("TLS-02", legacy, "the legacy Classic Load Balancer serves the API over plain HTTP")
    return net


def _staging(aws: DemoAws, image: str, keys: Keys) -> Network:
    net = _environment(aws, STAGING, 21, ONE_AZ)
    network.lock_default_group(aws, net)
    ids = {
        key: network.security_group(aws, net, f"{key}-sg", text)
        for key, text in {"alb": "API load balancer", "api": "API servers", "db": "Quotes database"}.items()
    }
    network.set_rules(
        aws, net.region, ids["alb"], ingress=[tcp(80, cidr=ANYWHERE)], egress=[tcp(8080, group=ids["api"])]
    )
    network.set_rules(
        aws,
        net.region,
        ids["api"],
        ingress=[tcp(8080, group=ids["alb"])],
        egress=[
            tcp(443, cidr=ANYWHERE),
            tcp(3306, group=ids["db"]),
            tcp(53, cidr=ANYWHERE, description="public resolvers"),
            udp(53, cidr=ANYWHERE, description="public resolvers"),
        ],
    )
    aws.plant("NET-04", ids["api"], "staging API servers may send DNS to any resolver on the internet")
    network.set_rules(
        aws,
        net.region,
        ids["db"],
        ingress=[tcp(3306, group=ids["api"]), tcp(3306, cidr=CONTRACTOR_IP, description="contractor")],
        egress=[],
    )

    profile = compute.instance_profile(
        aws,
        STAGING,
        "api-server",
        [{"Sid": "Debugging", "Effect": "Allow", "Action": "*", "Resource": "*"}],
    )
    aws.plant("IAM-05", f"role/{STAGING.name('api-server')}", "the staging API role allows every action")
    server = compute.instance(
        aws, net, "api-1", "app-a", [ids["api"]], image_id=image, profile=profile, root_key=keys.nonprod
    )
    database = db_instance(
        aws,
        net,
        "quotes-db",
        ["dmz-a", "dmz-b"],
        [ids["db"]],
        engine=MYSQL,
        key=None,
        public=True,
        multi_az=False,
        storage_gib=20,
    )
    aws.plant("RDS-01", database, "the staging database is publicly accessible, in the DMZ subnets")
    aws.plant("ENC-06", database, "the staging database is not encrypted at rest")

    alb = loadbalancers.load_balancer(
        aws,
        net,
        "api-alb",
        ["dmz-a", "dmz-b"],
        group_ids=[ids["alb"]],
        target_port=8080,
        targets=[server.instance_id],
    )
    listener = loadbalancers.plain_http_listener(aws, net, alb)
    aws.plant("TLS-02", listener, "the staging ALB forwards plain HTTP on port 80 instead of redirecting")
    aws.plant("WAF-01", alb.name, "the staging API's internet-facing ALB has no WAF web ACL")
    insurtech_shortcuts.staging(aws, net, image)
    return net


def _prod(aws: DemoAws, image: str, keys: Keys) -> Network:
    net = _environment(aws, PROD, 22, TWO_AZ)
    nat = network.nat_gateway(aws, net, "dmz-a", "nat-a")
    app = network.route_table(aws, net, "app-rt", ["app-a", "app-b"], [Route(ANYWHERE, nat)])
    data = network.route_table(aws, net, "data-rt", ["data-a", "data-b"])
    s3_endpoint = network.gateway_endpoint(aws, net, "s3", [app, data])
    insurtech_shortcuts.prod(aws, net, s3_endpoint)
    network.lock_default_group(aws, net)
    ids = {
        key: network.security_group(aws, net, f"{key}-sg", text)
        for key, text in {"alb": "API load balancer", "api": "API servers", "db": "Policy database"}.items()
    }
    network.set_rules(
        aws,
        net.region,
        ids["alb"],
        ingress=[tcp(443, cidr=ANYWHERE), tcp(80, cidr=ANYWHERE)],
        egress=[tcp(8443, group=ids["api"])],
    )
    network.set_rules(
        aws,
        net.region,
        ids["api"],
        ingress=[tcp(8443, group=ids["alb"])],
        egress=[tcp(443, cidr=ANYWHERE), tcp(3306, group=ids["db"])],
    )
    network.set_rules(aws, net.region, ids["db"], ingress=[tcp(3306, group=ids["api"])], egress=[])

    documents = f"arn:aws:s3:::{PROD.name('policy-documents')}-{aws.account_id}"
    profile = compute.instance_profile(
        aws,
        PROD,
        "api-server",
        [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"{documents}/*"}],
    )
    targets = [
        compute.instance(
            aws,
            net,
            f"api-{zone}",
            f"app-{zone}",
            [ids["api"]],
            image_id=image,
            instance_type="m7i.large",
            profile=profile,
            root_key=keys.prod,
        ).instance_id
        for zone in ("a", "b")
    ]
    db_instance(aws, net, "policy-db", ["data-a", "data-b"], [ids["db"]], engine=MYSQL, key=keys.prod)

    cert = certificates.import_certificate(
        aws,
        PROD,
        "api-ev-cert",
        certificates.certificate_authority("Example EV Secure Server CA G3", "Example Trust Services"),
        "api.wattle.example",
        ORGANISATION,
        days_left=21,
    )
    aws.plant(
        "CERT-02", cert, "the imported EV certificate of the prod API expires in 21 days; ACM cannot renew it"
    )
    aws.plant("CERT-01", cert, "the prod API's certificate expires within the 30-day warning window")
    aws.plant("CERT-05", cert, "no CloudWatch alarm watches the prod API certificate's DaysToExpiry")
    alb = loadbalancers.load_balancer(
        aws, net, "api-alb", ["dmz-a", "dmz-b"], group_ids=[ids["alb"]], target_port=8443, targets=targets
    )
    loadbalancers.redirect_listener(aws, net, alb)
    loadbalancers.tls_listener(aws, net, alb, cert, loadbalancers.MODERN_POLICY)
    return net


def _buckets(aws: DemoAws, keys: Keys) -> None:
    storage.bucket(aws, PROD, "policy-documents", storage.sse_kms(keys.prod.arn))
    dr_key = storage.kms_key(aws, PROD_DR, "dr", "Disaster-recovery copy of the policy documents")
    dr = storage.bucket(aws, PROD_DR, "policy-documents-dr", storage.sse_kms(dr_key.arn))
    aws.plant(
        "GOV-02", dr, "the disaster-recovery copy of policy documents is in us-east-1, outside Australia"
    )

    uploads = storage.bucket(aws, STAGING, "quote-uploads", storage.SSE_S3)
    aws.plant("ENC-07", uploads, "the staging quote uploads bucket uses SSE-S3, not SSE-KMS")

    public_read = {
        "Sid": "PartnerWidgetPublicRead",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{DEV.name('partner-widget')}-{aws.account_id}/*",
    }
    widget = storage.bucket(
        aws,
        DEV,
        "partner-widget",
        storage.sse_kms("alias/aws/s3"),
        block_public=None,
        statements=[public_read],
        tls_only=False,
    )
    aws.plant("S3-02", widget, "the dev partner-widget bucket has a policy letting anyone read its objects")
    aws.plant("ENC-03", widget, "the dev partner-widget bucket is encrypted with the AWS-managed aws/s3 key")
    aws.plant("TLS-06", widget, "the dev partner-widget bucket's policy does not deny plain-HTTP requests")


# --- the organisation (ringfence demo --org): each environment in its own member account -----------


def build_accounts(dev: DemoAws, staging: DemoAws, prod: DemoAws) -> None:
    """The three environments in their own accounts, as a landing zone separates them. Each account
    delivers its flow logs to a bucket of its own (the local AWS delivers only within an account)."""
    nonprod_key = storage.kms_key(staging, STAGING, "data", "Test data (staging)")
    prod_key = storage.kms_key(prod, PROD, "data", "Policy and claims data (prod)")
    images = {
        env: compute.machine_image(aws, DEV.region, "wattle-api-al2023", "Amazon Linux 2023 with the API runtime")
        for env, aws in (("dev", dev), ("staging", staging), ("prod", prod))
    }
    dev_net = _dev(dev, images["dev"])
    dev.plant("NET-12", dev_net.vpc_id, "the dev VPC has no flow logs")
    staging_net = _staging(staging, images["staging"], Keys(prod=nonprod_key, nonprod=nonprod_key))
    prod_net = _prod(prod, images["prod"], Keys(prod=prod_key, nonprod=prod_key))
    for aws, wl, net, key in ((staging, STAGING, staging_net, nonprod_key), (prod, PROD, prod_net, prod_key)):
        logs = storage.bucket(aws, wl, "vpc-flow-logs", storage.sse_kms(key.arn))
        network.flow_logs_to_s3(aws, wl, [net.vpc_id], logs)
    _prod_buckets(prod, prod_key)
    uploads = storage.bucket(staging, STAGING, "quote-uploads", storage.SSE_S3)
    staging.plant("ENC-07", uploads, "the staging quote uploads bucket uses SSE-S3, not SSE-KMS")
    _dev_bucket(dev)


def _prod_buckets(aws: DemoAws, key: storage.Key) -> None:
    storage.bucket(aws, PROD, "policy-documents", storage.sse_kms(key.arn))
    dr_key = storage.kms_key(aws, PROD_DR, "dr", "Disaster-recovery copy of the policy documents")
    dr = storage.bucket(aws, PROD_DR, "policy-documents-dr", storage.sse_kms(dr_key.arn))
    aws.plant("GOV-02", dr, "the disaster-recovery copy of policy documents is in us-east-1, outside Australia")


def _dev_bucket(aws: DemoAws) -> None:
    public_read = {
        "Sid": "PartnerWidgetPublicRead",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{DEV.name('partner-widget')}-{aws.account_id}/*",
    }
    widget = storage.bucket(
        aws,
        DEV,
        "partner-widget",
        storage.sse_kms("alias/aws/s3"),
        block_public=None,
        statements=[public_read],
        tls_only=False,
    )
    aws.plant("S3-02", widget, "the dev partner-widget bucket has a policy letting anyone read its objects")
    aws.plant("ENC-03", widget, "the dev partner-widget bucket is encrypted with the AWS-managed aws/s3 key")
    aws.plant("TLS-06", widget, "the dev partner-widget bucket's policy does not deny plain-HTTP requests")
