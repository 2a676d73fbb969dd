import datetime as dt

from edge_certs import https_listener, imported
from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, Status
from ringfence.model.certificates import Certificate

from support import ACCOUNT, REGION, Aws, findings_for


def test_imported_certificates_in_use_need_sixty_days_and_name_their_users(aws: Aws) -> None:
    ev = imported(aws, "api.example.com", days_left=21)
    fresh = imported(aws, "portal.example.com", days_left=200)
    idle = imported(aws, "idle.example.com", days_left=3)
    api_lb, _ = https_listener(aws, "api", ev)
    https_listener(aws, "portal", fresh)

    result = aws.scan(controls=["CERT-02"])

    found = {f.resource_id: f for f in findings_for(result, "CERT-02")}
    assert found[ev].status is Status.FAIL
    assert api_lb in found[ev].message
    assert "re-import" in found[ev].message
    assert found[fresh].status is Status.PASS
    assert found[idle].status is Status.NOT_APPLICABLE


def test_issued_certificates_are_not_judged_and_unknown_use_is_unknown() -> None:
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(days=10)).isoformat()

    def cert(name: str, source: str, **kw: object) -> Certificate:
        arn = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/{name}"
        return Certificate(
            arn=arn, native_id=arn, account=ACCOUNT, region=REGION, source=source, not_after=soon, **kw
        )  # type: ignore[arg-type]

    inventory = Inventory([cert("issued", "acm", in_use=True), cert("unsure", "acm-imported", in_use=None)])
    found = {
        f.resource_id.rsplit("/", 1)[-1]: f
        for f in evaluate(inventory, [all_checks()["CERT-02"]], strict=True)
    }
    assert "issued" not in found
    assert found["unsure"].status is Status.UNKNOWN
