"""The pure parts of the prober: ClientHello bytes, reply interpretation, targets and address
safety, the policy data, verdicts, the scheduler's bounds, and the JSON contract."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from probe_servers import read_client_hello

from ringfence.model.findings import Status, fingerprint
from ringfence.probe.ciphers import SUITES, Protocol, by_code, by_name, candidate_pairs
from ringfence.probe.clienthello import (
    HELLO_RETRY_RANDOM,
    Alert,
    MalformedReply,
    ServerHello,
    build_client_hello,
    parse_server_hello,
    split_records,
)
from ringfence.probe.engine import ProbeReport, assemble
from ringfence.probe.enumerate import interpret
from ringfence.probe.findings import endpoint_findings
from ringfence.probe.policies import PolicyError, find_policy, load_policies, policy_suites
from ringfence.probe.render import finding_document, render_table, report_document
from ringfence.probe.results import (
    CertInfo,
    EndpointResult,
    MtlsCaseName,
    MtlsCaseOutcome,
    MtlsResult,
    MtlsVerdict,
    Pair,
    PairOutcome,
    PairStatus,
    PreflightOutcome,
    SkippedJob,
)
from ringfence.probe.runner import EndpointJobs, Job, Limits, run_all
from ringfence.probe.targets import Endpoint, Target, TargetError, parse_target, resolve, unsafe_reason
from ringfence.probe.wire import AlertReply, ClosedReply, HelloReply

NOW = datetime.now(UTC)


def _parse(hello: bytes) -> Any:
    a, b = socket.socketpair()
    with a, b:
        a.sendall(hello)
        return read_client_hello(b)


# --- ClientHello ------------------------------------------------------------------------------------


def test_a_tls12_hello_offers_one_suite_plus_the_scsv() -> None:
    hello = _parse(build_client_hello(Protocol.TLSv1_2, [0xC02F], "example.com"))
    assert hello.version == 0x0303
    assert hello.suites == (0xC02F, 0x00FF)
    assert b"example.com" in hello.extensions[0]
    assert {10, 11, 13} <= set(hello.extensions)  # groups, point formats, signature algorithms
    assert 43 not in hello.extensions


def test_a_tls13_hello_carries_versions_key_share_and_psk_modes() -> None:
    hello = _parse(build_client_hello(Protocol.TLSv1_3, [0x1302], None))
    assert hello.version == 0x0303  # legacy_version
    assert hello.suites == (0x1302,)
    assert hello.extensions[43] == b"\x02\x03\x04"
    assert hello.extensions[51][2:4] == b"\x00\x1d"  # x25519
    assert len(hello.extensions[51]) == 2 + 4 + 32
    assert hello.extensions[45] == b"\x01\x01"
    assert 0 not in hello.extensions  # no SNI without a name


def test_an_sslv3_hello_has_no_extensions() -> None:
    hello = _parse(build_client_hello(Protocol.SSLv3, [0x0004], "example.com"))
    assert hello.record_version == 0x0300
    assert hello.version == 0x0300
    assert hello.extensions == {}


def test_mid_sized_hellos_are_padded_past_512_bytes() -> None:
    hello = build_client_hello(Protocol.TLSv1_2, [s.code for s in SUITES[:100]], "example.com")
    assert len(hello) - 5 >= 512 or len(hello) - 5 < 256


# --- replies ----------------------------------------------------------------------------------------


def _hello(version: int, suite: int, *, selected: int | None = None, retry: bool = False) -> HelloReply:
    return HelloReply(ServerHello(version, suite, selected, retry))


AES128_SHA = by_name("AES128-SHA")
TLS13_AES128 = by_name("TLS_AES_128_GCM_SHA256")


@pytest.mark.parametrize(
    ("protocol", "suite", "reply", "status", "detail"),
    [
        (Protocol.TLSv1_2, AES128_SHA, _hello(0x0303, 0x002F), PairStatus.ACCEPTED, ""),
        (Protocol.TLSv1_2, AES128_SHA, _hello(0x0301, 0x002F), PairStatus.REFUSED, "answered with TLSv1"),
        (Protocol.TLSv1_2, AES128_SHA, _hello(0x0303, 0x0035), PairStatus.ERROR, "not offered"),
        (Protocol.TLSv1, AES128_SHA, _hello(0x0303, 0x002F), PairStatus.ERROR, "not offered"),
        (Protocol.TLSv1_2, AES128_SHA, AlertReply(Alert(2, 40)), PairStatus.REFUSED, "handshake_failure"),
        (Protocol.TLSv1_2, AES128_SHA, AlertReply(Alert(2, 70)), PairStatus.REFUSED, "protocol_version"),
        (Protocol.TLSv1_2, AES128_SHA, AlertReply(Alert(2, 50)), PairStatus.ERROR, "decode_error"),
        (Protocol.TLSv1_2, AES128_SHA, AlertReply(Alert(2, 80)), PairStatus.ERROR, "internal_error"),
        (Protocol.TLSv1_2, AES128_SHA, ClosedReply("closed"), PairStatus.REFUSED, "closed"),
        (Protocol.TLSv1_3, TLS13_AES128, _hello(0x0303, 0x1301, selected=0x0304), PairStatus.ACCEPTED, ""),
        (
            Protocol.TLSv1_3,
            TLS13_AES128,
            _hello(0x0303, 0x1301, selected=0x0304, retry=True),
            PairStatus.ACCEPTED,
            "retry",
        ),
        (Protocol.TLSv1_3, TLS13_AES128, _hello(0x0303, 0xC02F), PairStatus.REFUSED, "answered with TLSv1.2"),
    ],
)
def test_interpret(protocol: Protocol, suite: Any, reply: Any, status: PairStatus, detail: str) -> None:
    got_status, got_detail = interpret(protocol, suite, reply)
    assert got_status is status
    assert detail in got_detail


def test_a_hello_retry_request_is_recognised() -> None:
    body = (
        b"\x03\x03"
        + HELLO_RETRY_RANDOM
        + b"\x00"
        + b"\x13\x01"
        + b"\x00"
        + b"\x00\x06"
        + b"\x00\x2b\x00\x02\x03\x04"
    )
    hello = parse_server_hello(body)
    assert hello.hello_retry
    assert hello.version == 0x0304


def test_plain_http_and_garbage_are_not_tls() -> None:
    with pytest.raises(MalformedReply, match="plain HTTP"):
        split_records(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    with pytest.raises(MalformedReply, match="not TLS"):
        split_records(b"\x8f\x00\xff\x00\x10garbage")


def test_partial_records_wait_for_more() -> None:
    records, rest = split_records(b"\x16\x03\x03\x00\x05\x02\x00")
    assert records == []
    assert rest == b"\x16\x03\x03\x00\x05\x02\x00"


# --- cipher table -----------------------------------------------------------------------------------


def test_the_suite_table_is_consistent() -> None:
    assert len({s.code for s in SUITES}) == len(SUITES)
    assert len({s.openssl for s in SUITES}) == len(SUITES)
    assert len({s.iana for s in SUITES}) == len(SUITES)
    for suite in SUITES:
        assert suite.tls13 == (suite.protocols == {Protocol.TLSv1_3})
        assert by_code(suite.code) is suite
    pairs = candidate_pairs()
    assert all(s.defined_for(p) for p, s in pairs)
    weak = {w for s in SUITES for w in s.weaknesses}
    assert {"rc4", "3des", "export", "null", "anonymous"} <= weak
    assert any(p is Protocol.SSLv3 for p, _ in pairs)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command is not installed")
def test_codes_and_names_agree_with_openssl() -> None:
    listing = subprocess.run(
        ["openssl", "ciphers", "-V", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    checked = 0
    for line in listing.splitlines():
        code_text, _, name, *_ = line.split()
        high, low = code_text.split(",")
        suite = by_code(int(high, 16) << 8 | int(low, 16))
        if suite is not None:
            assert suite.openssl == name
            checked += 1
    assert checked > 90


# --- policy data ------------------------------------------------------------------------------------


def test_every_policy_entry_is_unique_and_readable() -> None:
    policies = load_policies()
    keys = [p.key for p in policies]
    assert len(keys) == len(set(keys))
    raw = json.loads(
        (
            __import__("importlib.resources").resources.files("ringfence.data") / "tls_policies.json"
        ).read_text()
    )
    assert set(raw["status_legend"]) >= {p.status for p in policies}
    for policy in policies:
        if policy.usable:
            assert policy.protocols
            assert policy.suites
            assert policy.pairs()
    candidates = {s.code for _, s in candidate_pairs(policy_suites())}
    assert {s.code for s in policy_suites()} <= candidates


def test_api_gateway_tls_1_0_differs_by_endpoint_type() -> None:
    edge = find_policy("apigateway:TLS_1_0:edge")
    regional = find_policy("apigateway:TLS_1_0:regional")
    assert edge.pairs() != regional.pairs()
    with pytest.raises(PolicyError, match="several endpoint types"):
        find_policy("TLS_1_0")


def test_policy_pairs_are_only_negotiable_ones() -> None:
    policy = find_policy("ELBSecurityPolicy-2016-08")
    pairs = {(p.protocol, p.suite.openssl) for p in policy.pairs()}
    assert (Protocol.TLSv1, "AES128-SHA") in pairs
    assert (Protocol.TLSv1, "AES128-GCM-SHA256") not in pairs  # GCM exists only in TLS 1.2
    assert (Protocol.TLSv1_2, "AES128-GCM-SHA256") in pairs


def test_known_policy_contents() -> None:
    res = find_policy("ELBSecurityPolicy-TLS13-1-2-Res-2021-06")
    assert res.status == "confirmed"
    assert {s.openssl for s in res.suites} == {
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
    }  # fmt: skip
    assert "DES-CBC3-SHA" in {s.openssl for s in find_policy("ELBSecurityPolicy-TLS-1-0-2015-04").suites}
    assert find_policy("cloudfront:SSLv3").protocols[-1] is Protocol.SSLv3
    assert find_policy("apigateway:TLS_1_0:edge").status == "conflicting"


# --- targets ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "host", "port"),
    [
        ("example.com", "example.com", 443),
        ("Example.COM:8443", "example.com", 8443),
        ("10.0.0.1", "10.0.0.1", 443),
        ("[2001:db8::1]:8443", "2001:db8::1", 8443),
        ("2001:db8::1", "2001:db8::1", 443),
    ],
)
def test_parse_target(text: str, host: str, port: int) -> None:
    assert parse_target(text) == Target(host, port)


@pytest.mark.parametrize("text", ["", "https://x", "x:0", "x:65536", "x:abc", "[x]:1", "a b", "x:", "[::1"])
def test_parse_target_rejects(text: str) -> None:
    with pytest.raises(TargetError):
        parse_target(text)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("::ffff:169.254.169.254", "metadata"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("169.254.10.10", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("10.1.2.3", None),
        ("52.95.110.1", None),
    ],
)
def test_unsafe_reason(address: str, reason: str | None) -> None:
    got = unsafe_reason(address)
    assert (got is None) if reason is None else (got is not None and reason in got)


def test_a_name_resolving_to_the_metadata_service_is_refused() -> None:
    target = Target("sneaky.example.com", 443)
    endpoint = resolve(target, allow_private=False, resolver=lambda h, p: ["52.1.2.3", "169.254.169.254"])
    assert endpoint.address is None
    assert "sneaky.example.com resolves to 169.254.169.254" in endpoint.error
    allowed = resolve(target, allow_private=True, resolver=lambda h, p: ["169.254.169.254"])
    assert allowed.address == "169.254.169.254"


def test_the_resolved_address_is_the_one_connected_to() -> None:
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["2001:db8::5", "203.0.113.7"]

    endpoint = resolve(Target("a.example.com", 443), allow_private=False, resolver=resolver)
    assert endpoint.address == "203.0.113.7"
    assert calls == ["a.example.com"]


def test_unresolvable_names_are_a_per_endpoint_error() -> None:
    def fail(host: str, port: int) -> list[str]:
        raise socket.gaierror(-2, "Name or service not known")

    endpoint = resolve(Target("nowhere.invalid", 443), allow_private=False, resolver=fail)
    assert endpoint.address is None
    assert "cannot resolve nowhere.invalid" in endpoint.error


# --- verdicts ---------------------------------------------------------------------------------------


ENDPOINT = Endpoint(Target("svc.example.com", 443), "203.0.113.7")


def _cert(**changes: Any) -> CertInfo:
    base: dict[str, Any] = {
        "subject": "CN=svc.example.com",
        "issuer": "CN=CA",
        "not_before": NOW - timedelta(days=1),
        "not_after": NOW + timedelta(days=90),
        "key": "EC secp256r1 256",
        "key_type": "EC",
        "key_bits": 256,
        "signature": "ecdsa-with-SHA256",
        "signature_hash": "sha256",
        "is_ca": False,
        "self_signed": False,
        "dns_names": ("svc.example.com",),
        "ip_addresses": (),
    }
    base.update(changes)
    return CertInfo(**base)


def _mtls(no: MtlsVerdict, untrusted: MtlsVerdict, trusted: MtlsVerdict) -> MtlsResult:
    return MtlsResult(
        MtlsCaseOutcome(MtlsCaseName.NO_CERT, no, ""),
        MtlsCaseOutcome(MtlsCaseName.UNTRUSTED_CERT, untrusted, ""),
        MtlsCaseOutcome(MtlsCaseName.TRUSTED_CERT, trusted, ""),
    )


def _status(result: EndpointResult, control: str, policy: str | None = None) -> Status:
    found = [
        f
        for f in endpoint_findings(
            result, policy=find_policy(policy) if policy else None, mtls_requested=True, now=NOW
        )
        if f.control_id == control
    ]
    return found[0].status


R, H, A, E = MtlsVerdict.REFUSED_HANDSHAKE, MtlsVerdict.REFUSED_HTTP, MtlsVerdict.ACCEPTED, MtlsVerdict.ERROR


@pytest.mark.parametrize(
    ("verdicts", "status"),
    [
        ((R, R, A), Status.PASS),
        ((H, H, A), Status.PASS),
        ((R, H, A), Status.PASS),
        ((A, R, A), Status.FAIL),
        ((H, A, A), Status.FAIL),  # soft-fail verification
        ((H, A, E), Status.FAIL),  # a proven hole stands even when another case errs
        ((H, E, A), Status.UNKNOWN),
        ((R, R, E), Status.UNKNOWN),
        ((R, R, R), Status.FAIL),  # refuses everyone: proves nothing about certificate checking
    ],
)
def test_tls09(verdicts: tuple[MtlsVerdict, MtlsVerdict, MtlsVerdict], status: Status) -> None:
    assert _status(EndpointResult(ENDPOINT, probed=True, mtls=_mtls(*verdicts)), "TLS-09") is status


def _assembled(
    outcomes: list[Any], policy: str = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
) -> EndpointResult:
    return assemble(
        ENDPOINT, [PreflightOutcome(True, ""), *outcomes], policy=find_policy(policy), mtls_requested=False
    )


def test_tls08_an_extra_fails_even_when_other_pairs_could_not_be_tested() -> None:
    result = _assembled(
        [
            PairOutcome(Protocol.TLSv1, AES128_SHA, PairStatus.ACCEPTED),
            PairOutcome(Protocol.TLSv1_3, TLS13_AES128, PairStatus.ERROR, "timed out", timed_out=True),
        ]
    )
    assert _status(result, "TLS-08", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06") is Status.FAIL


def test_tls08_untested_pairs_without_an_extra_are_unknown() -> None:
    result = _assembled(
        [
            PairOutcome(Protocol.TLSv1_3, TLS13_AES128, PairStatus.ACCEPTED),
            SkippedJob(Pair(Protocol.TLSv1, AES128_SHA), "not tried: the 1 s budget was spent"),
        ]
    )
    assert result.untested
    assert _status(result, "TLS-08", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06") is Status.UNKNOWN
    assert any("budget" in e for e in result.errors)


def test_tls08_accepting_nothing_is_not_a_pass() -> None:
    result = _assembled(
        [PairOutcome(Protocol.TLSv1_3, TLS13_AES128, PairStatus.REFUSED, "alert handshake_failure")]
    )
    assert _status(result, "TLS-08", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06") is Status.UNKNOWN


def test_an_unprobed_endpoint_is_unknown_everywhere() -> None:
    result = assemble(ENDPOINT, [PreflightOutcome(False, "no answer")], policy=None, mtls_requested=True)
    for control in ("TLS-08", "TLS-09", "CERT-03", "CERT-04"):
        assert _status(result, control) is Status.UNKNOWN, control


def test_cert_checks_on_a_described_chain() -> None:
    leaf = _cert()
    ca = _cert(
        subject="CN=CA", issuer="CN=Root", is_ca=True, not_after=NOW + timedelta(days=30), dns_names=()
    )
    result = EndpointResult(ENDPOINT, probed=True, chain=(leaf, ca))
    assert _status(result, "CERT-03") is Status.FAIL
    wildcard = _cert(dns_names=("*.example.com",))
    assert (
        _status(EndpointResult(ENDPOINT, probed=True, chain=(wildcard,)), "CERT-04") is Status.UNKNOWN
    )  # not verified
    wrong = _cert(dns_names=("*.svc.example.com",))
    assert _status(EndpointResult(ENDPOINT, probed=True, chain=(wrong,)), "CERT-04") is Status.FAIL


# --- scheduler --------------------------------------------------------------------------------------


def test_runner_respects_both_connection_bounds() -> None:
    lock = threading.Lock()
    open_now: dict[str, int] = {}
    peak: dict[str, int] = {}
    peak_total = [0, 0]

    def job(name: str) -> Job:
        def run(deadline: float) -> Any:
            with lock:
                open_now[name] = open_now.get(name, 0) + 1
                peak[name] = max(peak.get(name, 0), open_now[name])
                peak_total[0] += 1
                peak_total[1] = max(peak_total[1], peak_total[0])
            time.sleep(0.01)
            with lock:
                open_now[name] -= 1
                peak_total[0] -= 1
            return PairOutcome(Protocol.TLSv1_2, AES128_SHA, PairStatus.REFUSED)

        return Job(Pair(Protocol.TLSv1_2, AES128_SHA), run)

    states = [
        EndpointJobs(
            preflight=Job(Pair(Protocol.TLSv1_2, AES128_SHA), lambda d: PreflightOutcome(True, "")),
            followers=lambda n=name: [job(n) for _ in range(20)],  # type: ignore[misc]
        )
        for name in ("a", "b", "c")
    ]
    run_all(states, Limits(connections=5, per_endpoint=2))
    assert all(len(s.outcomes) == 21 for s in states)
    assert max(peak.values()) <= 2
    assert peak_total[1] <= 5


def test_runner_stops_at_the_budget_and_after_repeated_timeouts() -> None:
    def slow(deadline: float) -> Any:
        time.sleep(max(0.0, min(0.2, deadline - time.monotonic())))
        return PairOutcome(Protocol.TLSv1_2, AES128_SHA, PairStatus.ERROR, "timed out", timed_out=True)

    state = EndpointJobs(
        preflight=Job(Pair(Protocol.TLSv1_2, AES128_SHA), lambda d: PreflightOutcome(True, "")),
        followers=lambda: [Job(Pair(Protocol.TLSv1_2, AES128_SHA), slow) for _ in range(50)],
    )
    started = time.monotonic()
    run_all([state], Limits(connections=4, per_endpoint=2, timeout=0.2, budget=5, max_timeouts=3))
    assert time.monotonic() - started < 2
    skipped = [o for o in state.outcomes if isinstance(o, SkippedJob)]
    assert skipped
    assert "timed-out handshakes" in skipped[0].reason
    assert len(state.outcomes) == 51


# --- rendering --------------------------------------------------------------------------------------


def _report(result: EndpointResult) -> ProbeReport:
    findings = tuple(endpoint_findings(result, policy=None, mtls_requested=False, now=NOW))
    return ProbeReport((result,), findings, None, False, NOW, NOW)


def test_json_contract() -> None:
    result = EndpointResult(
        ENDPOINT, probed=True, accepted=(Pair(Protocol.TLSv1_3, TLS13_AES128),), chain=(_cert(),)
    )
    document = report_document(_report(result))
    endpoint = document["endpoints"][0]
    assert {"target", "address", "accepted", "policy", "extra", "missing", "mtls", "chain", "errors"} <= set(
        endpoint
    )
    assert endpoint["target"] == "svc.example.com:443"
    assert endpoint["accepted"] == [{"protocol": "TLSv1.3", "cipher": "TLS_AES_128_GCM_SHA256"}]
    assert {"subject", "issuer", "not_after", "key", "signature"} <= set(endpoint["chain"][0])
    assert endpoint["chain"][0]["days_to_expiry"] in (89, 90)
    finding = document["findings"][0]
    assert finding["resource_id"] == "svc.example.com:443"
    assert finding["resource_type"] == "endpoint"
    assert finding["account"] == ""
    assert finding["region"] == ""
    assert finding["fingerprint"] == fingerprint(finding["control_id"], "", "", "svc.example.com:443")


def test_findings_have_the_scan_report_shape() -> None:
    json_report = pytest.importorskip("ringfence.report.json_report")
    finding = next(
        iter(
            endpoint_findings(
                EndpointResult(ENDPOINT, probed=False), policy=None, mtls_requested=False, now=NOW
            )
        )
    )
    assert list(finding_document(finding)) == list(json_report.finding_document(finding, None))
    assert finding_document(finding) == json_report.finding_document(finding, None)


def test_server_text_cannot_inject_markup_or_control_characters() -> None:
    evil = _cert(subject="CN=[bold red]pwned[/bold red]\x1b[2J", issuer="CN=[link=http://x]y[/link]")
    text = render_table(_report(EndpointResult(ENDPOINT, probed=True, chain=(evil,))), width=400)
    assert "[bold red]pwned[/bold red]" in text
    assert "[link=http://x]y[/link]" in text
    assert "\x1b" not in text


# --- metadata and certificates ----------------------------------------------------------------------


def test_probe_control_metadata_matches_the_catalogue() -> None:
    from ringfence.catalogue import load_catalogue
    from ringfence.probe.findings import CONTROLS

    catalogue = load_catalogue()
    for control_id, meta in CONTROLS.items():
        control = catalogue[control_id]
        assert meta.title == control.title, control_id
        assert meta.severity is control.severity, control_id
        assert "probe" in control.where, control_id
        assert control.report_on in ("endpoint", "certificate authority"), control_id


@pytest.mark.parametrize(
    ("names", "host", "matches"),
    [
        (("svc.example.com",), "svc.example.com", True),
        (("SVC.Example.com",), "svc.example.com.", True),
        (("*.example.com",), "svc.example.com", True),
        (("*.example.com",), "example.com", False),
        (("*.example.com",), "a.b.example.com", False),
        (("*.com",), "example.com", False),
        (("f*.example.com",), "foo.example.com", False),
        (("other.example.com",), "svc.example.com", False),
    ],
)
def test_hostname_matching(names: tuple[str, ...], host: str, matches: bool) -> None:
    from ringfence.probe.certs import hostname_matches

    assert hostname_matches(_cert(dns_names=names), host) is matches


def test_ip_targets_match_ip_sans_only() -> None:
    from ringfence.probe.certs import hostname_matches

    cert = _cert(dns_names=("127.0.0.1",), ip_addresses=("10.0.0.5",))
    assert hostname_matches(cert, "10.0.0.5")
    assert not hostname_matches(cert, "127.0.0.1")


def test_describe_certificate() -> None:
    from probe_pki import der, ec_key, make_ca, make_leaf

    from ringfence.probe.certs import describe_certificate, weak_key, weak_signature

    ca = make_ca("unit CA")
    info = describe_certificate(der(make_leaf(ca, key=ec_key(), dns=("a.example",), ips=("10.0.0.1",))))
    assert info.subject == "CN=localhost"
    assert info.issuer == "CN=unit CA"
    assert info.key == "EC secp256r1 256"
    assert info.signature == "ecdsa-with-SHA256"
    assert info.dns_names == ("a.example",)
    assert info.ip_addresses == ("10.0.0.1",)
    assert not info.is_ca
    assert weak_key(info) is None
    assert weak_signature(info) is None
    root = describe_certificate(der(ca))
    assert root.is_ca
    assert root.self_signed


# --- the reply reader -------------------------------------------------------------------------------


def _server_hello_record(version: int = 0x0303, suite: int = 0x002F) -> bytes:
    body = version.to_bytes(2, "big") + b"\x11" * 32 + b"\x00" + suite.to_bytes(2, "big") + b"\x00"
    message = b"\x02" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x03" + len(message).to_bytes(2, "big") + message


def test_the_reader_waits_for_a_whole_server_hello_byte_by_byte() -> None:
    from ringfence.probe.wire import ReplyReader

    reader = ReplyReader()
    record = _server_hello_record()
    answers = [reader.feed(record[i : i + 1]) for i in range(len(record))]
    assert answers[:-1] == [None] * (len(record) - 1)
    final = answers[-1]
    assert isinstance(final, HelloReply)
    assert final.server_hello.cipher_suite == 0x002F


def test_the_reader_on_alerts_garbage_and_hang_ups() -> None:
    from ringfence.probe.wire import Failure, ReplyReader

    alert = ReplyReader().feed(b"\x15\x03\x03\x00\x02\x02\x28")
    assert isinstance(alert, AlertReply)
    assert alert.alert.name == "handshake_failure"
    http = ReplyReader().feed(b"HTTP/1.1 400 Bad Request\r\n")
    assert isinstance(http, Failure)
    assert "plain HTTP" in http.detail
    assert isinstance(ReplyReader().eof(), ClosedReply)
    partial_reader = ReplyReader()
    assert partial_reader.feed(b"\x16\x03\x03\x00\x40\x02") is None
    truncated = partial_reader.eof()
    assert isinstance(truncated, Failure)
    assert "6 bytes of an incomplete answer" in truncated.detail
    stalled = partial_reader.stalled(2.0)
    assert stalled.timed_out


def test_the_reader_collects_the_certificate_message_when_asked() -> None:
    from ringfence.probe.wire import ReplyReader

    der = b"\x30\x03\x02\x01\x05"
    certs = len(der).to_bytes(3, "big") + der
    cert_message = b"\x0b" + (len(certs) + 3).to_bytes(3, "big") + len(certs).to_bytes(3, "big") + certs
    flight = _server_hello_record() + b"\x16\x03\x03" + len(cert_message).to_bytes(2, "big") + cert_message
    answer = ReplyReader(want_certificate=True).feed(flight)
    assert isinstance(answer, HelloReply)
    assert answer.certificates == (der,)


def test_interpret_a_failure_is_an_error_not_a_refusal() -> None:
    from ringfence.probe.wire import Failure

    status, detail = interpret(
        Protocol.TLSv1_2, AES128_SHA, Failure("no answer within 5.0 s", timed_out=True)
    )
    assert status is PairStatus.ERROR
    assert "no answer" in detail
