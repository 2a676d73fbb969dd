"""RDS-01: databases are not publicly accessible.

An RDS instance passes when PubliclyAccessible is false and every subnet of its DB subnet group is
data tier (a Multi-AZ failover or a replacement may put the instance in any of them). A subnet with
no tier, or not in the inventory, makes the answer UNKNOWN with that reason. Aurora members are
instances with their own PubliclyAccessible and subnet group, judged like any other. Neptune and
DocumentDB are listed by the RDS APIs but are not RDS databases: NOT_APPLICABLE.

IaC: a CloudFormation instance that does not set PubliclyAccessible is made public by RDS when the
VPC of its DB subnet group has an internet gateway, and private otherwise (CreateDBInstance's
documented default). That is decided here from the VPC, subnets and gateway attachments in the
same files, taken to be all of that VPC's gateways; with no DB subnet group the default VPC
decides, which the files do not show: UNKNOWN. Terraform always sends the value (default false).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.checks.support import non_rds_reason
from ringfence.model import DbInstance, InternetGateway, Remediation, Severity, Subnet, Vpc

META = CheckMeta(
    id="RDS-01",
    title="Databases are not publicly accessible",
    severity=Severity.CRITICAL,
    rationale=(
        "A publicly accessible instance gets a public address and DNS name, so one permissive "
        "security group rule exposes the database to the internet; keeping databases in data-tier "
        "subnets keeps them away from internet routes altogether."
    ),
    remediation=Remediation(
        text=(
            "Turn off public accessibility and place the instance in a DB subnet group made only of "
            "data-tier subnets."
        ),
        cli=(
            "aws rds modify-db-instance --db-instance-identifier DB --no-publicly-accessible "
            "--db-subnet-group-name DATA_SUBNET_GROUP --apply-immediately"
        ),
        cloudformation=(
            "Type: AWS::RDS::DBInstance\nProperties:\n  PubliclyAccessible: false\n"
            "  DBSubnetGroupName: !Ref DataSubnetGroup"
        ),
        terraform=(
            'resource "aws_db_instance" "db" {\n  publicly_accessible  = false\n'
            "  db_subnet_group_name = aws_db_subnet_group.data.name\n}"
        ),
    ),
    modes=("live", "iac"),
    resource_types=(DbInstance.KIND, Subnet.KIND, Vpc.KIND, InternetGateway.KIND),
    tested_with="moto server; IaC templates and a Terraform plan (tests/iac)",
    frameworks=Mapping_(cis=("2.3.3",), fsbp=("RDS.2",), nist_800_53=("AC-4", "SC-7")),
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for db in ctx.inventory.of(DbInstance):
        other = non_rds_reason(db.engine)
        reason = db.unknown("publicly_accessible")
        if other:
            yield not_applicable(db, other)
        elif ctx.mode == "iac" and not reason and db.publicly_accessible is None:
            yield _default_accessibility(ctx, db)
        elif reason or db.publicly_accessible is None:
            yield unknown(db, f"PubliclyAccessible not known: {reason or 'not stated'}")
        elif db.publicly_accessible:
            yield failed(
                db, f"DB instance {db.display_name} is publicly accessible (PubliclyAccessible=true)"
            )
        else:
            yield _placement(ctx, db)


def _default_accessibility(ctx: CheckContext, db: DbInstance) -> Outcome:
    """IaC, PubliclyAccessible not set: public exactly when the DB subnet group's VPC has an IGW."""
    unset = "PubliclyAccessible is not set"
    if not db.subnet_ids:
        why = db.unknown("subnet_ids") or (
            "no DB subnet group: RDS uses the default VPC, public when it has an internet gateway (default "
            "VPCs do)"
        )
        return unknown(db, f"{unset} and where RDS puts it is not known: {why}")
    inv = ctx.inventory
    subnets = [inv.get(Subnet, db.account, db.region, s) for s in db.subnet_ids]
    missing = [s for s, found in zip(db.subnet_ids, subnets, strict=True) if found is None]
    vpc_ids = sorted({s.vpc_id for s in subnets if s is not None})
    outside = [v for v in vpc_ids if inv.get(Vpc, db.account, db.region, v) is None]
    if missing or outside or not vpc_ids:
        what = ", ".join(missing) or ", ".join(outside) or "its subnets' VPC"
        return unknown(
            db,
            f"{unset}: RDS makes it public when its VPC has an internet gateway, and {what} is not "
            "declared in these files",
        )
    gateways = [
        g.native_id for g in inv.of(InternetGateway) if g.account == db.account and set(g.vpc_ids) & set(vpc_ids)
    ]
    if gateways:
        return failed(
            db,
            f"DB instance {db.display_name}: {unset}, so RDS makes it publicly accessible: its VPC "
            f"{', '.join(vpc_ids)} has internet gateway {', '.join(sorted(gateways))}",
        )
    outcome = _placement(ctx, db)
    note = f"{unset}: private, as VPC {', '.join(vpc_ids)} has no internet gateway in these files; "
    return dataclasses.replace(outcome, message=note + outcome.message)


def _placement(ctx: CheckContext, db: DbInstance) -> Outcome:
    reason = db.unknown("subnet_ids")
    if not reason and not db.subnet_ids and db.source_type:
        reason = "no DB subnet group is named, so RDS uses the default VPC's subnets, which carry no tier"
    if reason or not db.subnet_ids:
        return unknown(db, f"the DB subnet group's subnets are not known: {reason or 'none stated'}")
    outside: list[str] = []
    untiered: list[str] = []
    for subnet_id in db.subnet_ids:
        subnet = ctx.inventory.get(Subnet, db.account, db.region, subnet_id)
        tier = ctx.tiers.tier_of(subnet) if subnet is not None else None
        if subnet is None:
            untiered.append(f"{subnet_id} (not in the inventory)")
        elif tier is None:
            untiered.append(f"{subnet.display_name} (no tier from its tags or name)")
        elif tier != "data":
            outside.append(f"{subnet.display_name} ({tier} tier)")
    if outside:
        return failed(
            db,
            f"not publicly accessible, but its DB subnet group has non-data-tier subnets: {', '.join(outside)}",
        )
    if untiered:
        return unknown(db, f"not publicly accessible; tier unknown for subnet(s) {', '.join(untiered)}")
    return passed(
        db,
        f"not publicly accessible; all {len(db.subnet_ids)} subnet(s) of its DB subnet group are data tier",
    )
