"""Helpers shared by the probe tests (uniquely named: test modules import it, never conftest)."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from probe_pki import NOW, Issued, make_leaf

from ringfence.probe.command import add_probe_parser


@dataclass(frozen=True)
class Pki:
    """Files of a small PKI: root -> intermediate -> server leaves; a client CA and client cert."""

    dir: Path
    root: Issued
    intermediate: Issued
    root_pem: Path
    rsa: tuple[Path, Path]  # RSA leaf (localhost, 127.0.0.1) + intermediate
    ecdsa: tuple[Path, Path]  # ECDSA leaf + intermediate
    client_ca_pem: Path
    client: tuple[Path, Path]  # a client certificate the client CA issued


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def doc(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.out)
        return parsed

    def endpoint(self, index: int = 0) -> dict[str, Any]:
        endpoint: dict[str, Any] = self.doc["endpoints"][index]
        return endpoint

    def status(self, control_id: str, resource_id: str | None = None) -> str:
        found = [
            f["status"]
            for f in self.doc["findings"]
            if f["control_id"] == control_id and (resource_id is None or f["resource_id"] == resource_id)
        ]
        assert len(found) == 1, f"{control_id} findings: {found}"
        return str(found[0])

    def finding(self, control_id: str) -> dict[str, Any]:
        found: list[dict[str, Any]] = [f for f in self.doc["findings"] if f["control_id"] == control_id]
        assert len(found) == 1
        return found[0]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ringfence")
    add_probe_parser(parser.add_subparsers(dest="command"))
    return parser


def expired(issuer: Issued) -> Issued:
    return make_leaf(issuer, not_before=NOW - timedelta(days=30), not_after=NOW - timedelta(days=1))
