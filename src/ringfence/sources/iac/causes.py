"""Why an IaC finding is UNKNOWN, as a short cause, from the fixed phrasing of the reasons the
resolver, the mappers and the checks write. The benchmark and the summary count UNKNOWNs by it: a
cause such as "not supported by the resolver" is a gap to close, the others are facts the files do
not hold."""

from __future__ import annotations

import re

RESOLVER_GAP = "not supported by the resolver (a gap to close)"
CAUSES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern))
    for label, pattern in (
        (RESOLVER_GAP, r"not supported by ringfence's resolver"),
        ("parameter with no default and no value given", r"has no Default and no value was given"),
        ("import from another stack (Fn::ImportValue)", r"Fn::ImportValue"),
        ("SSM parameter or dynamic reference", r"SSM Parameter Store|dynamic reference"),
        ("account IMDS defaults / AMI (not in the files)", r"account IMDS defaults|the AMI decides"),
        ("account's default EBS key (not in the files)", r"account's default EBS key"),
        ("inherited from a snapshot or source database", r"inherited from it|made from snapshot"),
        ("known only after terraform apply", r"known only after apply"),
        ("default VPC (no DB subnet group)", r"default VPC"),
        (
            "declared or managed outside the files",
            r"does not manage|not declared in these files|these files do not declare|not in this plan|this plan does not hold|not in the inventory|is declared elsewhere|declared elsewhere",
        ),
        ("subnet tier not tagged", r"no tier from its tags or name"),
        (
            "deployment context (region, account, stack name, AZs)",
            r"known only at deploy time|Fn::GetAZs|exist only once deployed|exists only once deployed",
        ),
        ("macro or transform", r"Fn::Transform|macro"),
        ("circular reference", r"refers back to itself|circular"),
        (
            "invalid template",
            r"names no parameter or resource|malformed|is not defined|is not a boolean|not valid here|required and not stated",
        ),
    )
)


def classify(message: str) -> str:
    for label, pattern in CAUSES:
        if pattern.search(message):
            return label
    return "other"
