"""Case study 000: a health insurer's three-tier workload after its security uplift, in miniature.

Public, private and data subnets in two AZs; the data tier reaches the internet only through the NAT
gateway and only to approved prefixes (a prefix list), everything else through VPC endpoints; data
encrypted with customer-managed keys; an NLB with a modern TLS policy in front of the IIS servers.
What the uplift missed: one data route table still sends everything to the NAT gateway, SSH open
to the world on the app tier, a backup key that does not rotate, an unencrypted scratch file system,
and the member portal's ALB on a 2016 TLS policy.
"""

from __future__ import annotations

from ringfence.demo import certificates, compute, loadbalancers, network, storage
from ringfence.demo.databases import POSTGRES, db_instance
from ringfence.demo.kit import DemoAws, Workload
from ringfence.demo.network import ANYWHERE, AclEntry, Network, Route, tcp

HEALTH = Workload(
    prefix="harbourhealth-prod",
    environment="prod",
    application="member-portal",
    owner="cloud-platform@harbourhealth.example",
)
CIDR = "10.10.0.0/16"
LAYOUT = {"public": ("public", "ab"), "private": ("private", "ab"), "data": ("data", "ab")}
ORGANISATION = "Harbour Health"

# What the data tier may reach on the internet (OS updates and licence activation), via the NAT gateway.
OS_UPDATE_PREFIXES = {
    "13.107.4.50/32": "Windows Update delivery",
    "23.102.135.246/32": "Windows activation (kms.core.windows.net)",
}
INTERFACE_ENDPOINTS = ("ssm", "ssmmessages", "ec2messages", "kms", "logs", "monitoring", "sts")


def build(aws: DemoAws) -> tuple[str, ...]:
    """The workload; returns what its data tier may reach on the internet (the prefix list and its
    CIDRs: NET-07's approved_egress)."""
    data_key = storage.kms_key(aws, HEALTH, "data", "Member and claims data: EBS, EFS, RDS and S3")
    backup_key = storage.kms_key(
        aws, HEALTH, "backup", "AWS Backup vault and snapshot copies", rotation=False
    )
    aws.plant("ENC-08", backup_key.key_id, "the backup vault's customer-managed key has rotation off")

    net = network.build_vpc(aws, HEALTH, CIDR, network.tiered_subnets("10.10", LAYOUT))
    approved = _routing(aws, net)
    groups = _security_groups(aws, net)
    network.interface_endpoints(
        aws, net, INTERFACE_ENDPOINTS, ["private-a", "private-b"], groups["endpoints"]
    )
    role = network.flow_log_role(aws, HEALTH)
    network.flow_logs_to_cloudwatch(aws, HEALTH, [net.vpc_id], "/harbourhealth/prod/vpc-flow-logs", role)

    servers = _app_servers(aws, net, groups["app"], data_key)
    _file_systems(aws, net, groups["efs"], data_key)
    db_instance(aws, net, "claims-db", ["data-a", "data-b"], [groups["db"]], engine=POSTGRES, key=data_key)
    storage.bucket(aws, HEALTH, "claims-documents", storage.sse_kms(data_key.arn))
    _load_balancers(aws, net, groups["web"], [s.instance_id for s in servers])
    return approved


def _routing(aws: DemoAws, net: Network) -> tuple[str, ...]:
    nat = network.nat_gateway(aws, net, "public-a", "nat-a")
    updates = network.prefix_list(aws, HEALTH, "os-update-endpoints", OS_UPDATE_PREFIXES)
    network.route_table(
        aws, net, "public-rt", ["public-a", "public-b"], [Route(ANYWHERE, net.internet_gateway)]
    )
    private = network.route_table(aws, net, "private-rt", ["private-a", "private-b"], [Route(ANYWHERE, nat)])
    data_a = network.route_table(aws, net, "data-a-rt", ["data-a"], [Route(updates, nat)])
    data_b = network.route_table(
        aws, net, "data-b-rt", ["data-b"], [Route(updates, nat), Route(ANYWHERE, nat)]
    )
    aws.plant(
        "NET-07",
        data_b,
        "a data-tier route table sends 0.0.0.0/0 to the NAT gateway (added while patching, never removed)",
    )
    network.gateway_endpoint(aws, net, "s3", [private, data_a, data_b])
    entries = [
        AclEntry(100, True, "allow", CIDR),
        *(AclEntry(110 + i, True, "allow", c, "6", (443, 443)) for i, c in enumerate(OS_UPDATE_PREFIXES)),
        AclEntry(100, False, "allow", CIDR),
        *(AclEntry(110 + i, False, "allow", c, "6", (1024, 65535)) for i, c in enumerate(OS_UPDATE_PREFIXES)),
    ]
    network.network_acl(aws, net, "data-nacl", ["data-a", "data-b"], entries)
    return (updates, *OS_UPDATE_PREFIXES)


