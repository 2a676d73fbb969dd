"""What a query names as its source or destination, resolved against the topology.

An endpoint is written as: an ENI id (eni-...), an instance (i-...), a subnet (subnet-...), a VPC
(vpc-...), a tier (tier:data), every ENI (all), a CIDR or an address, `internet`, `on-premises`, or
a VPC endpoint service (service:s3, com.amazonaws.eu-west-1.ssm, or an endpoint id vpce-...).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from ringfence.model.network import NetworkInterface
from ringfence.network.addresses import (
    ALL_ADDRESSES,
    EMPTY,
    INTERNET,
    IntervalSet,
    cidr_set,
)
from ringfence.network.topology import Topology

INTERNET_WORDS = ("internet",)
ON_PREMISES_WORDS = ("on-premises", "onprem", "on-prem", "on_premises")


class EndpointError(ValueError):
    """A query endpoint that does not name anything in the scan; the message is one sentence."""


@dataclass(frozen=True)
class Endpoint:
    text: str
    kind: str  # enis | internet | on-premises | cidr | service
    enis: tuple[NetworkInterface, ...] = ()
    limit: IntervalSet = ALL_ADDRESSES  # addresses of the ENIs that count (a CIDR narrows it)
    outside: IntervalSet = EMPTY  # addresses outside every VPC of the scan (CIDR endpoints)
    gateways: IntervalSet = EMPTY  # public addresses of NAT gateways a CIDR endpoint covers
    unheld: IntervalSet = EMPTY  # addresses inside VPCs that no ENI of the scan holds (CIDR endpoints)
    services: frozenset[str] = frozenset()
    probe: IntervalSet = (
        EMPTY  # service endpoints with unknown addresses: sent towards, counted only at the endpoint
    )
    notes: tuple[str, ...] = field(default=())

    @property
    def is_internal(self) -> bool:
        return bool(self.enis)

    @property
    def elsewhere(self) -> IntervalSet:
        """The addresses the endpoint names that no ENI of the scan holds."""
        return self.outside | self.probe | self.gateways | self.unheld


def parse_endpoint(topology: Topology, text: str) -> Endpoint:
    raw = text.strip()
    word = raw.lower()
    if not raw:
        raise EndpointError("an empty source or destination was given")
    if word in INTERNET_WORDS:
        return Endpoint(raw, "internet", outside=INTERNET)
    if word in ON_PREMISES_WORDS:
        return Endpoint(raw, "on-premises", outside=ALL_ADDRESSES)
    if word == "all":
        return Endpoint(raw, "enis", enis=_all_enis(topology))
    if word.startswith("tier:"):
        tier = word.split(":", 1)[1].strip()
        enis = tuple(
            eni for subnet in topology.subnets_of_tier(tier) for group in subnet.groups for eni in group.enis
        )
        if not enis:
            raise EndpointError(f"no network interface is in a subnet of tier {tier!r}")
        return Endpoint(raw, "enis", enis=enis)
    if word.startswith("service:") or word.startswith("com.amazonaws.") or word.startswith("vpce-"):
        return _service(topology, raw)
    if raw.startswith("arn:"):
        resource = topology.inventory.by_arn(raw)
        if resource is None:
            raise EndpointError(f"{raw} is not in the scan")
        raw_id = resource.native_id
    else:
        raw_id = raw
    if raw_id.startswith("eni-"):
        entry = topology.enis.get(raw_id)
        if entry is None or entry[1] is None:
            raise EndpointError(
                f"the network interface {raw_id} is not in the scan (or belongs to a gateway)"
            )
        return Endpoint(raw, "enis", enis=(entry[0],))
    if raw_id.startswith("i-"):
        eni_ids = topology.instances.get(raw_id, [])
        enis = tuple(
            topology.enis[e][0] for e in eni_ids if topology.enis.get(e, (None, None))[1] is not None
        )
        if not enis:
            raise EndpointError(f"the instance {raw_id} has no network interface in the scan")
        return Endpoint(raw, "enis", enis=enis)
    if raw_id.startswith("subnet-"):
        subnet = topology.subnets.get(raw_id)
        if subnet is None:
            raise EndpointError(f"the subnet {raw_id} is not in the scan")
        enis = tuple(eni for group in subnet.groups for eni in group.enis)
        if not enis:
            raise EndpointError(f"the subnet {raw_id} has no network interface")
        return Endpoint(raw, "enis", enis=enis)
    if raw_id.startswith("vpc-"):
        vpc = topology.vpcs.get(raw_id)
        if vpc is None:
            raise EndpointError(f"the VPC {raw_id} is not in the scan")
        enis = tuple(eni for subnet in vpc.subnets for group in subnet.groups for eni in group.enis)
        if not enis:
            raise EndpointError(f"the VPC {raw_id} has no network interface")
        return Endpoint(raw, "enis", enis=enis)
    return _cidr(topology, raw)


def _all_enis(topology: Topology) -> tuple[NetworkInterface, ...]:
    return tuple(eni for group in topology.groups for eni in group.enis)


def _cidr(topology: Topology, raw: str) -> Endpoint:
    try:
        ipaddress.ip_network(raw, strict=False)
    except ValueError:
        raise EndpointError(
            f"{raw!r} is not an ENI, instance, subnet, VPC, tier:NAME, service:NAME, CIDR, 'internet' or 'on-premises'"
        ) from None
    addresses = cidr_set(raw)
    inside = EMPTY
    public = EMPTY
    for vpc in topology.vpcs.values():
        inside = inside | (vpc.addresses & addresses)
        public = public | (vpc.public_addresses & addresses)
    enis = tuple(
        eni
        for group in topology.groups
        for eni, own in group.eni_addresses
        if own & addresses or topology.public_of_eni(eni.native_id) & addresses
    )
    held = IntervalSet(span for eni in enis for span in topology.public_of_eni(eni.native_id).intervals)
    private = IntervalSet(span for eni in enis for span in topology.addresses_of[eni.native_id].intervals)
    return Endpoint(
        raw,
        "cidr",
        enis=enis,
        limit=addresses,
        outside=addresses - inside - public,
        gateways=public - held,
        unheld=inside - private,
    )


def _service(topology: Topology, raw: str) -> Endpoint:
    word = raw.lower()
    if word.startswith("vpce-"):
        endpoint = topology.endpoints.get(raw)
        if endpoint is None:
            raise EndpointError(f"the VPC endpoint {raw} is not in the scan")
        name = endpoint.service_name
    else:
        name = word.split(":", 1)[1].strip() if word.startswith("service:") else word
    if not name:
        raise EndpointError("service: needs a service name, such as service:s3")
    matches = frozenset(
        ep.service_name
        for ep in topology.endpoints.values()
        if ep.service_name == name or ep.service_name.endswith("." + name)
    )
    enis = tuple(
        eni for group in topology.groups if group.service and group.service in matches for eni in group.enis
    )
    notes: list[str] = []
    outside = EMPTY
    prefix_lists = [
        pl for pl in topology.prefix_lists.values() if pl.name == name or pl.name.endswith("." + name)
    ]
    for pl in prefix_lists:
        found = topology.prefix_list_addresses(pl.native_id)
        if found is None:
            notes.append(f"the entries of {pl.native_id} ({pl.name}) are not in the scan")
        else:
            outside = outside | found
    gateway_services = {
        ep.service_name
        for ep in topology.endpoints.values()
        if ep.service_name in matches and ep.endpoint_type.lower() == "gateway"
    }
    probe = EMPTY
    if gateway_services and not outside:
        probe = INTERNET
        notes.append(
            f"the addresses of {name} are not known (its AWS-managed prefix list is not in the scan): "
            "only traffic routed to its gateway endpoint counts, and the answer cannot be definite"
        )
    if not enis and not matches and not outside:
        raise EndpointError(f"no VPC endpoint or prefix list for the service {name!r} is in the scan")
    return Endpoint(
        raw,
        "service",
        enis=enis,
        outside=outside,
        services=frozenset(matches) | {name},
        probe=probe,
        notes=tuple(notes),
    )
