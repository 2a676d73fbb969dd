"""CERT-03 over built inventories: moto's private CAs never get installed certificate dates."""

import datetime as dt

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, Status
from ringfence.model.certificates import Certificate, CertificateAuthority

from support import ACCOUNT, REGION

NOW = dt.datetime.now(dt.UTC)


def _at(days: float) -> str:
    return (NOW + dt.timedelta(days=days)).isoformat()


def _ca(name: str, days: float | None, status: str = "ACTIVE") -> CertificateAuthority:
    arn = f"arn:aws:acm-pca:{REGION}:{ACCOUNT}:certificate-authority/{name}"
    return CertificateAuthority(
        arn=arn,
        native_id=arn,
        account=ACCOUNT,
        region=REGION,
        ca_type="SUBORDINATE",
        status=status,
        not_after=None if days is None else _at(days),
        common_name=f"{name} issuing CA",
    )


def _issued(name: str, ca: CertificateAuthority, days: float) -> Certificate:
    arn = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/{name}"
    return Certificate(
        arn=arn,
        native_id=arn,
        account=ACCOUNT,
        region=REGION,
        certificate_type="PRIVATE",
        domain_name=f"{name}.internal.example",
        not_after=_at(days),
        issuer_ca_arn=ca.arn,
    )


def test_a_ca_must_outlive_what_it_issued_and_what_it_may_issue() -> None:
    long_lived = _ca("long", 3650)
    short = _ca("short", 300)
    early = _ca("early", 1000)
    waiting = _ca("waiting", None, status="PENDING_CERTIFICATE")
    inventory = Inventory(
        [
            long_lived,
            short,
            early,
            waiting,
            _issued("svc-a", long_lived, 390),
            _issued("svc-b", early, 1200),
        ]
    )
    found = {
        f.resource_id.rsplit("/", 1)[-1]: f
        for f in evaluate(inventory, [all_checks()["CERT-03"]], strict=True)
    }
    assert found["long"].status is Status.PASS
    assert "1 ACM certificate(s)" in found["long"].message
    assert found["short"].status is Status.FAIL
    assert "397 days" in found["short"].message
    assert found["early"].status is Status.FAIL
    assert "svc-b" in found["early"].message
    assert found["waiting"].status is Status.NOT_APPLICABLE
