"""RDS: a DB subnet group and a DB instance in it."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ringfence.demo.kit import DemoAws, tag_list
from ringfence.demo.network import Network
from ringfence.demo.storage import Key


@dataclass(frozen=True, slots=True)
class Engine:
    name: str  # postgres | mysql
    version: str
    instance_class: str = "db.t4g.medium"


POSTGRES = Engine("postgres", "16.3", "db.r6g.large")
MYSQL = Engine("mysql", "8.0.36")


def db_instance(
    aws: DemoAws,
    net: Network,
    name: str,
    subnet_keys: Sequence[str],
    group_ids: Sequence[str],
    *,
    engine: Engine,
    key: Key | None,
    public: bool = False,
    multi_az: bool = True,
    storage_gib: int = 100,
) -> str:
    """A DB instance named <prefix>-<name> (encrypted with `key`, unencrypted without one) in a new
    subnet group of the given subnets; returns its identifier."""
    wl = net.workload
    rds = aws.client("rds", net.region)
    identifier = wl.name(name)
    tags = tag_list(wl.tags(name))
    rds.create_db_subnet_group(
        DBSubnetGroupName=f"{identifier}-subnets",
        DBSubnetGroupDescription=f"{identifier} subnets",
        SubnetIds=[net.subnet(key) for key in subnet_keys],
        Tags=tags,
    )
    args: dict[str, Any] = {
        "DBInstanceIdentifier": identifier,
        "Engine": engine.name,
        "EngineVersion": engine.version,
        "DBInstanceClass": engine.instance_class,
        "AllocatedStorage": storage_gib,
        "MasterUsername": "dbadmin",
        "MasterUserPassword": secrets.token_urlsafe(18),
        "DBSubnetGroupName": f"{identifier}-subnets",
        "VpcSecurityGroupIds": list(group_ids),
        "PubliclyAccessible": public,
        "MultiAZ": multi_az,
        "StorageEncrypted": key is not None,
        "Tags": tags,
    }
    if key is not None:
        args["KmsKeyId"] = key.arn
    rds.create_db_instance(**args)
    return identifier
