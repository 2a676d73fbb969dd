"""EC2-01: instances and launch templates require IMDSv2.

Instances report their effective metadata options, so they are judged as they stand (stopped ones
too: they keep their options and can be started). A launch template version states only what it
sets; at launch each option it leaves unset comes from the region's account-level defaults
(GetInstanceMetadataDefaults), then from the AMI (ImdsSupport v2.0 means tokens required and a
hop limit of 2), then from EC2's defaults (tokens optional, hop limit 1, endpoint enabled). So:
an unset hop limit is at most 2 unless an account default says otherwise; unset tokens are decided
by the account default when there is one, and otherwise depend on the AMI: UNKNOWN. An endpoint
that is disabled passes whatever the other options say: no metadata can be read at all.

IaC: an instance states only what its template (or the launch template it launches from) sets, so
it is judged like a launch template version: what is unset comes from the account defaults when
the user declared them (ringfence iac --account-imds-defaults), else it is UNKNOWN, unless what is
set already fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ringfence.checks.context import CheckContext, Outcome, failed, passed, unknown
from ringfence.checks.registry import CheckMeta, Mapping_, register
from ringfence.model import (
    Instance,
    LaunchTemplate,
    LaunchTemplateVersion,
    MetadataOptions,
    Remediation,
    Severity,
    Status,
)

MAX_HOPS = 2

META = CheckMeta(
    id="EC2-01",
    title="Instances require IMDSv2",
    severity=Severity.HIGH,
    rationale=(
        "IMDSv1 hands the instance role's credentials to any request that reaches 169.254.169.254, "
        "so one server-side request forgery or open proxy leaks them; IMDSv2's session token and a "
        "hop limit of at most 2 keep the credentials on the instance (and its containers)."
    ),
    remediation=Remediation(
        text=(
            "Require tokens on each instance and in a new default version of each launch template "
            "(aws ec2 create-launch-template-version ... then modify-launch-template --default-version); "
            "set the account default too: aws ec2 modify-instance-metadata-defaults --http-tokens required "
            "--http-put-response-hop-limit 2."
        ),
        cli=(
            "aws ec2 modify-instance-metadata-options --instance-id INSTANCE_ID --http-tokens required "
            "--http-put-response-hop-limit 2 --http-endpoint enabled"
        ),
        cloudformation=(
            "Type: AWS::EC2::LaunchTemplate\nProperties:\n  LaunchTemplateData:\n    MetadataOptions:\n"
            "      HttpTokens: required\n      HttpPutResponseHopLimit: 2\n      HttpEndpoint: enabled"
        ),
        terraform=(
            'resource "aws_launch_template" "app" {\n  metadata_options {\n    http_tokens                 = '
            '"required"\n    http_put_response_hop_limit = 2\n    http_endpoint               = "enabled"\n  }\n}'
        ),
    ),
    modes=("live", "iac"),
    resource_types=(Instance.KIND, LaunchTemplate.KIND),
    tested_with=(
        "moto server (instances, launch templates); Inventory built directly for account IMDS defaults "
        "(moto has no GetInstanceMetadataDefaults); IaC templates and a Terraform plan (tests/iac)"
    ),
    frameworks=Mapping_(cis=("5.6",), fsbp=("EC2.8",)),
)


@dataclass(frozen=True, slots=True)
class Verdict:
    status: Status
    reason: str


@register(META)
def check(ctx: CheckContext) -> Iterator[Outcome]:
    for instance in ctx.inventory.of(Instance):
        if ctx.mode == "iac":
            what = f"instance {instance.display_name}"
            defaults = (instance.account_metadata_defaults, instance.unknown("account_metadata_defaults"))
            yield _outcome(instance, _stated_verdict(instance, instance.metadata_options, what, *defaults))
        else:
            yield _instance_outcome(instance)
    for template in ctx.inventory.of(LaunchTemplate):
        yield _template_outcome(template)


def _instance_outcome(instance: Instance) -> Outcome:
    reason = instance.unknown("metadata_options")
    options = instance.metadata_options
    if reason or options is None:
        return unknown(instance, f"metadata options not known: {reason or 'not reported'}")
    verdict = judge(options, f"instance {instance.display_name} ({instance.state})")
    return _outcome(instance, verdict)


def judge(options: MetadataOptions, what: str) -> Verdict:
    """The verdict on effective options (all set, or None where the value is not known)."""
    if options.http_endpoint == "disabled":
        return Verdict(Status.PASS, f"{what}: the metadata endpoint is disabled")
    problems: list[str] = []
    if options.http_tokens == "optional":
        problems.append("HttpTokens=optional (IMDSv1 is on)")
    hops = options.http_put_response_hop_limit
    if hops is not None and hops > MAX_HOPS:
        problems.append(f"HttpPutResponseHopLimit={hops} (more than {MAX_HOPS})")
    if problems:
        return Verdict(Status.FAIL, f"{what}: {'; '.join(problems)}")
    if options.http_tokens != "required":
        return Verdict(Status.UNKNOWN, f"{what}: HttpTokens not known")
    if hops is None:
        return Verdict(Status.UNKNOWN, f"{what}: HttpPutResponseHopLimit not known")
    return Verdict(Status.PASS, f"{what}: IMDSv2 required, hop limit {hops}")


def _template_outcome(template: LaunchTemplate) -> Outcome:
    reason = template.unknown("versions")
    if reason or not template.versions:
        return unknown(template, f"launch template versions not known: {reason or 'none read'}")
    verdicts = [_version_verdict(template, v) for v in template.versions]
    name = f"launch template {template.template_name or template.native_id}"
    for status in (Status.FAIL, Status.UNKNOWN):
        matching = [v.reason for v in verdicts if v.status is status]
        if matching:
            return _outcome(template, Verdict(status, f"{name}: {'; '.join(matching)}"))
    return _outcome(template, Verdict(Status.PASS, f"{name}: {'; '.join(v.reason for v in verdicts)}"))


def _version_verdict(template: LaunchTemplate, version: LaunchTemplateVersion) -> Verdict:
    roles = [r for r, on in (("default", version.is_default), ("latest", version.is_latest)) if on]
    what = f"version {version.version_number}" + (f" ({', '.join(roles)})" if roles else "")
    defaults = template.account_metadata_defaults
    defaults_reason = template.unknown("account_metadata_defaults")
    return _stated_verdict(template, version.metadata_options, what, defaults, defaults_reason)


def _stated_verdict(
    resource: Instance | LaunchTemplate,
    options: MetadataOptions | None,
    what: str,
    defaults: MetadataOptions | None,
    defaults_reason: str | None,
) -> Verdict:
    """The verdict on options as stated (None fields unset), completed by the account defaults."""
    stated = options or MetadataOptions()
    unknowable = resource.unknown("metadata_options")  # IaC: a value the files cannot tell
    if stated.http_endpoint == "disabled" or (stated.complete and not unknowable):
        return judge(stated, what)
    if unknowable:
        early = judge(stated, what)
        return early if early.status is Status.FAIL else Verdict(Status.UNKNOWN, f"{what}: {unknowable}")
    if defaults_reason or defaults is None:
        # What the version states may already fail it; otherwise the rest cannot be known.
        early = judge(stated, what)
        if early.status is Status.FAIL:
            return early
        why = defaults_reason or "not read"
        unset = "sets no MetadataOptions" if options is None else "leaves options unset"
        return Verdict(Status.UNKNOWN, f"{what} {unset} and the account IMDS defaults are not known ({why})")
    effective = MetadataOptions(
        http_tokens=stated.http_tokens or defaults.http_tokens,
        http_endpoint=stated.http_endpoint or defaults.http_endpoint or "enabled",
        # Unset everywhere: 2 with an ImdsSupport v2.0 AMI, else 1; either is within the limit.
        http_put_response_hop_limit=stated.http_put_response_hop_limit
        or defaults.http_put_response_hop_limit
        or MAX_HOPS,
    )
    verdict = judge(effective, what)
    if verdict.status is Status.UNKNOWN and effective.http_tokens is None:
        return Verdict(
            Status.UNKNOWN,
            f"{what}: HttpTokens is set neither in the template nor as an account default, so the AMI "
            "decides at launch (ImdsSupport v2.0: required, otherwise optional)",
        )
    inherited = [
        name
        for name, mine, account in (
            ("HttpTokens", stated.http_tokens, defaults.http_tokens),
            ("HttpEndpoint", stated.http_endpoint, defaults.http_endpoint),
            (
                "HttpPutResponseHopLimit",
                stated.http_put_response_hop_limit,
                defaults.http_put_response_hop_limit,
            ),
        )
        if mine is None and account is not None
    ]
    notes = [f"{', '.join(inherited)} from the account defaults"] if inherited else []
    if stated.http_put_response_hop_limit is None and defaults.http_put_response_hop_limit is None:
        notes.append("hop limit unset: EC2 uses 1, or 2 for an ImdsSupport v2.0 AMI")
    if notes and verdict.status is not Status.UNKNOWN:
        return Verdict(verdict.status, f"{verdict.reason} ({'; '.join(notes)})")
    return verdict


def _outcome(resource: Instance | LaunchTemplate, verdict: Verdict) -> Outcome:
    if verdict.status is Status.PASS:
        return passed(resource, verdict.reason)
    if verdict.status is Status.FAIL:
        return failed(resource, verdict.reason)
    return unknown(resource, verdict.reason)
