"""TLS-10: RDS instances use a current certificate authority.

An instance's CACertificateIdentifier must name a CA of the region's rds:DescribeCertificates list
that expires later than params.warn_days. When the list cannot be read the answer is UNKNOWN, except
for the CAs AWS has already retired (rds-ca-2015, rds-ca-2019), whose expiry is public and fixed:
those fail either way. Aurora instances carry their own CA and are judged one by one; Neptune and
DocumentDB are not RDS databases here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ringfence.checks.context import CheckContext, Outcome, failed, not_applicable, passed, unknown
from ringfence.checks.registry import CheckMeta, register
from ringfence.checks.support import non_rds_reason
from ringfence.model import DbInstance, Inventory, Remediation, Severity
from ringfence.model.certificates import parse_time
from ringfence.model.database import RdsCertificateAuthority

# CAs whose end AWS announced and which have passed it: their expiry needs no lookup.
RETIRED = {"rds-ca-2015": "2020-03-05T00:00:00Z", "rds-ca-2019": "2024-08-22T00:00:00Z"}

META = CheckMeta(
    id="TLS-10",
    title="RDS instances use a current certificate authority",
    severity=Severity.MEDIUM,
    rationale=(
        "Clients that verify the server certificate (the only way TLS stops an impostor) fail to connect "
        "once the instance's CA expires, and teams then turn verification off; rotating to a current CA "
        "ahead of time avoids both."
    ),
    remediation=Remediation(
        text=(
            "Add the new CA bundle to clients' trust stores, then rotate the instance to a current CA "
            "such as rds-ca-rsa2048-g1 (in a maintenance window, or immediately with a restart)."
        ),
        cli=(
            "aws rds modify-db-instance --db-instance-identifier DB --ca-certificate-identifier "
            "rds-ca-rsa2048-g1 --apply-immediately"
        ),
        cloudformation="Type: AWS::RDS::DBInstance\nProperties:\n  CACertificateIdentifier: rds-ca-rsa2048-g1",
        terraform='resource "aws_db_instance" "db" {\n  ca_cert_identifier = "rds-ca-rsa2048-g1"\n}',
    ),
    modes=("live",),
    resource_types=(DbInstance.KIND, RdsCertificateAuthority.KIND),
    tested_with="Inventory built directly and a botocore Stubber (recorded DescribeCertificates shape): "
    "moto does not implement rds:DescribeCertificates, so moto scans show the UNKNOWN path",
)


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    warn = float(ctx.param("warn_days"))
    now = dt.datetime.now(dt.UTC)
    for db in ctx.inventory.of(DbInstance):
        yield _judge(ctx.inventory, db, warn, now)


def _judge(inv: Inventory, db: DbInstance, warn: float, now: dt.datetime) -> Outcome:
    name = f"DB instance {db.native_id}"
    other = non_rds_reason(db.engine)
    if other:
        return not_applicable(db, other)
    ca = db.ca_certificate_identifier
    if not ca:
        return unknown(db, f"the certificate authority of {name} is not known")
    listed = inv.get(RdsCertificateAuthority, db.account, "", RdsCertificateAuthority.id_for(db.region, ca))
    till = listed.valid_till if listed is not None else RETIRED.get(ca)
    if till is None:
        why = (
            f"it is not in {db.region}'s list of RDS certificate authorities"
            if inv.listing_complete(RdsCertificateAuthority, db.account, db.region)
            else "rds:DescribeCertificates could not be read (see coverage gaps)"
        )
        return unknown(db, f"{name} uses {ca}, whose expiry is not known: {why}")
    expires = parse_time(till)
    if expires is None:
        return unknown(db, f"{name} uses {ca}, whose expiry {till!r} is not a date")
    days = (expires - now).total_seconds() / 86400
    if days <= 0:
        return failed(db, f"{name} uses {ca}, which expired on {till}")
    if days <= warn:
        return failed(db, f"{name} uses {ca}, which expires on {till}, within {warn:g} days")
    return passed(db, f"{name} uses {ca}, valid until {till}")
