"""Nested stacks: an AWS::CloudFormation::Stack whose template is a local file (a TemplateURL that is a
relative path, as `aws cloudformation package` and `sam` read them, or a CDK assembly's
`aws:asset:path` metadata) is loaded with the parameters its parent passes, and its resources join
the parent's deployment, their ids prefixed with the nested stack's logical id ("Network/WebSG").

A template at an http(s)/S3 address, a missing file, a parse error, a circular chain (A nests B
nests A) or nesting deeper than MAX_NESTING leaves that nested stack unjudged, reported on the
parent's file; the rest of the run goes on.
"""

from __future__ import annotations

import os
from typing import Any

from ringfence.sources.iac.loader import Document, LoadError
from ringfence.sources.iac.template import DeployContext, Stack
from ringfence.sources.iac.values import CIRCULAR, EXTERNAL, INVALID, Symbolic, Unknown, as_map, scalar_text

MAX_NESTING = 16


class DocumentCache:
    """Parsed templates by real path, each read once however many stacks use it."""

    def __init__(self, read: Any) -> None:
        self._read = read  # (real_path) -> Document, raising LoadError
        self._documents: dict[str, Document | LoadError] = {}

    def get(self, real_path: str) -> Document:
        if real_path not in self._documents:
            try:
                self._documents[real_path] = self._read(real_path)
            except LoadError as exc:
                self._documents[real_path] = exc
        found = self._documents[real_path]
        if isinstance(found, LoadError):
            raise found
        return found


def make_loader(cache: DocumentCache, taken: set[str] | None = None) -> Any:
    """The nested-stack loader of one deployment unit; `taken` collects the real paths of the
    nested templates it loads."""

    def load(parent: Stack, logical_id: str) -> Stack | Unknown:
        raw = parent.resources[logical_id]
        properties = as_map(raw.get("Properties"))
        where = _local_template(parent, raw, properties)
        if isinstance(where, Unknown):
            return where
        shown, real = where
        if real in parent.chain:
            chain = " -> ".join(os.path.relpath(p) for p in (*parent.chain, real))
            return Unknown(f"circular nested stacks: {chain}", CIRCULAR, logical_id)
        if len(parent.chain) >= MAX_NESTING:
            return Unknown(f"nested more than {MAX_NESTING} stacks deep", INVALID, logical_id)
        try:
            document = cache.get(real)
        except LoadError as exc:
            return Unknown(f"{shown}: {exc}", INVALID, logical_id)
        problem = template_problem(document.data)
        if problem:
            return Unknown(f"{shown}: {problem}", INVALID, logical_id)
        if taken is not None:
            taken.add(real)
        given = parent.resolve(properties.get("Parameters"))
        if isinstance(given, Unknown | Symbolic):
            return Unknown(
                f"its Parameters are not knowable: {given.reason}",
                given.cause if isinstance(given, Unknown) else EXTERNAL,
                logical_id,
            )
        return Stack(
            document,
            file=shown,
            real_path=real,
            context=DeployContext(parent.context.region, parent.context.account),
            prefix=f"{parent.prefix}{logical_id}/",
            given=given if isinstance(given, dict) else {},
            chain=parent.chain,
            nested_path=f"{parent.nested_path}/{logical_id}" if parent.nested_path else logical_id,
            children=load,
        )

    return load


def _local_template(
    parent: Stack, raw: dict[str, Any], properties: dict[str, Any]
) -> tuple[str, str] | Unknown:
    """(the path to show, the real path) of the nested template, or why it is not a local file."""
    metadata = as_map(raw.get("Metadata"))
    asset = metadata.get("aws:asset:path")
    if isinstance(asset, str) and metadata.get("aws:asset:property", "TemplateURL") == "TemplateURL":
        relative = asset
    else:
        url = parent.resolve(properties.get("TemplateURL"))
        text = scalar_text(url)
        if text is None:
            why = url.reason if isinstance(url, Unknown | Symbolic) else "not stated"
            return Unknown(
                f"its TemplateURL is not knowable ({why}): its resources are not judged",
                EXTERNAL,
                "TemplateURL",
            )
        if "://" in text:
            return Unknown(
                f"its template is at {text}, not a local file: its resources are not judged", EXTERNAL, text
            )
        relative = text
    shown = os.path.normpath(os.path.join(os.path.dirname(parent.file), relative))
    real = os.path.realpath(os.path.join(os.path.dirname(parent.real_path), relative))
    return shown, real


def template_problem(data: Any) -> str | None:
    """Why `data` is not a plain CloudFormation template we can judge; None when it is."""
    if not isinstance(data, dict):
        return "not a CloudFormation template (no top-level map)"
    resources = data.get("Resources")
    if not isinstance(resources, dict):
        return "not a CloudFormation template: Resources is not a map"
    for name, body in resources.items():
        if name.startswith("Fn::ForEach::"):
            continue
        if not isinstance(body, dict):
            return f"resource {name} is not a map"
        kind = body.get("Type")
        if isinstance(kind, dict):
            return (
                f"resource {name} has a Type that is a map, not a CloudFormation type name "
                "(a Rain module or another tool's template; not plain CloudFormation)"
            )
        if not isinstance(kind, str):
            return f"resource {name} has no Type"
    return None
