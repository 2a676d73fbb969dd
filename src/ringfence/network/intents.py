"""Network intents: statements about the whole estate, written in YAML and checked in bulk.

    intents:
      - name: data tier egress only to approved prefixes
        kind: egress_only            # NET-07
        from: tier:data
        to: [203.0.113.0/24, pl-0123456789abcdef0]
        protocols: [tcp, udp]        # optional; default tcp, udp, icmp and all (-1)
        ports: all                   # optional; "443", "1024-65535", [80, 443]
      - name: no admin ports from the internet
        kind: no_internet_ingress    # NET-01
        ports: [22, 3389]            # default: 22 and 3389
        to: all                      # optional; which ENIs (default every one)
      - name: tenants are isolated
        kind: tenant_isolation       # NET-13
        tag: tenant                  # default: tenant
      - name: S3 only through the gateway endpoint
        kind: service_via_endpoint   # NET-07 unless `control` says otherwise
        service: s3
        from: tier:data

Every intent may also name the `control` its findings are reported under (NET-01, NET-07, NET-13).
A file may set `client_ports` (default 1024-65535) beside `intents`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ringfence.network.addresses import IntervalSet, parse_ports
from ringfence.network.endpoints import INTERNET_WORDS, ON_PREMISES_WORDS
from ringfence.network.protocols import ALL, ICMP, TCP, UDP, parse_protocol

EGRESS_ONLY = "egress_only"
NO_INTERNET_INGRESS = "no_internet_ingress"
TENANT_ISOLATION = "tenant_isolation"
SERVICE_VIA_ENDPOINT = "service_via_endpoint"

DEFAULT_CONTROL = {
    EGRESS_ONLY: "NET-07",
    NO_INTERNET_INGRESS: "NET-01",
    TENANT_ISOLATION: "NET-13",
    SERVICE_VIA_ENDPOINT: "NET-07",
}
REACH_CONTROLS = ("NET-01", "NET-07", "NET-13")
_KEYS = {
    EGRESS_ONLY: {"from", "to", "protocols", "ports"},
    NO_INTERNET_INGRESS: {"to", "protocols", "ports"},
    TENANT_ISOLATION: {"tag"},
    SERVICE_VIA_ENDPOINT: {"from", "service", "protocols", "ports"},
}
_COMMON = {"name", "kind", "control", "description"}
_DEFAULT_PROTOCOLS = {
    EGRESS_ONLY: (TCP, UDP, ICMP, ALL),
    NO_INTERNET_INGRESS: (TCP, UDP),
    SERVICE_VIA_ENDPOINT: (TCP,),
    TENANT_ISOLATION: (TCP, UDP),
}
_DEFAULT_PORTS = {NO_INTERNET_INGRESS: "22,3389", SERVICE_VIA_ENDPOINT: "443"}


class IntentError(ValueError):
    """An intents file that cannot be used; the message is one sentence naming the intent."""


@dataclass(frozen=True)
class Intent:
    name: str
    kind: str
    control: str
    source: str = "all"
    target: str = "all"
    allowed: tuple[str, ...] = ()  # egress_only: CIDRs and prefix-list ids
    protocols: tuple[int, ...] = (TCP,)
    ports: IntervalSet | None = None  # None: every port
    tag: str = "tenant"
    service: str = ""
    description: str = ""


@dataclass(frozen=True)
class IntentFile:
    intents: tuple[Intent, ...]
    client_ports: IntervalSet | None = None


def load_intents(path: str | Path) -> IntentFile:
    """Read and check an intents file; IntentError (one sentence) when it cannot be used."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise IntentError(f"cannot read the intents file {file}: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise IntentError(f"{file} is not valid YAML{where}") from None
    return parse_intents(data, str(file))


def parse_intents(data: Any, origin: str = "intents") -> IntentFile:
    client_ports: IntervalSet | None = None
    if isinstance(data, Mapping):
        unknown = set(data) - {"intents", "client_ports"}
        if unknown:
            raise IntentError(
                f"{origin}: unknown top-level key {sorted(map(str, unknown))[0]!r} (expected intents, client_ports)"
            )
        if "client_ports" in data:
            try:
                client_ports = parse_ports(str(data["client_ports"]))
            except ValueError as exc:
                raise IntentError(f"{origin}: client_ports: {exc}") from None
        data = data.get("intents")
    if not isinstance(data, list) or not data:
        raise IntentError(f"{origin} holds no intents: expected a list under 'intents'")
    intents: list[Intent] = []
    names: set[str] = set()
    for position, raw in enumerate(data, start=1):
        intent = _intent(raw, position, origin)
        if intent.name in names:
            raise IntentError(f"{origin}: two intents are named {intent.name!r}")
        names.add(intent.name)
        intents.append(intent)
    return IntentFile(tuple(intents), client_ports)


