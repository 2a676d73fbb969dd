"""Reading IaC files safely: size limits, YAML with CloudFormation's short-form tags, line numbers.

Every input is untrusted text. A file over the size limit is refused before it is read (and never
read past the limit, so a device or a growing file cannot exhaust memory). YAML goes through
libyaml (CSafeLoader): only plain data and the CloudFormation tags are constructed. Two YAML
attacks are stopped before construction: an alias bomb ("billion laughs"), by counting the nodes
the document would expand to, and nesting so deep that libyaml's recursive composer would overflow
the C stack, by a cheap upper bound on the depth and an exact event count when the bound is high.
JSON nesting is bounded by the interpreter's recursion limit, which json honours.

Line numbers: findings point at the line of a resource's logical id in the top-level `Resources`
map. YAML gives them from the node marks; JSON from a walk of the top two levels that decodes each
value with the C decoder (one parse, not two).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

DEFAULT_MAX_BYTES = 32 * 1024 * 1024  # a large Terraform plan; CloudFormation's own limit is 1 MB
MAX_YAML_BYTES = 8 * 1024 * 1024  # YAML is reserved for templates: 8x CloudFormation's 1 MB limit
MAX_EXPANDED_NODES = 500_000  # what a document may expand to through its aliases
MAX_ALIASES = 10_000
MAX_DEPTH = 200  # no template nests anywhere near this deep
_FAST_DEPTH_BOUND = 5_000  # libyaml's composer is safe well beyond this (it overflows near 30,000)

_ANCHOR = re.compile(r"(?:^|[\s\[{,:\-])&[^\s\[\]{},]")
_WS = re.compile(r"[ \t\n\r]*")


class LoadError(Exception):
    """The file cannot be read as data; the message says why, in one sentence."""


class NotData(LoadError):
    """Readable, but not a single data document (a multi-document YAML stream)."""


@dataclass(frozen=True, slots=True)
class Document:
    data: Any
    fmt: str  # "json" | "yaml"
    # 1-based line of each key of the top-level Resources map
    lines: Mapping[str, int] = field(default_factory=dict)


def read_text(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The file's text (UTF-8, a BOM allowed), refusing anything larger than `max_bytes`."""
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            raise LoadError(f"the file is {_mib(size)}, over the {_mib(max_bytes)} limit (--max-file-size)")
        with open(path, "rb") as handle:
            # Asking for max_bytes would allocate that much for every file: ask for what stat said,
            # and only read on (up to the limit) if the file has grown since.
            raw = handle.read(min(size, max_bytes) + 1)
            if len(raw) > size:
                raw += handle.read(max_bytes + 1 - len(raw))
    except OSError as exc:
        raise LoadError(f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:
        raise LoadError(f"the file is larger than the {_mib(max_bytes)} limit (--max-file-size)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not UTF-8 text (byte {exc.start}: {exc.reason})") from None


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MiB"


def parse(text: str, fmt: str) -> Document:
    """Parse `text` as "json" or "yaml"; raises LoadError with the line and what is wrong."""
    return parse_json(text) if fmt == "json" else parse_yaml(text)


# --- JSON ---------------------------------------------------------------------------------------

_DECODER = json.JSONDecoder()


def parse_json(text: str) -> Document:
    try:
        start = _WS.match(text, 0).end()  # type: ignore[union-attr]
        if text[start : start + 1] == "{":
            data, end, lines = _walk_object(text, start, top=True)
            end = _WS.match(text, end).end()  # type: ignore[union-attr]
            if end != len(text):
                raise json.JSONDecodeError("Extra data", text, end)
            return Document(data, "json", lines)
        return Document(_DECODER.decode(text), "json")
    except json.JSONDecodeError as exc:
        raise LoadError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise LoadError("invalid JSON: nested too deeply") from None


def _walk_object(s: str, idx: int, *, top: bool) -> tuple[dict[str, Any], int, dict[str, int]]:
    """Decode the object at s[idx] == "{". At the top level, the Resources object is walked the same
    way to learn where each of its keys is; every other value goes to the C decoder."""
    obj: dict[str, Any] = {}
    lines: dict[str, int] = {}
    line, counted = 1, 0
    idx = _WS.match(s, idx + 1).end()  # type: ignore[union-attr]
    if s[idx : idx + 1] == "}":
        return obj, idx + 1, lines
    while True:
        if s[idx : idx + 1] != '"':
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes", s, idx)
        key_at = idx
        key, idx = scanstring(s, idx + 1)
        idx = _WS.match(s, idx).end()  # type: ignore[union-attr]
        if s[idx : idx + 1] != ":":
            raise json.JSONDecodeError("Expecting ':' delimiter", s, idx)
        idx = _WS.match(s, idx + 1).end()  # type: ignore[union-attr]
        if not top:
            line += s.count("\n", counted, key_at)
            counted = key_at
            lines[key] = line
        if top and key == "Resources" and s[idx : idx + 1] == "{":
            value, idx, lines = _walk_object(s, idx, top=False)
        else:
            value, idx = _DECODER.raw_decode(s, idx)
        obj[key] = value
        idx = _WS.match(s, idx).end()  # type: ignore[union-attr]
        char = s[idx : idx + 1]
        if char == ",":
            idx = _WS.match(s, idx + 1).end()  # type: ignore[union-attr]
            continue
        if char == "}":
            return obj, idx + 1, lines
        raise json.JSONDecodeError("Expecting ',' or '}' delimiter", s, idx)


# --- YAML ---------------------------------------------------------------------------------------


_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"


class _CfnLoader(yaml.CSafeLoader):
    """libyaml with CloudFormation's short-form tags, and no timestamps: an unquoted policy
    `Version: 2012-10-17` stays the string CloudFormation sees, not a datetime.date.

    Tag resolution is called from libyaml's composer for every scalar; this one does what
    PyYAML's does for a loader without path resolvers, with less work per call."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        return str(tag)
            return _STR
        return _SEQ if kind is SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


_IMPLICIT = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}
_CfnLoader.yaml_implicit_resolvers = _IMPLICIT


class _Builder:
    """Composed nodes -> data: plain values and CloudFormation tags, with merge keys and aliases.
    Several times faster than PyYAML's generic constructor, which keeps state for recursive
    objects and runs a generator per collection; a node shared through an alias is built once."""

    def __init__(self, loader: _CfnLoader, shared: bool) -> None:
        self.loader = loader
        self.memo: dict[int, Any] | None = {} if shared else None

    def build(self, node: Node) -> Any:
        memo = self.memo
        if memo is not None and id(node) in memo:
            return memo[id(node)]
        kind = node.__class__
        tag = node.tag
        if kind is ScalarNode and tag == _STR:
            return node.value
        if tag.startswith("!"):
            value: Any = self._tag(node)
        elif tag == _MAP and kind is MappingNode:
            value = self._mapping(node)
        elif tag == _SEQ and kind is SequenceNode:
            value = [self.build(child) for child in node.value]
        else:
            constructor = self.loader.yaml_constructors.get(tag)
            if constructor is None:
                raise LoadError(f"the tag {tag} at line {node.start_mark.line + 1} is not allowed")
            value = constructor(self.loader, node)
        if memo is not None:
            memo[id(node)] = value
        return value

    def _mapping(self, node: Node) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        merges: list[Any] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged = self.build(value_node)
                merges += merged if isinstance(merged, list) else [merged]
                continue
            key = self.build(key_node)
            try:
                out[key] = self.build(value_node)
            except TypeError:
                raise LoadError(
                    f"a mapping key at line {key_node.start_mark.line + 1} is not a scalar"
                ) from None
        for source in merges:
            if not isinstance(source, dict):
                raise LoadError(f"a merge key at line {node.start_mark.line + 1} does not merge a mapping")
            for key, value in source.items():
                out.setdefault(key, value)
        return out

    def _tag(self, node: Node) -> dict[str, Any]:
        """`!Ref X` -> {"Ref": X}, `!Condition X` -> {"Condition": X}, `!Sub ...` -> {"Fn::Sub": ...}.
        Any other `!Name` becomes {"Fn::Name": ...}; the resolver says which it does not know."""
        suffix = node.tag[1:]
        name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
        if node.__class__ is ScalarNode:
            return {name: node.value}
        if node.__class__ is SequenceNode:
            return {name: [self.build(child) for child in node.value]}
        return {name: self._mapping(node)}


def parse_yaml(text: str) -> Document:
    if _depth_bound(text) > _FAST_DEPTH_BOUND:
        _check_depth_exactly(text)
    loader = _CfnLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(None, "yaml")
        shared = "&" in text and _ANCHOR.search(text) is not None
        if shared:
            _check_expansion(node)
        lines = _yaml_resource_lines(node)
        return Document(_Builder(loader, shared).build(node), "yaml", lines)
    except yaml.MarkedYAMLError as exc:
        if "expected a single document" in f"{exc.problem} {exc.context}":
            raise NotData("a YAML stream of several documents, not one template") from None
        raise LoadError(
            f"invalid YAML{_where(exc)}: {exc.problem or exc.context or 'syntax error'}"
        ) from None
    except yaml.YAMLError as exc:
        raise LoadError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise LoadError(f"invalid YAML: nested more than {MAX_DEPTH} levels deep") from None
    finally:
        loader.dispose()


def _where(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    return f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""


def _depth_bound(text: str) -> int:
    """An upper bound on the nesting depth that libyaml's composer could reach, from C-speed counts:
    a flow collection nests once per bracket, a compact block collection once per `- ` or `? `
    indicator; indentation alone cannot nest deeper than a few thousand levels within the size
    limit, and libyaml survives that."""
    indicators = sum(text.count(s) for s in ("[", "{", "- ", "-\t", "? ", "?\t"))
    return indicators + 500


def _check_depth_exactly(text: str) -> None:
    """Count the real depth with libyaml's event parser, which keeps its own stack (no recursion)."""
    depth = 0
    loader = _CfnLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise LoadError(f"nested more than {MAX_DEPTH} levels deep (refused)")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        raise LoadError(f"invalid YAML{_where(exc)}: {exc.problem or 'syntax error'}") from None
    finally:
        loader.dispose()


def _check_expansion(root: Node) -> None:
    """Refuse a document whose aliases expand it beyond MAX_EXPANDED_NODES (a "billion laughs")."""
    sizes: dict[int, int] = {}
    aliases = 0
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            total = 1
            for child in _children(node):
                total += sizes[id(child)]
            if total > MAX_EXPANDED_NODES:
                raise LoadError(
                    f"its aliases expand it beyond {MAX_EXPANDED_NODES:,} nodes (a YAML bomb; refused)"
                )
            sizes[key] = total
            continue
        if key in sizes:
            if sizes[key] == 0:
                raise LoadError("a YAML alias refers to a node that contains it (refused)")
            aliases += 1
            if aliases > MAX_ALIASES:
                raise LoadError(f"more than {MAX_ALIASES:,} YAML aliases (refused)")
            continue
        sizes[key] = 0  # in progress: a recursive alias counts as its own size so far
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _yaml_resource_lines(root: Node) -> dict[str, int]:
    if not isinstance(root, MappingNode):
        return {}
    for key, value in root.value:
        if isinstance(key, ScalarNode) and key.value == "Resources" and isinstance(value, MappingNode):
            return {str(k.value): k.start_mark.line + 1 for k, _ in value.value if isinstance(k, ScalarNode)}
    return {}