def _security_groups(aws: DemoAws, net: Network) -> dict[str, str]:
    network.lock_default_group(aws, net)
    names = {
        "web": "Member portal ALB",
        "app": "IIS application servers",
        "db": "Claims PostgreSQL",
        "efs": "Shared document file system",
        "endpoints": "Interface endpoints",
    }
    ids = {key: network.security_group(aws, net, f"{key}-sg", text) for key, text in names.items()}
    region = net.region
    network.set_rules(
        aws,
        region,
        ids["web"],
        ingress=[
            tcp(443, cidr=ANYWHERE, description="members"),
            tcp(80, cidr=ANYWHERE, description="redirect"),
        ],
        egress=[tcp(443, group=ids["app"])],
    )
    network.set_rules(
        aws,
        region,
        ids["app"],
        ingress=[
            tcp(443, group=ids["web"], description="from the portal ALB"),
            tcp(443, cidr=CIDR, description="from the API NLB"),
            tcp(22, cidr=ANYWHERE, description="vendor support access - temporary"),
        ],
        egress=[
            tcp(5432, group=ids["db"]),
            tcp(2049, group=ids["efs"]),
            tcp(443, cidr=CIDR, description="interface endpoints"),
        ],
    )
    aws.plant("NET-01", ids["app"], "SSH (22) open to 0.0.0.0/0 on the app tier's security group")
    aws.plant("NET-02", ids["app"], "the app servers' group admits the whole internet; only load balancers may")
    network.set_rules(aws, region, ids["db"], ingress=[tcp(5432, group=ids["app"])], egress=[])
    network.set_rules(aws, region, ids["efs"], ingress=[tcp(2049, group=ids["app"])], egress=[])
    network.set_rules(aws, region, ids["endpoints"], ingress=[tcp(443, cidr=CIDR)], egress=[])
    return ids


def _app_servers(aws: DemoAws, net: Network, group: str, key: storage.Key) -> list[compute.Server]:
    image = compute.machine_image(
        aws, net.region, "harbourhealth-iis-2022-base", "Windows Server 2022 with IIS, CIS level 1"
    )
    bucket_arn = f"arn:aws:s3:::{HEALTH.name('claims-documents')}-{aws.account_id}"
    profile = compute.instance_profile(
        aws,
        HEALTH,
        "app-server",
        [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"{bucket_arn}/*"}],
    )
    servers: list[compute.Server] = []
    for zone in ("a", "b"):
        server = compute.instance(
            aws,
            net,
            f"app-{zone}",
            f"private-{zone}",
            [group],
            image_id=image,
            instance_type="m7i.large",
            profile=profile,
            root_key=key,
            root_gib=80,
        )
        compute.volume(
            aws,
            net,
            f"app-{zone}-data",
            f"private-{zone}",
            size_gib=200,
            key=key,
            attach_to=server.instance_id,
        )
        servers.append(server)
    return servers


def _file_systems(aws: DemoAws, net: Network, group: str, key: storage.Key) -> None:
    storage.file_system(
        aws, HEALTH, "shared-documents", key=key, mount_subnets=net.tier("data"), group_ids=[group]
    )
    scratch = storage.file_system(aws, HEALTH, "scanning-scratch", key=None)
    aws.plant("ENC-05", scratch, "the document-scanning scratch file system was created unencrypted")


def _load_balancers(aws: DemoAws, net: Network, web_group: str, targets: list[str]) -> None:
    issuing_ca = certificates.certificate_authority("Harbour Health Issuing CA G1", ORGANISATION)
    cert = certificates.import_certificate(
        aws,
        HEALTH,
        "tls-cert",
        issuing_ca,
        "api.harbourhealth.example",
        ORGANISATION,
        sans=["members.harbourhealth.example"],
        days_left=240,
    )
    public = ["public-a", "public-b"]
    nlb = loadbalancers.load_balancer(aws, net, "api-nlb", public, kind="network", targets=targets)
    loadbalancers.tls_listener(aws, net, nlb, cert, loadbalancers.MODERN_POLICY, protocol="TLS")

    alb = loadbalancers.load_balancer(aws, net, "portal-alb", public, group_ids=[web_group], targets=targets)
    loadbalancers.redirect_listener(aws, net, alb)
    https = loadbalancers.tls_listener(aws, net, alb, cert, loadbalancers.LEGACY_POLICY)
    aws.plant(
        "TLS-01", https, "the member portal's HTTPS listener uses ELBSecurityPolicy-2016-08 (TLS 1.0/1.1)"
    )
