"""Which files to read: the paths given, directories walked (sorted, hidden and tool directories
left out), a CDK cloud assembly taken whole wherever a directory holds its manifest.json.

A file named on the command line is always read; in a walked directory only the suffixes IaC
uses are, and the rest are counted by suffix so the summary can say what was left alone.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field

from ringfence.sources.iac.cdk import MANIFEST, is_manifest

CANDIDATE_SUFFIXES = (".json", ".yaml", ".yml", ".template", ".cfn")
SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".terraform",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".idea",
        ".vscode",
    }
)
_MANIFEST_PEEK = 1024 * 1024


@dataclass(frozen=True)
class Input:
    shown: str  # as the user would write it: under the path they gave
    real: str
    kind: str  # "file" | "assembly"
    explicit: bool = False


@dataclass
class Discovery:
    inputs: list[Input] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    ignored: Counter[str] = field(default_factory=Counter)  # files not read in walked directories, by suffix


def discover(paths: list[str]) -> Discovery:
    found = Discovery()
    seen: set[str] = set()

    def add(item: Input) -> None:
        if item.real not in seen:
            seen.add(item.real)
            found.inputs.append(item)

    for path in paths:
        if os.path.isdir(path):
            _walk(path, add, found)
        elif os.path.isfile(path):
            directory = os.path.dirname(path) or "."
            if os.path.basename(path) == MANIFEST and is_assembly(directory):
                add(Input(directory, os.path.realpath(directory), "assembly", explicit=True))
            else:
                add(Input(path, os.path.realpath(path), "file", explicit=True))
        else:
            found.missing.append(path)
    return found


def _walk(root: str, add: object, found: Discovery) -> None:
    assert callable(add)
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(
            d for d in subdirectories if d not in SKIPPED_DIRECTORIES and not d.startswith(".")
        )
        if MANIFEST in files and is_assembly(directory):
            add(Input(directory, os.path.realpath(directory), "assembly"))
            subdirectories[:] = []
            continue
        for name in sorted(files):
            path = os.path.join(directory, name)
            if name.lower().endswith(CANDIDATE_SUFFIXES):
                add(Input(path, os.path.realpath(path), "file"))
            else:
                found.ignored[os.path.splitext(name)[1].lower() or "(no suffix)"] += 1


def is_assembly(directory: str) -> bool:
    """Whether `directory` holds a CDK cloud assembly (its manifest.json lists artifacts)."""
    path = os.path.join(directory, MANIFEST)
    try:
        if os.path.getsize(path) > _MANIFEST_PEEK * 64:
            return False
        with open(path, encoding="utf-8") as handle:
            return is_manifest(json.load(handle))
    except (OSError, ValueError, RecursionError):
        return False
