"""One module per AWS service; each registers its collectors with @collector."""

from __future__ import annotations

import importlib
import pkgutil

_LOADED = False


def load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    _LOADED = True
