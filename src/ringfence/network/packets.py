"""Sets of packets as the search carries them: boxes of (source, destination, source port, port).

A `Piece` is a box of packets that have taken the same hops so far. Every decision looks at one
field (a route at the destination, an inbound NACL rule at the source and the port, ...) and splits
the box along it, so a piece stays a product of four sets. Beside the current box, a piece keeps
`orig`: the same packets in the request's original coordinates (before NAT, and before the swap of
the reply), and `link`, which field of `orig` each current field still equals. A translated field
(a NAT gateway's address, a public IP) is linked to nothing; decisions on it keep or drop the piece
whole, which is exact because the translation maps the whole set to one value.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ringfence.network.addresses import IntervalSet
from ringfence.network.explain import Hop
from ringfence.network.topology import Group, SubnetInfo, VpcInfo

SRC, DST, SPORT, DPORT = 0, 1, 2, 3
Box = tuple[IntervalSet, IntervalSet, IntervalSet, IntervalSet]
Link = tuple[int | None, int | None, int | None, int | None]
IDENTITY: Link = (SRC, DST, SPORT, DPORT)
Mapping1 = dict[int, int] | None
Maps = tuple[Mapping1, Mapping1, Mapping1, Mapping1]
NO_MAPS: Maps = (None, None, None, None)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where the request starts: ENIs of a subnet, or the internet / on-premises (with the gateway
    it came in by, once known)."""

    kind: str  # subnet | internet | on-premises
    subnet: SubnetInfo | None = None
    gateway: str | None = None
    vpc: VpcInfo | None = None


@dataclass(frozen=True, slots=True)
class Exit:
    """Where the request reached its destination; the reply starts there."""

    kind: str  # eni | internet | on-premises | service
    group: Group | None = None
    gateway: str | None = None  # igw/eigw, vgw or TGW attachment, gateway endpoint
    vpc: VpcInfo | None = None
    tgw: str | None = None
    service: str | None = None
    addresses: IntervalSet | None = None  # the destination addresses as delivered (ENI exits)
    peer_vpc: str | None = None  # for the source's egress rules that name a group


@dataclass(frozen=True, slots=True)
class NatRecord:
    nat: str
    src: IntervalSet
    src_link: int | None
    sport: IntervalSet
    sport_link: int | None
    src_map: dict[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Ctx:
    origin: Origin
    leg: str = "request"
    exit: Exit | None = None
    nats: tuple[NatRecord, ...] = ()
    visited: frozenset[str] = frozenset()
    ref_ok: bool = True  # group references still apply (no transit gateway without referencing)
    unknown: bool = False  # passed a hop whose verdict is unknown
    az: tuple[str, str] | None = None  # (account, AZ name) where the packet entered a transit gateway
    outbound_gateways: tuple[str, ...] = ()  # internet gateways the request left by
    mapped_by: str | None = None  # the internet gateway that maps the (untranslated) source set 1:1
    depth: int = 0


@dataclass(frozen=True, slots=True)
class Piece:
    box: Box
    orig: Box
    link: Link
    hops: tuple[Hop, ...]
    ctx: Ctx
    maps: Maps = NO_MAPS  # per field: current value -> original value, for 1:1 translations

    def untranslated(self, field: int) -> bool:
        """Whether `field` still holds the original values (not a NAT's or a public address)."""
        return self.link[field] is not None and self.maps[field] is None

    def narrow(self, field: int, subset: IntervalSet) -> Piece | None:
        """The packets of this piece whose `field` lies in `subset` (None if there are none)."""
        part = self.box[field] & subset
        return self.restrict(field, part) if part else None

    def restrict(self, field: int, part: IntervalSet) -> Piece:
        """The packets whose `field` lies in `part`, a non-empty subset of the field's values (as a
        split of it yields)."""
        current = self.box[field]
        if part is current or part == current:
            return self
        box = _set(self.box, field, part)
        target = self.link[field]
        mapping = self.maps[field]
        if target is None:
            orig = self.orig
        elif mapping is None:
            orig = _set(self.orig, target, part)  # an untranslated field equals its original
        else:
            values = IntervalSet(
                (mapping[v], mapping[v] + 1) for lo, hi in part for v in range(lo, hi) if v in mapping
            )
            orig = _set(self.orig, target, self.orig[target] & values)
        return Piece(box, orig, self.link, self.hops, self.ctx, self.maps)

    def translate(self, field: int, value: IntervalSet) -> Piece:
        """Rewrite `field` many-to-one (NAT): it no longer stands for anything in the original."""
        link = list(self.link)
        link[field] = None
        maps = list(self.maps)
        maps[field] = None
        return Piece(_set(self.box, field, value), self.orig, _link(link), self.hops, self.ctx, _maps(maps))

    def translate_one_to_one(self, field: int, mapping: dict[int, int]) -> Piece:
        """Rewrite `field` address by address (an internet gateway's public <-> private mapping);
        `mapping` sends each new value to the value it replaces."""
        if self.link[field] is None or self.maps[field] is not None:
            return self.translate(field, IntervalSet((v, v + 1) for v in mapping))
        maps = list(self.maps)
        maps[field] = mapping
        return Piece(
            _set(self.box, field, IntervalSet((v, v + 1) for v in mapping)),
            self.orig,
            self.link,
            self.hops,
            self.ctx,
            _maps(maps),
        )

    def hop(self, hop: Hop) -> Piece:
        return Piece(self.box, self.orig, self.link, (*self.hops, hop), self.ctx, self.maps)

    def with_ctx(self, **changes: object) -> Piece:
        ctx = replace(self.ctx, **changes)  # type: ignore[arg-type]
        return Piece(self.box, self.orig, self.link, self.hops, ctx, self.maps)


def _set(box: Box, field: int, value: IntervalSet) -> Box:
    items = list(box)
    items[field] = value
    return (items[0], items[1], items[2], items[3])


def _link(items: list[int | None]) -> Link:
    return (items[0], items[1], items[2], items[3])


def _maps(items: list[Mapping1]) -> Maps:
    return (items[0], items[1], items[2], items[3])
