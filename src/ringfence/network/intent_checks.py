"""Intents checked against the topology, producing findings.

Each intent yields one finding per resource it judges (an ENI for NET-01 and NET-07, a pair of VPCs
"vpc-a|vpc-b" for NET-13) and one intent-level finding named after the intent. Two intents of the
same control judging the same ENI are merged into one finding (the worst status, both messages).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ringfence.catalogue import load_catalogue
from ringfence.checks.tiers import TierConvention
from ringfence.model.findings import Finding, Severity, Status
from ringfence.model.inventory import Inventory
from ringfence.model.network import NetworkInterface, Vpc
from ringfence.network.addresses import (
    ALL_PORTS,
    EMPTY,
    IntervalSet,
    cidr_set,
    describe_addresses,
    describe_ports,
)
from ringfence.network.endpoints import Endpoint, EndpointError, parse_endpoint
from ringfence.network.explain import Hop
from ringfence.network.intents import (
    EGRESS_ONLY,
    NO_INTERNET_INGRESS,
    SERVICE_VIA_ENDPOINT,
    TENANT_ISOLATION,
    Intent,
    IntentFile,
    parse_intents,
)
from ringfence.network.packets import DPORT
from ringfence.network.paths import Flow, Goal, Tracer
from ringfence.network.protocols import TCP, UDP, protocol_name
from ringfence.network.query import (
    DEFAULT_CLIENT_PORTS,
    AddressIndex,
    Leg,
    Query,
    build_goal,
    destinations_of,
    trace,
)
from ringfence.network.topology import Topology, VpcInfo

INTENT_TYPE = "ringfence::NetworkIntent"
_RANK = {Status.PASS: 0, Status.NOT_APPLICABLE: 0, Status.UNKNOWN: 1, Status.FAIL: 2}
_PATH_KINDS = {
    "nat_gateway",
    "internet_gateway",
    "egress_only_internet_gateway",
    "transit_gateway_attachment",
    "vpc_peering_connection",
    "gateway_load_balancer_endpoint",
    "appliance",
    "gateway_endpoint",
    "vpn_gateway",
}


def evaluate_intents(
    inventory: Inventory,
    intents: Iterable[Intent] | IntentFile,
    *,
    tiers: TierConvention | None = None,
    client_ports: IntervalSet | None = None,
    topology: Topology | None = None,
) -> list[Finding]:
    """Findings for every intent (see the module docstring for what each one reports on)."""
    if isinstance(intents, IntentFile):
        client_ports = client_ports or intents.client_ports
        intents = intents.intents
    topo = topology or Topology(inventory, tiers=tiers)
    run = _Run(topo, client_ports or DEFAULT_CLIENT_PORTS)
    findings: list[Finding] = []
    for intent in intents:
        findings.extend(_EVALUATORS[intent.kind](run, intent))
    return merge_findings(findings)


def catalogue_intents(params: Mapping[str, Mapping[str, Any]] | None = None) -> list[Intent]:
    """The intents that the catalogue's reach controls state, with their parameters (defaults from
    controls.yaml, overridden by `params` per control id)."""
    catalogue = load_catalogue()
    merged = {
        cid: {**catalogue[cid].params, **((params or {}).get(cid) or {})}
        for cid in ("NET-01", "NET-07", "NET-13")
    }
    admin_ports = ",".join(str(p) for p in merged["NET-01"].get("admin_ports", [22, 3389]))
    approved = tuple(str(p) for p in merged["NET-07"].get("approved_egress", []))
    return list(
        parse_intents(
            [
                {
                    "name": "NET-01 no administrative port reachable from the internet",
                    "kind": NO_INTERNET_INGRESS,
                    "ports": admin_ports or "22,3389",
                },
                {
                    "name": "NET-07 data tier reaches the internet only at approved prefixes",
                    "kind": EGRESS_ONLY,
                    "from": "tier:data",
                    "to": list(approved),
                },
                {
                    "name": "NET-13 tenant networks are isolated",
                    "kind": TENANT_ISOLATION,
                    "tag": str(merged["NET-13"].get("tenant_tag", "tenant")),
                },
            ],
            "controls.yaml",
        ).intents
    )


@dataclass
class _Run:
    topo: Topology
    client_ports: IntervalSet

    def finding(
        self,
        intent: Intent,
        status: Status,
        resource_id: str,
        resource_type: str,
        account: str,
        region: str,
        message: str,
    ) -> Finding:
        control = load_catalogue().get(intent.control)
        return Finding.make(
            control_id=intent.control,
            status=status,
            severity=control.severity if control else Severity.HIGH,
            resource_id=resource_id,
            resource_type=resource_type,
            account=account,
            region=region,
            message=message,
            title=control.title if control else intent.name,
        )

    def eni_finding(self, intent: Intent, eni: NetworkInterface, status: Status, message: str) -> Finding:
        return self.finding(
            intent,
            status,
            eni.arn,
            NetworkInterface.RESOURCE_TYPE,
            eni.account,
            eni.region,
            f"{eni.native_id}: {message} [intent: {intent.name}]",
        )

    def summary(self, intent: Intent, findings: Sequence[Finding], what: str) -> Finding:
        counts: dict[Status, int] = defaultdict(int)
        for f in findings:
            counts[f.status] += 1
        status = max((f.status for f in findings), key=lambda s: _RANK[s], default=Status.NOT_APPLICABLE)
        if status == Status.FAIL:
            message = f"violated: {counts[Status.FAIL]} of {len(findings)} {what} fail"
        elif status == Status.UNKNOWN:
            message = (
                f"cannot be decided for {counts[Status.UNKNOWN]} of {len(findings)} {what} (nothing fails)"
            )
        elif findings:
            message = f"holds for all {len(findings)} {what}"
        else:
            message = f"nothing to judge: no {what}"
        return self.finding(
            intent, status, intent.name, INTENT_TYPE, "", "", f"intent {intent.name!r} {message}"
        )

    def query_legs(
        self,
        intent: Intent,
        source: Endpoint,
        destination: Endpoint,
        protocol: int,
        *,
        ports: IntervalSet | None,
    ) -> dict[str, list[Leg]]:
        query = Query(
            source.text, destination.text, protocol=protocol, ports=ports, client_ports=self.client_ports
        )
        return trace(self.topo, source, destination, query, keep_drops=False).legs


def _endpoint_or_finding(run: _Run, intent: Intent, text: str) -> Endpoint | Finding:
    try:
        return parse_endpoint(run.topo, text)
    except EndpointError as exc:
        status = Status.NOT_APPLICABLE if text.lower().startswith("tier:") else Status.UNKNOWN
        return run.finding(intent, status, intent.name, INTENT_TYPE, "", "", f"intent {intent.name!r}: {exc}")


# --- egress only to approved prefixes (NET-07) ---------------------------------------------------


@dataclass
class _Reach:
    definite: IntervalSet = EMPTY
    unknown: IntervalSet = EMPTY
    examples: list[tuple[int, Leg]] = field(default_factory=list)


def _egress_only(run: _Run, intent: Intent) -> list[Finding]:
    source = _endpoint_or_finding(run, intent, intent.source)
    if isinstance(source, Finding):
        return [source]
    internet = parse_endpoint(run.topo, "internet")
    approved = EMPTY
    missing: list[str] = []
    for item in intent.allowed:
        if item.startswith("pl-"):
            entries = run.topo.prefix_list_addresses(item)
            if entries is None:
                missing.append(item)
            else:
                approved = approved | entries
        else:
            approved = approved | cidr_set(item)
    found: dict[str, list[_Reach]] = defaultdict(list)
    for protocol in intent.protocols:
        summaries: dict[int, _Reach] = {}  # ENIs of a group share their list of legs: summarise it once
        for eni_id, legs in run.query_legs(intent, source, internet, protocol, ports=intent.ports).items():
            summary = summaries.get(id(legs))
            if summary is None:
                summary = summaries[id(legs)] = _summarise(legs, approved, protocol)
            found[eni_id].append(summary)
    reach = {eni_id: _combine(parts) for eni_id, parts in found.items()}
    findings: list[Finding] = []
    for eni in source.enis:
        state = reach.get(eni.native_id, _Reach())
        bad = state.definite - approved
        if bad:
            protocol, leg = min(state.examples, key=lambda pair: len(pair[1].hops))
            message = (
                f"reaches internet addresses outside the approved egress: {describe_addresses(bad)} "
                f"(e.g. {protocol_name(protocol)} {describe_ports(leg.ports)} {_route_of(leg)})"
            )
            findings.append(run.eni_finding(intent, eni, Status.FAIL, message))
        elif state.unknown - approved:
            message = (
                f"may reach internet addresses outside the approved egress ({describe_addresses(state.unknown - approved)}): "
                "the path passes a hop whose rules are not modelled or not in the scan"
            )
            findings.append(run.eni_finding(intent, eni, Status.UNKNOWN, message))
        elif state.definite and missing:
            message = f"reaches {describe_addresses(state.definite)}; the approved prefix lists {', '.join(missing)} are not in the scan"
            findings.append(run.eni_finding(intent, eni, Status.UNKNOWN, message))
        elif state.definite:
            findings.append(
                run.eni_finding(
                    intent,
                    eni,
                    Status.PASS,
                    f"reaches the internet only at approved prefixes ({describe_addresses(state.definite)})",
                )
            )
        else:
            findings.append(run.eni_finding(intent, eni, Status.PASS, "reaches no internet address"))
    return [*findings, run.summary(intent, findings, "network interfaces")]


def _summarise(legs: Sequence[Leg], approved: IntervalSet, protocol: int) -> _Reach:
    definite: list[tuple[int, int]] = []
    unknown: list[tuple[int, int]] = []
    examples: list[tuple[int, Leg]] = []
    for leg in legs:
        if leg.status == "done" and not leg.unknown:
            definite.extend(leg.dst.intervals)
            if not leg.dst.issubset(approved):
                examples.append((protocol, leg))
        elif leg.status != "drop":
            unknown.extend(leg.dst.intervals)
    return _Reach(IntervalSet(definite), IntervalSet(unknown), examples)


def _combine(parts: Sequence[_Reach]) -> _Reach:
    if len(parts) == 1:
        return parts[0]
    return _Reach(
        IntervalSet(span for part in parts for span in part.definite.intervals),
        IntervalSet(span for part in parts for span in part.unknown.intervals),
        [example for part in parts for example in part.examples],
    )


def _route_of(leg: Leg) -> str:
    """A short account of a path: the rule that let it out, then the gateways it went through."""
    first = leg.hops[0] if leg.hops else None
    gateways = []
    for hop in leg.hops:
        if hop.leg == "request" and hop.kind in _PATH_KINDS and hop.resource_id not in gateways:
            gateways.append(hop.resource_id)
    allowed_by = f"allowed by {first.rule}" if first is not None and first.kind == "security_group" else ""
    via = f"via {' -> '.join(gateways)}" if gateways else ""
    return ", ".join(p for p in (via, allowed_by) if p)


# --- nothing from the internet to these ports (NET-01) ---------------------------------------------


def _no_internet_ingress(run: _Run, intent: Intent) -> list[Finding]:
    target = _endpoint_or_finding(run, intent, intent.target)
    if isinstance(target, Finding):
        return [target]
    internet = parse_endpoint(run.topo, "internet")
    index = AddressIndex(run.topo, target.enis)
    exposed: dict[str, list[tuple[int, Leg]]] = defaultdict(list)
    undecided: dict[str, list[tuple[int, Leg]]] = defaultdict(list)
    for protocol in intent.protocols:
        legs = run.query_legs(intent, internet, target, protocol, ports=intent.ports).get("internet", [])
        for leg in legs:
            if leg.status == "drop":
                continue
            for key in destinations_of(leg, target, index):
                bucket = exposed if leg.status == "done" and not leg.unknown else undecided
                bucket[key].append((protocol, leg))
    ports = describe_ports(intent.ports or ALL_PORTS)
    findings: list[Finding] = []
    for eni in target.enis:
        hits = exposed.get(eni.native_id)
        if hits:
            findings.append(
                run.eni_finding(intent, eni, Status.FAIL, "reachable from the internet on " + _exposure(hits))
            )
        elif eni.native_id in undecided:
            findings.append(
                run.eni_finding(
                    intent,
                    eni,
                    Status.UNKNOWN,
                    "may be reachable from the internet on "
                    + _exposure(undecided[eni.native_id])
                    + ": the path passes a hop whose rules are not modelled or not in the scan",
                )
            )
        else:
            findings.append(run.eni_finding(intent, eni, Status.PASS, f"no internet path to {ports}"))
    return [*findings, run.summary(intent, findings, "network interfaces")]


def _exposure(hits: Sequence[tuple[int, Leg]]) -> str:
    by_protocol: dict[int, IntervalSet] = defaultdict(lambda: EMPTY)
    rules: list[str] = []
    for protocol, leg in hits:
        by_protocol[protocol] = by_protocol[protocol] | leg.ports
        for hop in leg.hops:
            if hop.kind == "security_group" and hop.direction == "ingress" and hop.rule not in rules:
                rules.append(hop.rule)
    ports = ", ".join(f"{protocol_name(p)} {describe_ports(s)}" for p, s in sorted(by_protocol.items()))
    return ports + (f" (allowed by {'; '.join(rules[:3])})" if rules else "")


# --- tenants are isolated (NET-13) -------------------------------------------------------------------


def _tenant_isolation(run: _Run, intent: Intent) -> list[Finding]:
    topo = run.topo
    tenants = {vpc.id: t.strip() for vpc in topo.vpcs.values() if (t := vpc.vpc.tag(intent.tag))}
    if len(set(tenants.values())) < 2:
        return [
            run.finding(
                intent,
                Status.NOT_APPLICABLE,
                intent.name,
                INTENT_TYPE,
                "",
                "",
                f"intent {intent.name!r}: fewer than two tenants are tagged with {intent.tag!r} on VPCs",
            )
        ]
    paths: dict[tuple[str, str], list[tuple[str, tuple[Hop, ...], bool]]] = defaultdict(list)
    for vpc_id, tenant in tenants.items():
        others = [v for v, t in tenants.items() if t != tenant]
        for target, hops, unknown in _route_paths(topo, topo.vpcs[vpc_id], [topo.vpcs[o] for o in others]):
            paths[_pair(vpc_id, target)].append((f"{vpc_id} -> {target}", hops, unknown))
    for vpc_id, target, reason in _shared_subnets(topo, tenants):
        paths[_pair(vpc_id, target)].append((reason, (), False))
    findings: list[Finding] = []
    ids = sorted(tenants)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if tenants[a] == tenants[b]:
                continue
            findings.append(
                _pair_finding(run, intent, topo.vpcs[a], topo.vpcs[b], tenants, paths.get((a, b), []))
            )
    return [*findings, run.summary(intent, findings, "pairs of tenant VPCs")]


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _route_paths(
    topo: Topology, vpc: VpcInfo, others: Sequence[VpcInfo]
) -> list[tuple[str, tuple[Hop, ...], bool]]:
    addresses = EMPTY
    for other in others:
        addresses = addresses | other.addresses
    goal = Goal(vpcs=frozenset(o.id for o in others), vpc_addresses=addresses)
    tracer = Tracer(topo, Flow(TCP, ALL_PORTS, DEFAULT_CLIENT_PORTS, routing_only=True), goal)
    for subnet in vpc.subnets:
        tracer.start_subnet(subnet, subnet.addresses)
    found: dict[tuple[str, bool], tuple[Hop, ...]] = {}
    for outcome in tracer.outcomes:
        piece = outcome.piece
        if outcome.status == "done" and piece.ctx.exit is not None and piece.ctx.exit.vpc is not None:
            key = (piece.ctx.exit.vpc.id, piece.ctx.unknown)
        elif outcome.status == "unknown":
            target = next((o.id for o in others if o.addresses & piece.box[1]), None)
            if target is None:
                continue
            key = (target, True)
        else:
            continue
        if key not in found or len(piece.hops) < len(found[key]):
            found[key] = piece.hops
    return [(target, hops, unknown) for (target, unknown), hops in found.items()]


def _shared_subnets(topo: Topology, tenants: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """ENIs of another tenant's account living in a tenant's VPC (a subnet shared through RAM)."""
    by_account: dict[str, set[str]] = defaultdict(set)
    for vpc_id in tenants:
        by_account[topo.vpcs[vpc_id].vpc.account].add(vpc_id)
    out: list[tuple[str, str, str]] = []
    for group in topo.groups:
        vpc = group.subnet.vpc
        if vpc.id not in tenants:
            continue
        for eni in group.enis:
            if eni.account == vpc.vpc.account:
                continue
            for other in sorted(by_account.get(eni.account, ())):
                if tenants[other] != tenants[vpc.id]:
                    out.append(
                        (
                            vpc.id,
                            other,
                            f"{eni.native_id} of account {eni.account} sits in {group.subnet.id} of {vpc.id} (a shared subnet)",
                        )
                    )
    return out


def _pair_finding(
    run: _Run,
    intent: Intent,
    a: VpcInfo,
    b: VpcInfo,
    tenants: Mapping[str, str],
    paths: Sequence[tuple[str, tuple[Hop, ...], bool]],
) -> Finding:
    resource_id = f"{a.id}|{b.id}"
    who = f"{a.id} ({tenants[a.id]}) and {b.id} ({tenants[b.id]})"
    definite = [p for p in paths if not p[2]]
    if definite:
        described = "; ".join(
            f"{what}: {_hops_text(hops)}" if hops else what for what, hops, _ in definite[:2]
        )
        status = Status.FAIL
        message = f"{who} are connected: {described}. {_filters_today(run, a, b)}"
    elif paths:
        status = Status.UNKNOWN
        message = (
            f"{who} may be connected through hops whose rules are not modelled: {_hops_text(paths[0][1])}"
        )
    else:
        status = Status.PASS
        message = f"no routing path between {who} in either direction"
    return run.finding(
        intent,
        status,
        resource_id,
        Vpc.RESOURCE_TYPE,
        a.vpc.account,
        a.vpc.region,
        f"{message} [intent: {intent.name}]",
    )


def _hops_text(hops: Sequence[Hop]) -> str:
    parts = [
        f"{h.resource_id} ({h.rule})" if h.kind.endswith("route_table") else h.resource_id
        for h in hops
        if h.kind.endswith("route_table") or h.kind in _PATH_KINDS
    ]
    return " -> ".join(parts)


def _filters_today(run: _Run, a: VpcInfo, b: VpcInfo) -> str:
    """Whether security groups and NACLs let any TCP or UDP through between the two VPCs' ENIs today."""
    for source_vpc, target_vpc in ((a, b), (b, a)):
        try:
            target = parse_endpoint(run.topo, target_vpc.id)
        except EndpointError:
            continue
        goal = build_goal(run.topo, target)
        for protocol in (TCP, UDP):
            tracer = Tracer(run.topo, Flow(protocol, ALL_PORTS, run.client_ports), goal)
            for subnet in source_vpc.subnets:
                for group in subnet.groups:
                    piece = tracer.first_through(group)
                    exit_ = piece.ctx.exit if piece is not None else None
                    if piece is None or exit_ is None:
                        continue
                    to = exit_.group.label if exit_.group is not None else target_vpc.id
                    ports = describe_ports(piece.orig[DPORT])
                    return f"Traffic passes today: {group.label} -> {to} {protocol_name(protocol)} {ports}."
    return "Security groups and network ACLs block all TCP and UDP between their ENIs today (defence in depth is still missing)."


