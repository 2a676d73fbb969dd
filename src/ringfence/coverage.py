"""Which controls of the catalogue are implemented, in which modes, and how they are tested."""

from __future__ import annotations

from typing import Any

from ringfence.catalogue import load_catalogue
from ringfence.checks.registry import all_checks


def controls_rows() -> list[dict[str, Any]]:
    checks = all_checks()
    rows: list[dict[str, Any]] = []
    for control in load_catalogue().values():
        check = checks.get(control.id)
        meta = check.meta if check else None
        rows.append(
            {
                "id": control.id,
                "family": control.family,
                "title": control.title,
                "severity": (meta.severity if meta else control.severity).value,
                "where": list(control.where),
                "implemented": list(meta.modes) if meta else [],
                "missing": [w for w in control.where if not meta or w not in meta.modes],
                "tested_with": meta.tested_with if meta else None,
                "frameworks": (
                    {
                        "cis": list(meta.frameworks.cis),
                        "fsbp": list(meta.frameworks.fsbp),
                        "nist_800_53": list(meta.frameworks.nist_800_53),
                    }
                    if meta
                    else {}
                ),
                "params": control.params,
            }
        )
    return rows
