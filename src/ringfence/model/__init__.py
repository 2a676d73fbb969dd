"""The typed, source-independent model: resources, the inventory, findings and scans."""

# Edge, TLS and certificate resources are imported for their kinds' registration (stored inventories
# read back); import their classes from their modules.
# So are the fleet and snapshot resources (autoscaling: Auto Scaling and ECS; ssm; rds_snapshots).
from ringfence.model import (  # noqa: F401
    alarms,
    apigateway,
    autoscaling,
    certificates,
    cloudfront,
    rds_snapshots,
    ssm,
    transit,
    waf,
)
from ringfence.model.account import Account, PublicAccessBlock, RegionSettings
from ringfence.model.base import Resource, SourceLocation, kinds, resource_from_jsonable, to_jsonable
from ringfence.model.compute import (
    BlockDevice,
    Instance,
    LaunchTemplate,
    LaunchTemplateVersion,
    MetadataOptions,
    Snapshot,
    Volume,
)
from ringfence.model.database import DbCluster, DbInstance
from ringfence.model.elb import Listener, ListenerAction, ListenerRule, LoadBalancer, MutualAuthentication
from ringfence.model.findings import CoverageGap, Finding, Remediation, Severity, Status, fingerprint
from ringfence.model.identity import AccessKey, IamUser
from ringfence.model.inventory import Inventory
from ringfence.model.kms import KmsKey
from ringfence.model.logging import Trail
from ringfence.model.network import (
    DhcpOptions,
    EgressOnlyInternetGateway,
    FlowLog,
    InternetGateway,
    NaclEntry,
    NatGateway,
    NetworkAcl,
    NetworkInterface,
    Route,
    RouteTable,
    SecurityGroup,
    SgRule,
    Subnet,
    Vpc,
    VpcEndpoint,
)
from ringfence.model.organization import OrgAccount, Organization
from ringfence.model.scan import ScanInfo, ScanResult
from ringfence.model.storage import AclGrant, Bucket, EncryptionRule, FileSystem

__all__ = [
    "AccessKey",
    "Account",
    "AclGrant",
    "BlockDevice",
    "Bucket",
    "CoverageGap",
    "DbCluster",
    "DbInstance",
    "DhcpOptions",
    "EgressOnlyInternetGateway",
    "EncryptionRule",
    "FileSystem",
    "Finding",
    "FlowLog",
    "IamUser",
    "Instance",
    "InternetGateway",
    "Inventory",
    "KmsKey",
    "LaunchTemplate",
    "LaunchTemplateVersion",
    "Listener",
    "ListenerAction",
    "ListenerRule",
    "LoadBalancer",
    "MetadataOptions",
    "MutualAuthentication",
    "NaclEntry",
    "NatGateway",
    "NetworkAcl",
    "NetworkInterface",
    "OrgAccount",
    "Organization",
    "PublicAccessBlock",
    "RegionSettings",
    "Remediation",
    "Resource",
    "Route",
    "RouteTable",
    "ScanInfo",
    "ScanResult",
    "SecurityGroup",
    "Severity",
    "SgRule",
    "Snapshot",
    "SourceLocation",
    "Status",
    "Subnet",
    "Trail",
    "Volume",
    "Vpc",
    "VpcEndpoint",
    "fingerprint",
    "kinds",
    "resource_from_jsonable",
    "to_jsonable",
]

# Identity, secrets, detection and governance resources, registered for the same reason.
from ringfence.model import cache, datastores, detection, functions, messaging, resolver, stacks  # noqa: F401