# --- a service only through its endpoint ------------------------------------------------------------


def _service_via_endpoint(run: _Run, intent: Intent) -> list[Finding]:
    source = _endpoint_or_finding(run, intent, intent.source)
    if isinstance(source, Finding):
        return [source]
    try:
        service = parse_endpoint(run.topo, f"service:{intent.service}")
    except EndpointError as exc:
        return [
            run.finding(
                intent, Status.UNKNOWN, intent.name, INTENT_TYPE, "", "", f"intent {intent.name!r}: {exc}"
            )
        ]
    if not service.outside:
        return [
            run.finding(
                intent,
                Status.UNKNOWN,
                intent.name,
                INTENT_TYPE,
                "",
                "",
                f"intent {intent.name!r}: the addresses of {intent.service} are not known "
                "(its AWS-managed prefix list is not in the scan), so a path over the internet cannot be told apart",
            )
        ]
    over_internet: dict[str, list[Leg]] = defaultdict(list)
    via_endpoint: dict[str, set[str]] = defaultdict(set)
    undecided: set[str] = set()
    for protocol in intent.protocols:
        for eni_id, legs in run.query_legs(intent, source, service, protocol, ports=intent.ports).items():
            for leg in legs:
                if leg.status == "drop" or (leg.exit is None and leg.status == "done"):
                    continue
                if leg.status == "unknown" or leg.unknown:
                    undecided.add(eni_id)
                elif leg.exit is not None and leg.exit.kind == "service":
                    via_endpoint[eni_id].add(leg.exit.gateway or "")
                elif leg.exit is not None and leg.exit.kind == "internet":
                    over_internet[eni_id].append(leg)
    findings: list[Finding] = []
    for eni in source.enis:
        key = eni.native_id
        if key in over_internet:
            leg = min(over_internet[key], key=lambda leg: len(leg.hops))
            findings.append(
                run.eni_finding(
                    intent,
                    eni,
                    Status.FAIL,
                    f"reaches {intent.service} over the internet ({describe_addresses(leg.dst)}, {_route_of(leg)})",
                )
            )
        elif key in undecided:
            findings.append(
                run.eni_finding(
                    intent,
                    eni,
                    Status.UNKNOWN,
                    f"may reach {intent.service} by a path through hops that are not modelled",
                )
            )
        elif key in via_endpoint:
            findings.append(
                run.eni_finding(
                    intent,
                    eni,
                    Status.PASS,
                    f"reaches {intent.service} only through {', '.join(sorted(via_endpoint[key]))}",
                )
            )
        else:
            findings.append(run.eni_finding(intent, eni, Status.PASS, f"does not reach {intent.service}"))
    return [*findings, run.summary(intent, findings, "network interfaces")]


_EVALUATORS: dict[str, Callable[[_Run, Intent], list[Finding]]] = {
    EGRESS_ONLY: _egress_only,
    NO_INTERNET_INGRESS: _no_internet_ingress,
    TENANT_ISOLATION: _tenant_isolation,
    SERVICE_VIA_ENDPOINT: _service_via_endpoint,
}


def merge_findings(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per (control, account, region, resource): the worst status, the messages joined."""
    merged: dict[str, Finding] = {}
    order: list[str] = []
    for finding in findings:
        previous = merged.get(finding.fingerprint)
        if previous is None:
            merged[finding.fingerprint] = finding
            order.append(finding.fingerprint)
            continue
        worst = finding if _RANK[finding.status] > _RANK[previous.status] else previous
        message = (
            previous.message
            if finding.message == previous.message
            else f"{previous.message}; {finding.message}"
        )
        merged[finding.fingerprint] = Finding.make(
            control_id=worst.control_id,
            status=worst.status,
            severity=worst.severity,
            resource_id=worst.resource_id,
            resource_type=worst.resource_type,
            account=worst.account,
            region=worst.region,
            message=message,
            title=worst.title,
            remediation=worst.remediation,
        )
    return [merged[key] for key in order]
