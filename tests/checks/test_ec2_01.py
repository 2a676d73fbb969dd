from __future__ import annotations

from typing import Any

from ringfence.checks.engine import evaluate
from ringfence.checks.registry import all_checks
from ringfence.model import Inventory, LaunchTemplate, LaunchTemplateVersion, MetadataOptions, Status
from ringfence.scanner import ScanOptions, scan

from support import ACCOUNT, REGION, Aws, status_of


def launch(ec2: Any, **options: Any) -> str:
    kwargs: dict[str, Any] = {"MetadataOptions": options} if options else {}
    return str(
        ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, **kwargs)["Instances"][0][
            "InstanceId"
        ]
    )


def template(ec2: Any, name: str, *versions: dict[str, Any] | None) -> str:
    def data(options: dict[str, Any] | None) -> dict[str, Any]:
        return {"ImageId": "ami-12345678", **({"MetadataOptions": options} if options is not None else {})}

    first, *rest = versions
    lt_id = str(
        ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData=data(first))["LaunchTemplate"][
            "LaunchTemplateId"
        ]
    )
    for options in rest:
        ec2.create_launch_template_version(LaunchTemplateId=lt_id, LaunchTemplateData=data(options))
    return lt_id


STRICT = {"HttpTokens": "required", "HttpPutResponseHopLimit": 2, "HttpEndpoint": "enabled"}


def test_instances_are_judged_on_their_effective_options(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    good = launch(ec2, **STRICT)
    disabled = launch(ec2, HttpTokens="optional", HttpEndpoint="disabled")
    v1 = launch(ec2)  # EC2's default: tokens optional
    far = launch(ec2, HttpTokens="required", HttpPutResponseHopLimit=3)
    stopped = launch(ec2, HttpTokens="optional")
    ec2.stop_instances(InstanceIds=[stopped])

    result = aws.scan(controls=["EC2-01"])

    assert status_of(result, "EC2-01", good) is Status.PASS
    assert status_of(result, "EC2-01", disabled) is Status.PASS
    assert status_of(result, "EC2-01", v1) is Status.FAIL
    assert status_of(result, "EC2-01", far) is Status.FAIL
    assert status_of(result, "EC2-01", stopped) is Status.FAIL
    message = next(f.message for f in result.findings if far in f.resource_id)
    assert "HttpPutResponseHopLimit=3" in message


def test_launch_templates_are_judged_on_default_and_latest_versions(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    good = template(ec2, "good", STRICT)
    bad_latest = template(ec2, "bad-latest", STRICT, {**STRICT, "HttpTokens": "optional"})
    old_bad = template(ec2, "old-bad", {**STRICT, "HttpTokens": "optional"}, STRICT, STRICT)
    ec2.modify_launch_template(LaunchTemplateId=old_bad, DefaultVersion="2")

    result = aws.scan(controls=["EC2-01"])

    assert status_of(result, "EC2-01", good) is Status.PASS
    assert status_of(result, "EC2-01", bad_latest) is Status.FAIL
    assert "version 2 (latest): HttpTokens=optional" in next(
        f.message for f in result.findings if bad_latest in f.resource_id
    )
    # Version 1 launches nothing any more: neither the default nor the latest.
    assert status_of(result, "EC2-01", old_bad) is Status.PASS


def test_template_without_metadata_options_is_unknown_when_account_defaults_cannot_be_read(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    bare = template(ec2, "bare", None)
    optional = template(ec2, "optional", {"HttpTokens": "optional"})
    # moto has no GetInstanceMetadataDefaults: the collector records a gap and goes on (no retries here).
    result = scan(ScanOptions(aws=aws.options(max_attempts=1), regions=[REGION], controls=["EC2-01"]))

    assert status_of(result, "EC2-01", bare) is Status.UNKNOWN
    message = next(f.message for f in result.findings if bare in f.resource_id)
    assert "sets no MetadataOptions" in message
    assert "account IMDS defaults are not known" in message
    # What the template itself says is enough to fail it.
    assert status_of(result, "EC2-01", optional) is Status.FAIL
    assert any(g.operation == "GetInstanceMetadataDefaults" for g in result.info.coverage_gaps)


# --- account defaults fill what a version leaves unset (moto cannot serve them) ----------------


def run(*templates: LaunchTemplate) -> dict[str, tuple[Status, str]]:
    findings = evaluate(Inventory(templates), [all_checks()["EC2-01"]], strict=True)
    return {f.resource_id: (f.status, f.message) for f in findings}


def lt(
    name: str, stated: MetadataOptions | None, defaults: MetadataOptions | None, **kw: Any
) -> LaunchTemplate:
    return LaunchTemplate(
        arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:launch-template/{name}",
        native_id=name,
        account=ACCOUNT,
        region=REGION,
        template_name=name,
        versions=(LaunchTemplateVersion(1, is_default=True, is_latest=True, metadata_options=stated),),
        account_metadata_defaults=defaults,
        **kw,
    )


def test_account_defaults_decide_what_the_template_leaves_unset() -> None:
    no_preference = MetadataOptions()
    results = run(
        lt("lt-required-by-account", None, MetadataOptions(http_tokens="required")),
        lt("lt-optional-by-account", None, MetadataOptions(http_tokens="optional")),
        lt("lt-ami-decides", None, no_preference),
        lt(
            "lt-hops-by-account",
            MetadataOptions(http_tokens="required"),
            MetadataOptions(http_put_response_hop_limit=5),
        ),
        lt("lt-endpoint-off-by-account", None, MetadataOptions(http_endpoint="disabled")),
        lt("lt-tokens-only", MetadataOptions(http_tokens="required"), no_preference),
    )
    status = {k.rsplit("/", 1)[1]: v for k, v in results.items()}

    assert status["lt-required-by-account"][0] is Status.PASS
    assert "HttpTokens from the account defaults" in status["lt-required-by-account"][1]
    assert status["lt-optional-by-account"][0] is Status.FAIL
    assert status["lt-ami-decides"][0] is Status.UNKNOWN
    assert "the AMI decides" in status["lt-ami-decides"][1]
    assert status["lt-hops-by-account"][0] is Status.FAIL
    assert status["lt-endpoint-off-by-account"][0] is Status.PASS
    # Unset hop limit with no account default: 1, or 2 for an ImdsSupport v2.0 AMI; both pass.
    assert status["lt-tokens-only"][0] is Status.PASS


def test_unread_template_versions_are_unknown() -> None:
    broken = lt(
        "lt-broken", None, None, unresolved={"versions": "access denied: ec2:DescribeLaunchTemplateVersions"}
    )
    ((status, message),) = run(broken).values()
    assert status is Status.UNKNOWN
    assert "access denied" in message
