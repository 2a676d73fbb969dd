"""TLS-10: moto does not implement rds:DescribeCertificates (it answers 500), so a moto scan shows
the UNKNOWN path; the CA list itself comes from a Stubber with the real API's shape."""

import datetime as dt

from edge_stubs import StubbedFactory
from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import DbInstance, Inventory, Status
from ringfence.sources.aws.collectors.rds_certificates import collect_rds_certificate_authorities

from support import ACCOUNT, REGION, Aws, findings_for

NOW = dt.datetime.now(dt.UTC)


def _ca(identifier: str, till: dt.datetime) -> dict[str, object]:
    return {
        "CertificateIdentifier": identifier,
        "CertificateType": "CA",
        "Thumbprint": "0123456789abcdef0123456789abcdef01234567",
        "ValidFrom": dt.datetime(2021, 5, 25, tzinfo=dt.UTC),
        "ValidTill": till,
        "CertificateArn": f"arn:aws:rds:{REGION}::cert:{identifier}",
        "CustomerOverride": False,
    }


def _db(name: str, ca: str, engine: str = "postgres") -> DbInstance:
    return DbInstance(
        arn=f"arn:aws:rds:{REGION}:{ACCOUNT}:db:{name}",
        native_id=name,
        account=ACCOUNT,
        region=REGION,
        engine=engine,
        ca_certificate_identifier=ca,
    )


def test_current_ca_passes_expiring_or_retired_ones_fail() -> None:
    factory = StubbedFactory()
    factory.stub("rds").add_response(
        "describe_certificates",
        {
            "Certificates": [
                _ca("rds-ca-rsa2048-g1", NOW + dt.timedelta(days=365 * 35)),
                _ca("rds-ca-soon", NOW + dt.timedelta(days=90)),
            ],
            "DefaultCertificateForNewLaunches": "rds-ca-rsa2048-g1",
        },
    )
    cas = list(collect_rds_certificate_authorities(factory.context("rds")))
    factory.assert_done()
    assert {c.identifier for c in cas} == {"rds-ca-rsa2048-g1", "rds-ca-soon"}
    assert all(c.region == "" and c.listed_in == REGION for c in cas)

    inventory = Inventory(
        [
            *cas,
            _db("current", "rds-ca-rsa2048-g1"),
            _db("soon", "rds-ca-soon"),
            _db("old", "rds-ca-2019"),
            _db("mystery", "rds-ca-unheard-of"),
            _db("graph", "rds-ca-2019", engine="neptune"),
        ]
    )
    found = {
        f.resource_id.rsplit(":", 1)[-1]: f
        for f in evaluate(inventory, [all_checks()["TLS-10"]], strict=True)
    }
    assert found["current"].status is Status.PASS
    assert found["soon"].status is Status.FAIL
    assert "within 180 days" in found["soon"].message
    assert found["old"].status is Status.FAIL
    assert "expired" in found["old"].message
    assert found["mystery"].status is Status.UNKNOWN
    assert found["graph"].status is Status.NOT_APPLICABLE


def test_an_unreadable_ca_list_leaves_current_cas_unknown(aws: Aws) -> None:
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier="claims",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="admin",
        MasterUserPassword="not-a-real-password-1",
    )

    result = aws.scan(controls=["TLS-10"])

    finding = next(f for f in findings_for(result, "TLS-10") if f.resource_id.endswith(":db:claims"))
    assert finding.status is Status.UNKNOWN
    assert "DescribeCertificates" in finding.message
    assert any(g.operation == "DescribeCertificates" for g in result.info.coverage_gaps)
