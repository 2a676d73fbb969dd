"""Checks: pure functions of the inventory, one module per control, registered by decorator.

A control's module is named after its id (ENC-01 -> enc_01.py); shared helpers live in modules
whose names are not of that form.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

CONTROL_MODULE = re.compile(r"^[a-z0-9]+_\d{2}$")
_LOADED = False


def load_all() -> None:
    """Import every control module of this package so its @register runs (once)."""
    global _LOADED
    if _LOADED:
        return
    for info in pkgutil.iter_modules(__path__):
        if CONTROL_MODULE.match(info.name):
            importlib.import_module(f"{__name__}.{info.name}")
    _LOADED = True
