"""Pure verdicts: an EndpointResult becomes findings for TLS-08, TLS-09, CERT-03 and CERT-04.

An endpoint that could not be probed gets UNKNOWN with the reason, never PASS or FAIL. A proven
failure stands even when other parts of the probe are incomplete (one accepted extra suite is
enough); a PASS needs the whole picture.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from ringfence.model.findings import Finding, Severity, Status
from ringfence.probe.certs import common_name, days_left, hostname_matches, weak_key, weak_signature
from ringfence.probe.ciphers import weakness_of
from ringfence.probe.policies import Policy
from ringfence.probe.results import EndpointResult, MtlsVerdict, Pair, Verification

RESOURCE_TYPE = "endpoint"


@dataclass(frozen=True, slots=True)
class ControlMeta:
    """A probe control's catalogue entry, beside its verdict logic (a test keeps it equal to
    data/controls.yaml): the probe does not parse the YAML catalogue at run time."""

    title: str
    severity: Severity
    remediation: str


CONTROLS = {
    "TLS-08": ControlMeta(
        "A live endpoint accepts exactly the protocols and cipher suites of its declared policy",
        Severity.HIGH,
        "Attach the declared security policy to the listener / domain / distribution, or declare the policy "
        "the endpoint is meant to have; remove any custom cipher configuration that adds suites.",
    ),
    "TLS-09": ControlMeta(
        "A live mutual-TLS endpoint refuses clients without a trusted certificate",
        Severity.CRITICAL,
        "Require and verify client certificates: ALB mutual authentication in verify mode with a trust store, "
        "API Gateway mutualTlsAuthentication with the default endpoint disabled, nginx ssl_verify_client on.",
    ),
    "CERT-03": ControlMeta(
        "A subordinate CA does not expire before the certificates it may issue",
        Severity.HIGH,
        "Renew or reissue the subordinate CA so it outlives every certificate it issues, then re-issue and "
        "re-serve the chain.",
    ),
    "CERT-04": ControlMeta(
        "A served certificate chain is valid for its name",
        Severity.HIGH,
        "Serve a chain that verifies to a trusted root, names this host, is in date, uses RSA >= 2048 or "
        "EC >= 256 keys and SHA-256 or better signatures (ACM issues such certificates).",
    ),
}


def _finding(result: EndpointResult, control_id: str, status: Status, message: str) -> Finding:
    meta = CONTROLS[control_id]
    return Finding.make(
        control_id=control_id,
        status=status,
        severity=meta.severity,
        resource_id=result.endpoint.label,
        resource_type=RESOURCE_TYPE,
        account="",
        region="",
        message=message,
        title=meta.title,
        remediation=meta.remediation,
    )


def _listing(pairs: Sequence[Pair], limit: int = 8) -> str:
    labels = []
    for pair in pairs[:limit]:
        weak = weakness_of(pair.protocol, pair.suite)
        labels.append(pair.label + (f" [{', '.join(weak)}]" if weak else ""))
    more = f" and {len(pairs) - limit} more" if len(pairs) > limit else ""
    return ", ".join(labels) + more


def _why_not_probed(result: EndpointResult) -> str:
    return "; ".join(result.errors) or "the endpoint could not be probed"


def endpoint_findings(
    result: EndpointResult, *, policy: Policy | None, mtls_requested: bool, now: datetime
) -> Iterator[Finding]:
    yield tls08(result, policy)
    if mtls_requested:
        yield tls09(result)
    yield cert03(result)
    yield cert04(result, now)


def tls08(result: EndpointResult, policy: Policy | None) -> Finding:
    if not result.probed:
        return _finding(result, "TLS-08", Status.UNKNOWN, f"could not be probed: {_why_not_probed(result)}")
    if policy is None or result.policy_diff is None:
        return _finding(
            result,
            "TLS-08",
            Status.NOT_APPLICABLE,
            f"no policy declared (--policy); accepts {len(result.accepted)} protocol/cipher pairs",
        )
    caveat = (
        "" if policy.status == "confirmed" else f" (policy table entry is {policy.status}: {policy.review})"
    )
    extra, missing = result.policy_diff.extra, result.policy_diff.missing
    refused_note = f"; {len(missing)} pairs of the policy refused: {_listing(missing, 4)}" if missing else ""
    if extra:
        message = f"accepts {len(extra)} pairs not in {policy.name}: {_listing(extra)}{refused_note}{caveat}"
        return _finding(result, "TLS-08", Status.FAIL, message)
    if result.untested:
        message = (
            f"{len(result.untested)} pairs could not be tested, so acceptance of only {policy.name}'s pairs "
            f"is not proven: {result.untested[0][0].label}: {result.untested[0][1]}"
        )
        return _finding(result, "TLS-08", Status.UNKNOWN, message)
    if not result.accepted:
        return _finding(
            result, "TLS-08", Status.UNKNOWN, "accepted no protocol/cipher pair at all: nothing to judge"
        )
    message = f"accepts only pairs of {policy.name} ({len(result.accepted)} accepted){refused_note}{caveat}"
    return _finding(result, "TLS-08", Status.PASS, message)


def tls09(result: EndpointResult) -> Finding:
    if not result.probed or result.mtls is None:
        return _finding(result, "TLS-09", Status.UNKNOWN, f"could not be probed: {_why_not_probed(result)}")
    mtls = result.mtls
    summary = "; ".join(f"{c.case.value}: {c.verdict.value} ({c.detail})" for c in mtls.cases())
    let_in = [c.case.value for c in (mtls.no_cert, mtls.untrusted_cert) if c.verdict is MtlsVerdict.ACCEPTED]
    if let_in:
        return _finding(
            result,
            "TLS-09",
            Status.FAIL,
            f"serves clients without a trusted certificate ({', '.join(let_in)}): {summary}",
        )
    if any(c.verdict is MtlsVerdict.ERROR for c in mtls.cases()):
        return _finding(result, "TLS-09", Status.UNKNOWN, f"not every case could be run: {summary}")
    if mtls.trusted_cert.verdict is not MtlsVerdict.ACCEPTED:
        message = (
            "refuses the trusted certificate too, so the refusals prove nothing about certificate checking "
            f"(is --client-cert the one the endpoint trusts, and does --mtls-path answer 2xx/3xx?): {summary}"
        )
        return _finding(result, "TLS-09", Status.FAIL, message)
    return _finding(
        result, "TLS-09", Status.PASS, f"refuses clients without a trusted certificate: {summary}"
    )


def cert03(result: EndpointResult) -> Finding:
    if not result.probed or not result.chain:
        reason = result.chain_error or _why_not_probed(result)
        return _finding(result, "CERT-03", Status.UNKNOWN, f"no served chain to judge: {reason}")
    leaf, cas = result.chain[0], result.chain[1:]
    if not cas:
        return _finding(
            result,
            "CERT-03",
            Status.NOT_APPLICABLE,
            "the server sends only its leaf certificate, no CA certificate",
        )
    early = [ca for ca in cas if ca.not_after < leaf.not_after]
    if early:
        parts = [f"{common_name(ca.subject)} expires {ca.not_after:%Y-%m-%d}" for ca in early]
        message = (
            f"{'; '.join(parts)}, before the leaf {common_name(leaf.subject)} ({leaf.not_after:%Y-%m-%d})"
        )
        return _finding(result, "CERT-03", Status.FAIL, message)
    message = f"every CA certificate of the served chain ({len(cas)}) expires no earlier than the leaf ({leaf.not_after:%Y-%m-%d})"
    return _finding(result, "CERT-03", Status.PASS, message)


def cert04(result: EndpointResult, now: datetime) -> Finding:
    if not result.probed or not result.chain:
        reason = result.chain_error or _why_not_probed(result)
        return _finding(result, "CERT-04", Status.UNKNOWN, f"no served chain to judge: {reason}")
    leaf = result.chain[0]
    host = result.endpoint.target.host
    problems: list[str] = []
    if result.verification.verification is Verification.FAILED:
        problems.append(f"the chain does not verify: {result.verification.detail}")
    if not hostname_matches(leaf, host):
        names = ", ".join((*leaf.dns_names, *leaf.ip_addresses)) or "none"
        problems.append(f"the leaf is not valid for {host} (subjectAltName: {names})")
    if leaf.not_after <= now:
        problems.append(f"the leaf expired on {leaf.not_after:%Y-%m-%d}")
    elif leaf.not_before > now:
        problems.append(f"the leaf is not valid before {leaf.not_before:%Y-%m-%d}")
    for index, cert in enumerate(result.chain):
        who = "the leaf" if index == 0 else common_name(cert.subject)
        if key_problem := weak_key(cert):
            problems.append(f"{who}: {key_problem}")
        if signature_problem := weak_signature(cert):
            problems.append(f"{who} is signed with {signature_problem}")
        if index and cert.not_after <= now:
            problems.append(f"{who} expired on {cert.not_after:%Y-%m-%d}")
    if problems:
        return _finding(result, "CERT-04", Status.FAIL, "; ".join(problems))
    if result.verification.verification is not Verification.VERIFIED:
        detail = result.verification.detail or "the chain was not verified"
        return _finding(result, "CERT-04", Status.UNKNOWN, detail)
    message = (
        f"the chain verifies, the leaf is valid for {host}, expires in {days_left(leaf, now)} days "
        f"({leaf.not_after:%Y-%m-%d}), key {leaf.key}, signed with {leaf.signature}"
    )
    return _finding(result, "CERT-04", Status.PASS, message)