def _intent(raw: Any, position: int, origin: str) -> Intent:
    if not isinstance(raw, Mapping):
        raise IntentError(f"{origin}: intent #{position} is not a mapping of keys to values")
    name = str(raw.get("name") or "").strip()
    if not name:
        raise IntentError(f"{origin}: intent #{position} has no name")
    where = f"{origin}: intent {name!r}"
    kind = str(raw.get("kind") or "").strip().lower().replace("-", "_")
    if kind not in _KEYS:
        raise IntentError(
            f"{where} has the unknown kind {raw.get('kind')!r} (expected one of {', '.join(_KEYS)})"
        )
    extra = set(map(str, raw)) - _KEYS[kind] - _COMMON
    if extra:
        allowed = ", ".join(sorted(_KEYS[kind] | _COMMON))
        raise IntentError(
            f"{where} has the unknown key {sorted(extra)[0]!r} for kind {kind} (expected {allowed})"
        )
    control = str(raw.get("control") or DEFAULT_CONTROL[kind]).strip().upper()
    if control not in REACH_CONTROLS:
        raise IntentError(
            f"{where} names the control {control!r}; reach intents report under {', '.join(REACH_CONTROLS)}"
        )
    protocols = _protocols(raw.get("protocols"), kind, where)
    ports = _ports(raw.get("ports", _DEFAULT_PORTS.get(kind)), where)
    fields: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "control": control,
        "protocols": protocols,
        "ports": ports,
        "description": str(raw.get("description") or ""),
    }
    if "from" in _KEYS[kind]:
        fields["source"] = _endpoint(raw.get("from", "all"), where, "from")
    if kind == NO_INTERNET_INGRESS:
        fields["target"] = _endpoint(raw.get("to", "all"), where, "to")
    if kind == EGRESS_ONLY:
        fields["allowed"] = _allowed(raw.get("to", []), where)
    if kind == TENANT_ISOLATION:
        tag = str(raw.get("tag") or "tenant").strip()
        fields["tag"] = tag
    if kind == SERVICE_VIA_ENDPOINT:
        service = str(raw.get("service") or "").strip().lower()
        if not service:
            raise IntentError(f"{where} needs a service, such as s3 or dynamodb")
        fields["service"] = service.removeprefix("service:")
    return Intent(**fields)


def _protocols(value: Any, kind: str, where: str) -> tuple[int, ...]:
    if value is None:
        return _DEFAULT_PROTOCOLS[kind]
    items = value if isinstance(value, list) else [value]
    out: list[int] = []
    for item in items:
        try:
            out.append(parse_protocol(str(item)))
        except ValueError as exc:
            raise IntentError(f"{where}: {exc}") from None
    if not out:
        raise IntentError(f"{where} lists no protocols")
    return tuple(dict.fromkeys(out))


def _ports(value: Any, where: str) -> IntervalSet | None:
    if value is None or str(value).strip().lower() == "all":
        return None
    text = ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
    try:
        return parse_ports(text)
    except ValueError as exc:
        raise IntentError(f"{where}: {exc}") from None


def _endpoint(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise IntentError(
            f"{where}: '{key}' must be one endpoint written as text (tier:data, subnet-..., a CIDR, all)"
        )
    text = value.strip()
    lowered = text.lower()
    if lowered in INTERNET_WORDS or lowered in ON_PREMISES_WORDS:
        raise IntentError(f"{where}: '{key}' must name ENIs of the estate, not {text!r}")
    known = ("tier:", "eni-", "i-", "subnet-", "vpc-", "arn:")
    if lowered == "all" or lowered.startswith(known):
        return text
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise IntentError(
            f"{where}: {text!r} is not a CIDR, ENI, instance, subnet, VPC, tier:NAME or 'all'"
        ) from None
    return text


def _allowed(value: Any, where: str) -> tuple[str, ...]:
    items: Sequence[Any] = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        text = str(item).strip()
        if text.startswith("pl-"):
            out.append(text)
            continue
        try:
            ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise IntentError(f"{where}: {text!r} is not a CIDR or a prefix-list id (pl-...)") from None
        out.append(text)
    return tuple(out)
