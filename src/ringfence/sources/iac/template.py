"""One CloudFormation template being resolved: its parameters, conditions, mappings, resources
(Fn::ForEach loops expanded) and, through the nested-stack loader, its children.

A Stack is the resolver's scope (intrinsics.Scope). Parameters take, in order, the value given
(`--parameters`, or the parent stack's Parameters property for a nested stack), the Default, or
else stay Unknown. Pseudo parameters are known only where the user said (`--region`,
`--account`) or a CDK assembly's environment does; otherwise they are Symbolic: their shape is
known (they never equal "*"), their text is not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ringfence.sources.iac import intrinsics
from ringfence.sources.iac.loader import Document
from ringfence.sources.iac.values import (
    DEPLOY,
    EXTERNAL,
    INVALID,
    NO_VALUE,
    PARAMETER,
    SSM,
    ResourceRef,
    Symbolic,
    Unknown,
    scalar_text,
)

NESTED_STACK = "AWS::CloudFormation::Stack"
# GetAtt attributes that are a property of the resource, so knowable from the template.
_ATTRIBUTE_PROPERTIES = {
    ("AWS::EC2::VPC", "CidrBlock"): "CidrBlock",
    ("AWS::EC2::Subnet", "VpcId"): "VpcId",
    ("AWS::EC2::Subnet", "CidrBlock"): "CidrBlock",
    ("AWS::EC2::Subnet", "AvailabilityZone"): "AvailabilityZone",
    ("AWS::EC2::SecurityGroup", "VpcId"): "VpcId",
    ("AWS::KMS::Alias", "AliasName"): "AliasName",
}
_PARTITIONS = (("cn-", "aws-cn", "amazonaws.com.cn"), ("us-gov-", "aws-us-gov", "amazonaws.com"))


@dataclass(frozen=True)
class DeployContext:
    """What is known of where the template deploys; None: not known."""

    region: str | None = None
    account: str | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)  # the user's values, top-level only


# A nested stack loader: (parent, logical id of the AWS::CloudFormation::Stack) -> the child, or an
# Unknown saying why it cannot be read. Provided by nested.py.
ChildLoader = Callable[["Stack", str], "Stack | Unknown"]


class Stack:
    def __init__(
        self,
        document: Document,
        *,
        file: str,
        real_path: str,
        context: DeployContext,
        prefix: str = "",
        given: Mapping[str, Any] | None = None,
        chain: tuple[str, ...] = (),
        nested_path: str | None = None,
        children: ChildLoader | None = None,
    ) -> None:
        data = document.data
        self.file = file  # as the user named it (relative paths stay relative)
        self.real_path = real_path
        self.context = context
        self.prefix = prefix
        self.chain = (*chain, real_path)  # the files from the top stack down to this one
        self.nested_path = nested_path  # logical ids of the nested stacks above, "Net/Db"
        self.lines = document.lines
        self.transforms = _transforms(data.get("Transform"))
        self.problems: list[str] = []  # template-level defects that leave part of it unjudged
        self.mappings: Mapping[str, Any] = data.get("Mappings") or {}
        self._conditions_raw: Mapping[str, Any] = data.get("Conditions") or {}
        self._conditions: dict[str, bool | Unknown] = {}
        self._outputs: Mapping[str, Any] = data.get("Outputs") or {}
        self._resolving: set[str] = set()
        self._children_loader = children
        self._children: dict[str, Stack | Unknown] = {}
        inputs = given if given is not None else context.parameters
        self.params: dict[str, Any] = {
            name: _parameter(name, spec, inputs)
            for name, spec in (data.get("Parameters") or {}).items()
            if isinstance(spec, dict)
        }
        self.cdk_paths: Mapping[str, str] = {}  # logical id -> construct path (a CDK manifest's)
        self.origin: dict[str, str] = {}  # an expanded resource's loop key, for its line number
        self.resources: dict[str, Any] = self._expand(data.get("Resources") or {})

    # --- intrinsics.Scope -------------------------------------------------------------------------

    def pseudo(self, name: str) -> Any:
        region, account = self.context.region, self.context.account
        if name == "AWS::NoValue":
            return NO_VALUE
        if name == "AWS::Region" and region:
            return region
        if name == "AWS::AccountId" and account:
            return account
        if name in ("AWS::Partition", "AWS::URLSuffix") and region:
            partition, suffix = next(((p, s) for r, p, s in _PARTITIONS if region.startswith(r)), ("aws", ""))
            return partition if name == "AWS::Partition" else suffix or "amazonaws.com"
        hint = {"AWS::Region": " (--region sets it)", "AWS::AccountId": " (--account sets it)"}.get(name, "")
        return Symbolic(
            f"${{{name}}}",
            (Unknown(f"{name} is known only at deploy time{hint}", DEPLOY, name),),
        )

    def condition(self, name: str) -> bool | Unknown:
        if name in self._conditions:
            return self._conditions[name]
        if name not in self._conditions_raw:
            return Unknown(f"condition {name} is not defined", INVALID, name)
        key = f"Condition {name}"
        if key in self._resolving:
            return intrinsics.circular(key)
        self._resolving.add(key)
        try:
            result = intrinsics.evaluate_condition(self, self._conditions_raw[name])
        finally:
            self._resolving.discard(key)
        if isinstance(result, Unknown):
            result = Unknown(f"condition {name} is not knowable: {result.reason}", result.cause, name)
        self._conditions[name] = result
        return result

    def attribute(self, logical_id: str, attribute: str) -> Any:
        resource = self.resources.get(logical_id)
        rtype = resource.get("Type") if isinstance(resource, dict) else None
        if rtype == NESTED_STACK and attribute.startswith("Outputs."):
            return self.child_output(logical_id, attribute[len("Outputs.") :])
        prop = _ATTRIBUTE_PROPERTIES.get((str(rtype), attribute))
        if prop is not None and isinstance(resource, dict):
            key = f"{logical_id}.{attribute}"
            if key in self._resolving:
                return intrinsics.circular(key)
            self._resolving.add(key)
            try:
                value = self.resolve((resource.get("Properties") or {}).get(prop))
            finally:
                self._resolving.discard(key)
            if value is not None and value is not NO_VALUE:
                return value
        return ResourceRef(self.prefix + logical_id, attribute)

    # --- the rest of the template -------------------------------------------------------------------

    def resolve(self, value: Any) -> Any:
        return intrinsics.resolve(self, value)

    def line_of(self, logical_id: str) -> int | None:
        return self.lines.get(self.origin.get(logical_id, logical_id))

    def child(self, logical_id: str) -> Stack | Unknown:
        """The nested stack that resource `logical_id` deploys, loaded once."""
        if logical_id not in self._children:
            if self._children_loader is None:
                self._children[logical_id] = Unknown(
                    f"nested stack {logical_id} is not loaded", EXTERNAL, logical_id
                )
            else:
                key = f"Stack {logical_id}"
                if key in self._resolving:
                    return intrinsics.circular(key)
                self._resolving.add(key)
                try:
                    self._children[logical_id] = self._children_loader(self, logical_id)
                finally:
                    self._resolving.discard(key)
        return self._children[logical_id]

    def child_output(self, logical_id: str, output: str) -> Any:
        child = self.child(logical_id)
        if isinstance(child, Unknown):
            return Unknown(
                f"output {output} of nested stack {logical_id}: {child.reason}", child.cause, output
            )
        return child.output(output)

    def output(self, name: str) -> Any:
        spec = self._outputs.get(name)
        if not isinstance(spec, dict) or "Value" not in spec:
            return Unknown(f"the nested template has no output {name}", INVALID, name)
        key = f"Output {name}"
        if key in self._resolving:
            return intrinsics.circular(key)
        self._resolving.add(key)
        try:
            return self.resolve(spec["Value"])
        finally:
            self._resolving.discard(key)

    def _expand(self, resources: Any) -> dict[str, Any]:
        """The Resources map with Fn::ForEach loops (AWS::LanguageExtensions) unrolled."""
        out: dict[str, Any] = {}
        if not isinstance(resources, dict):
            return out
        for key, body in resources.items():
            if not key.startswith("Fn::ForEach::"):
                out[key] = body
                continue
            if not (isinstance(body, list) and len(body) == 3 and isinstance(body[0], str)):
                self.problems.append(f"{key} is malformed")
                continue
            identifier, collection, fragment = body
            items = self.resolve(collection)
            texts = [scalar_text(i) for i in items] if isinstance(items, list) else [None]
            if not isinstance(fragment, dict) or None in texts:
                why = items.reason if isinstance(items, Unknown | Symbolic) else "not a list of strings"
                self.problems.append(
                    f"{key}: the collection is not knowable ({why}); its resources are not judged"
                )
                continue
            for text in texts:
                assert text is not None
                unrolled = {
                    _substitute_key(k, identifier, text): _substitute(v, identifier, text)
                    for k, v in fragment.items()
                }
                for name, value in self._expand(unrolled).items():
                    out[name] = value
                    self.origin[name] = self.origin[key] if key in self.origin else str(key)
        return out


def _parameter(name: str, spec: Mapping[str, Any], given: Mapping[str, Any]) -> Any:
    ptype = str(spec.get("Type", "String"))
    if name in given:
        value = given[name]
    elif "Default" in spec:
        value = spec["Default"]
    else:
        return Unknown(
            f"parameter {name} has no Default and no value was given (--parameters)", PARAMETER, name
        )
    if ptype.startswith("AWS::SSM::Parameter::Value<"):
        return Unknown(
            f"parameter {name} is read from SSM Parameter Store ({value}) at deploy time", SSM, name
        )
    if isinstance(value, str) and (ptype == "CommaDelimitedList" or ptype.startswith("List<")):
        return [part.strip() for part in value.split(",")] if value else []
    return value


def _transforms(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value if isinstance(v, str))
    if isinstance(value, dict):
        return (f"{value.get('Name', '?')}",)
    return ()


def _substitute_key(key: str, identifier: str, value: str) -> str:
    alphanumeric = "".join(c for c in value if c.isalnum())
    return key.replace(f"${{{identifier}}}", value).replace(f"&{{{identifier}}}", alphanumeric)


def _substitute(node: Any, identifier: str, value: str) -> Any:
    if isinstance(node, dict):
        if node == {"Ref": identifier}:
            return value
        return {
            _substitute_key(k, identifier, value): _substitute(v, identifier, value) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_substitute(v, identifier, value) for v in node]
    if isinstance(node, str):
        return _substitute_key(node, identifier, value)
    return node
