"""Case study 004: a tenant-per-VPC underwriting SaaS, in miniature.

Each tenant (acme, globex, initech) has its own VPC (tag tenant=<name>), an internet-facing ALB for
its API, an application server in a private subnet and a Multi-AZ
MySQL database in data subnets. What breaks the silo model: a peering connection left between acme and globex
after a data migration, an application server whose metadata hop limit was raised for containers,
and initech's ALB still on the template's old TLS policy.
"""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.demo import certificates, compute, loadbalancers, network, storage
from ringfence.demo.databases import MYSQL, db_instance
from ringfence.demo.kit import DemoAws, Workload
from ringfence.demo.network import ANYWHERE, Network, Route, tcp

OWNER = "saas-platform@riskdesk.example"
PLATFORM = Workload("riskdesk-platform", "prod", "riskdesk", OWNER)
TENANTS = {"acme": 101, "globex": 102, "initech": 103}  # tenant -> second octet of its VPC CIDR
LAYOUT = {"public": ("public", "ab"), "app": ("private", "a"), "data": ("data", "ab")}
OLD_TEMPLATE_POLICY = "ELBSecurityPolicy-TLS-1-1-2017-01"
# Each tenant's TLS policy: initech was onboarded from the previous CloudFormation template.
TLS_POLICIES = {
    "acme": loadbalancers.MODERN_POLICY,
    "globex": "ELBSecurityPolicy-FS-1-2-Res-2020-10",
    "initech": OLD_TEMPLATE_POLICY,
}


@dataclass(frozen=True, slots=True)
class Shared:
    """What the platform gives every tenant: machine image, instance profile, wildcard certificate
    and the key for tenant data (one key per tenant would cost more than the demo needs)."""

    image_id: str
    profile: str
    certificate_arn: str
    key: storage.Key


@dataclass(frozen=True, slots=True)
class Tenant:
    name: str
    net: Network


def tenant_workload(name: str) -> Workload:
    return Workload(f"riskdesk-{name}", "prod", "riskdesk", OWNER, extra_tags={"tenant": name})


def build(aws: DemoAws) -> None:
    image = compute.machine_image(
        aws, PLATFORM.region, "riskdesk-app-al2023", "Amazon Linux 2023, RiskDesk app"
    )
    profile = compute.instance_profile(aws, PLATFORM, "app-server")
    key = storage.kms_key(aws, PLATFORM, "data", "Tenant data: EBS and RDS of every tenant")
    cert = certificates.import_certificate(
        aws,
        PLATFORM,
        "wildcard-cert",
        certificates.certificate_authority("Example Public TLS CA R2", "Example Trust Services"),
        "*.riskdesk.example",
        "RiskDesk Pty Ltd",
        days_left=280,
    )
    tenants = [
        _tenant(aws, name, octet, Shared(image, profile, cert, key)) for name, octet in TENANTS.items()
    ]
    role = network.flow_log_role(aws, PLATFORM)
    network.flow_logs_to_cloudwatch(
        aws, PLATFORM, [t.net.vpc_id for t in tenants], "/riskdesk/prod/vpc-flow-logs", role
    )
    _migration_peering(aws, tenants[0], tenants[1])


def _tenant(aws: DemoAws, name: str, octet: int, shared: Shared) -> Tenant:
    """A tenant's silo: its VPC (app and data subnets on the main route table: local only),
    security groups, app server, database and API load balancer (HTTPS only)."""
    wl = tenant_workload(name)
    net = network.build_vpc(aws, wl, f"10.{octet}.0.0/16", network.tiered_subnets(f"10.{octet}", LAYOUT))
    network.route_table(
        aws, net, "public-rt", ["public-a", "public-b"], [Route(ANYWHERE, net.internet_gateway)]
    )
    groups = _security_groups(aws, net)

    imds = compute.Imds(hop_limit=3) if name == "globex" else compute.IMDS_V2
    server = compute.instance(
        aws,
        net,
        "app-a",
        "app-a",
        [groups["app"]],
        image_id=shared.image_id,
        instance_type="m7i.large",
        profile=shared.profile,
        imds=imds,
        root_key=shared.key,
    )
    if name == "globex":
        aws.plant(
            "EC2-01", server.instance_id, "globex's app server allows 3 metadata hops (containers reach IMDS)"
        )
    db_instance(aws, net, "db", ["data-a", "data-b"], [groups["db"]], engine=MYSQL, key=shared.key)

    alb = loadbalancers.load_balancer(
        aws,
        net,
        "api-alb",
        ["public-a", "public-b"],
        group_ids=[groups["alb"]],
        target_port=8443,
        targets=[server.instance_id],
    )
    https = loadbalancers.tls_listener(aws, net, alb, shared.certificate_arn, TLS_POLICIES[name])
    if TLS_POLICIES[name] == OLD_TEMPLATE_POLICY:
        aws.plant("TLS-01", https, f"{name}'s API listener uses {OLD_TEMPLATE_POLICY} (TLS 1.1)")
    return Tenant(name=name, net=net)


def _security_groups(aws: DemoAws, net: Network) -> dict[str, str]:
    network.lock_default_group(aws, net)
    tenant = net.workload.extra_tags["tenant"]
    ids = {
        key: network.security_group(aws, net, f"{key}-sg", f"{tenant} {text}")
        for key, text in {"alb": "API load balancer", "app": "application servers", "db": "database"}.items()
    }
    network.set_rules(
        aws, net.region, ids["alb"], ingress=[tcp(443, cidr=ANYWHERE)], egress=[tcp(8443, group=ids["app"])]
    )
    network.set_rules(
        aws,
        net.region,
        ids["app"],
        ingress=[tcp(8443, group=ids["alb"])],
        egress=[tcp(3306, group=ids["db"]), tcp(443, cidr=net.cidr)],
    )
    network.set_rules(aws, net.region, ids["db"], ingress=[tcp(3306, group=ids["app"])], egress=[])
    return ids


def _migration_peering(aws: DemoAws, a: Tenant, b: Tenant) -> None:
    pcx = network.peer(aws, a.net, b.net, f"{a.name}-{b.name}-migration", PLATFORM)
    network.add_routes(aws, a.net.region, network.main_route_table(aws, a.net), [Route(b.net.cidr, pcx)])
    network.add_routes(aws, b.net.region, network.main_route_table(aws, b.net), [Route(a.net.cidr, pcx)])
    pair = "|".join(sorted((a.net.vpc_id, b.net.vpc_id)))
    aws.plant("NET-13", pair, f"{a.name}'s and {b.name}'s VPCs are peered (left over from a data migration)")
