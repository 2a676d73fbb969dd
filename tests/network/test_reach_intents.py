"""Intents: the YAML loader's errors, and the findings each kind of intent produces."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from reach_estate import Estate
from test_reach_traps import central_egress, peered_chain, s3_estate, three_tier

from ringfence.model import Finding, Status
from ringfence.network import IntentError, evaluate_intents, load_intents, parse_intents
from ringfence.network.intent_checks import INTENT_TYPE, catalogue_intents


def run(estate: Estate, intents: list[dict[str, object]]) -> list[Finding]:
    return evaluate_intents(estate.inventory(), parse_intents(intents))


def by_resource(findings: list[Finding], control: str) -> dict[str, Finding]:
    return {f.resource_id.rsplit("/", 1)[-1]: f for f in findings if f.control_id == control}


# --- NET-07: egress only to approved prefixes ----------------------------------------------------------


def test_data_tier_egress_outside_the_approved_prefixes_fails_per_eni() -> None:
    findings = run(
        three_tier(),
        [{"name": "data egress", "kind": "egress_only", "from": "tier:data", "to": ["203.0.113.0/24"]}],
    )
    eni = by_resource(findings, "NET-07")["eni-db"]
    assert eni.status == Status.FAIL
    assert eni.resource_id == "arn:aws:ec2:eu-west-1:111111111111:network-interface/eni-db"
    assert "via nat-a -> igw-a" in eni.message
    assert "sg-db egress tcp/443 to 0.0.0.0/0" in eni.message
    intent = by_resource(findings, "NET-07")["data egress"]
    assert (intent.status, intent.resource_type, intent.account) == (Status.FAIL, INTENT_TYPE, "")


def test_egress_within_the_approved_prefixes_passes() -> None:
    e = three_tier()
    e.sg(
        "sg-db",
        "vpc-a",
        ingress=["tcp:5432:sg-app"],
        egress=["tcp:443:203.0.113.0/24", "tcp:443:pl-approved"],
    )
    e.prefix_list("pl-approved", "os-updates", ["198.51.100.0/24"])
    findings = run(
        e,
        [
            {
                "name": "data egress",
                "kind": "egress_only",
                "from": "tier:data",
                "to": ["203.0.113.0/24", "pl-approved"],
            }
        ],
    )
    eni = by_resource(findings, "NET-07")["eni-db"]
    assert eni.status == Status.PASS
    assert "203.0.113.0/24" in eni.message


def test_an_approved_prefix_list_missing_from_the_scan_is_unknown() -> None:
    e = three_tier()
    e.sg("sg-db", "vpc-a", ingress=["tcp:5432:sg-app"], egress=["tcp:443:203.0.113.0/24"])
    findings = run(
        e,
        [
            {
                "name": "data egress",
                "kind": "egress_only",
                "from": "tier:data",
                "to": ["203.0.113.0/24", "pl-missing"],
            }
        ],
    )
    assert by_resource(findings, "NET-07")["eni-db"].status == Status.UNKNOWN


def test_no_data_tier_is_not_applicable() -> None:
    e = three_tier()
    e.subnet("subnet-data", "vpc-a", "10.0.2.0/24", name="prod-misc")
    findings = run(e, [{"name": "data egress", "kind": "egress_only", "from": "tier:data", "to": []}])
    (finding,) = findings
    assert (finding.status, finding.resource_id) == (Status.NOT_APPLICABLE, "data egress")


def test_centralised_egress_is_judged_end_to_end() -> None:
    findings = run(
        central_egress(), [{"name": "spoke egress", "kind": "egress_only", "from": "subnet-a", "to": []}]
    )
    eni = by_resource(findings, "NET-07")["eni-a"]
    assert eni.status == Status.FAIL
    assert "tgw-attach-a" in eni.message and "nat-e -> igw-e" in eni.message  # noqa: PT018


# --- NET-01: nothing from the internet to admin ports ------------------------------------------------


def test_an_admin_port_open_to_the_internet_fails_on_the_eni() -> None:
    findings = run(three_tier(), [{"name": "no admin", "kind": "no_internet_ingress"}])
    net01 = by_resource(findings, "NET-01")
    assert net01["eni-web"].status == Status.FAIL
    assert "tcp 22" in net01["eni-web"].message
    assert "sg-web ingress tcp/22 from 0.0.0.0/0" in net01["eni-web"].message
    assert net01["eni-db"].status == Status.PASS
    assert net01["no admin"].status == Status.FAIL


def test_a_nacl_that_denies_ssh_makes_the_open_group_harmless() -> None:
    e = three_tier()
    e.nacl(
        "acl-pub",
        "vpc-a",
        subnets=["subnet-pub"],
        inbound=["90:deny:tcp:22:0.0.0.0/0", "100:allow:all::0.0.0.0/0"],
        outbound=["100:allow:all::0.0.0.0/0"],
    )
    findings = run(e, [{"name": "no admin", "kind": "no_internet_ingress", "ports": [22, 3389]}])
    assert by_resource(findings, "NET-01")["eni-web"].status == Status.PASS


# --- NET-13: tenants isolated -----------------------------------------------------------------------


def tenants(estate: Estate, mapping: dict[str, str]) -> Estate:
    for resource in list(estate.resources):
        if resource.native_id in mapping:
            estate.add(dataclasses.replace(resource, tags={"tenant": mapping[resource.native_id]}))
    return estate


def test_tenants_joined_by_peering_fail_and_say_whether_filters_block() -> None:
    e = tenants(peered_chain(), {"vpc-a": "acme", "vpc-b": "globex", "vpc-c": "acme"})
    findings = by_resource(run(e, [{"name": "isolation", "kind": "tenant_isolation"}]), "NET-13")
    ab = findings["vpc-a|vpc-b"]
    assert ab.status == Status.FAIL
    assert "pcx-ab" in ab.message and "Traffic passes today" in ab.message  # noqa: PT018
    assert findings["vpc-b|vpc-c"].status == Status.FAIL
    assert "vpc-a|vpc-c" not in findings  # same tenant: not a pair to judge


def test_tenants_without_a_route_between_them_pass() -> None:
    e = tenants(peered_chain(), {"vpc-a": "acme", "vpc-c": "globex"})
    findings = by_resource(run(e, [{"name": "isolation", "kind": "tenant_isolation"}]), "NET-13")
    assert findings["vpc-a|vpc-c"].status == Status.PASS  # peering is not transitive


def test_a_route_blocked_by_filters_still_fails_and_says_so() -> None:
    e = tenants(peered_chain(), {"vpc-a": "acme", "vpc-b": "globex"})
    for name in ("a", "b"):
        e.sg(f"sg-{name}", f"vpc-{name}", ingress=[], egress=[])
    findings = by_resource(run(e, [{"name": "isolation", "kind": "tenant_isolation"}]), "NET-13")
    assert findings["vpc-a|vpc-b"].status == Status.FAIL
    assert "block all TCP and UDP" in findings["vpc-a|vpc-b"].message


def test_one_tenant_is_not_applicable() -> None:
    e = tenants(peered_chain(), {"vpc-a": "acme"})
    (finding,) = run(e, [{"name": "isolation", "kind": "tenant_isolation"}])
    assert finding.status == Status.NOT_APPLICABLE


# --- S3 only through the gateway endpoint -------------------------------------------------------------


def test_s3_over_the_nat_fails_and_through_the_endpoint_passes() -> None:
    e = s3_estate(["52.218.0.0/17"])
    e.routes("rtb-app", "vpc-a", [("0.0.0.0/0", "nat-a")], subnets=["subnet-app"])  # no endpoint route here
    e.sg("sg-app", "vpc-a", ingress=["tcp:8080:sg-web"], egress=["tcp:443:0.0.0.0/0"])
    findings = by_resource(
        run(e, [{"name": "s3 private", "kind": "service_via_endpoint", "service": "s3", "from": "vpc-a"}]),
        "NET-07",
    )
    assert findings["eni-db"].status == Status.PASS
    assert "vpce-s3" in findings["eni-db"].message
    assert findings["eni-app"].status == Status.FAIL
    assert "over the internet" in findings["eni-app"].message


def test_two_intents_on_one_eni_and_control_merge() -> None:
    findings = run(
        s3_estate(["52.218.0.0/17"]),
        [
            {"name": "s3 private", "kind": "service_via_endpoint", "service": "s3", "from": "tier:data"},
            {"name": "data egress", "kind": "egress_only", "from": "tier:data", "to": []},
        ],
    )
    eni = [f for f in findings if f.resource_id.endswith("eni-db")]
    assert len(eni) == 1
    assert eni[0].status == Status.FAIL
    assert "[intent: s3 private]" in eni[0].message and "[intent: data egress]" in eni[0].message  # noqa: PT018


def test_the_catalogue_intents_use_the_controls_parameters() -> None:
    intents = {i.kind: i for i in catalogue_intents({"NET-07": {"approved_egress": ["203.0.113.0/24"]}})}
    assert intents["egress_only"].allowed == ("203.0.113.0/24",)
    assert intents["no_internet_ingress"].ports is not None and 3389 in intents["no_internet_ingress"].ports  # noqa: PT018
    assert intents["tenant_isolation"].tag == "tenant"


# --- the loader -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"intents": [{"name": "x", "kind": "egress_everywhere"}]},
            "intent 'x' has the unknown kind 'egress_everywhere'",
        ),
        (
            {"intents": [{"name": "x", "kind": "egress_only", "to": ["10.0.0.0/33"]}]},
            "intent 'x': '10.0.0.0/33' is not a CIDR",
        ),
        (
            {"intents": [{"name": "x", "kind": "egress_only", "from": "tier:data", "color": "red"}]},
            "unknown key 'color'",
        ),
        ({"intents": [{"kind": "egress_only"}]}, "intent #1 has no name"),
        (
            {"intents": [{"name": "x", "kind": "no_internet_ingress", "ports": "70000"}]},
            "intent 'x': '70000'",
        ),
        (
            {"intents": [{"name": "x", "kind": "no_internet_ingress", "protocols": ["sctp-ish"]}]},
            "intent 'x': 'sctp-ish'",
        ),
        (
            {"intents": [{"name": "x", "kind": "egress_only", "control": "NET-99"}]},
            "intent 'x' names the control 'NET-99'",
        ),
        (
            {"intents": [{"name": "x", "kind": "egress_only", "from": "nowhere"}]},
            "intent 'x': 'nowhere' is not",
        ),
        ({"intents": [{"name": "x", "kind": "service_via_endpoint"}]}, "intent 'x' needs a service"),
        (
            {
                "intents": [
                    {"name": "x", "kind": "tenant_isolation"},
                    {"name": "x", "kind": "tenant_isolation"},
                ]
            },
            "two intents are named 'x'",
        ),
        ({"intents": []}, "holds no intents"),
    ],
)
def test_the_loader_names_the_intent_in_one_sentence(document: object, message: str) -> None:
    with pytest.raises(IntentError) as caught:
        parse_intents(document, "intents.yaml")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_yaml_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "intents.yaml"
    path.write_text(
        "client_ports: 32768-60999\n"
        "intents:\n"
        "  - name: no admin\n    kind: no_internet_ingress\n    ports: [22, 3389]\n"
        "  - {name: tenants, kind: tenant_isolation, tag: customer}\n",
        encoding="utf-8",
    )
    loaded = load_intents(path)
    assert [i.name for i in loaded.intents] == ["no admin", "tenants"]
    assert loaded.client_ports is not None and 32768 in loaded.client_ports  # noqa: PT018
    assert loaded.intents[1].control == "NET-13"


def test_bad_yaml_and_missing_files_are_one_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("intents: [\n", encoding="utf-8")
    with pytest.raises(IntentError, match="is not valid YAML at line"):
        load_intents(bad)
    with pytest.raises(IntentError, match="cannot read the intents file"):
        load_intents(tmp_path / "missing.yaml")
