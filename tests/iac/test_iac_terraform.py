"""Terraform plans: after values, after_unknown, references through the configuration, modules,
count indexes, the default group, bucket configuration resources; addresses and types in findings."""

from pathlib import Path

import pytest
from iac_support import FIXTURES, finding, status

from ringfence.model import ScanResult, SecurityGroup, Status
from ringfence.sources.iac.scan import load_iac, scan_iac

PLAN = FIXTURES / "terraform" / "plan.json"


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return scan_iac([str(PLAN)]).result


def test_findings_name_the_address_and_the_terraform_type(result: ScanResult) -> None:
    web = finding(result, "NET-01", "aws_security_group.web")
    assert web.status is Status.FAIL
    assert web.resource_type == "aws_security_group"
    assert web.location is not None
    assert web.location.file == str(PLAN)
    assert web.location.line is None
    assert web.region == "eu-west-1"  # from the provider configuration


def test_rules_join_their_group_through_configuration_references(result: ScanResult) -> None:
    loaded = load_iac([str(PLAN)])
    groups = {g.arn: g for g in loaded.units[0].resources if isinstance(g, SecurityGroup)}
    app = groups["aws_security_group.app"]
    assert {r.rule_id for r in app.ingress} == {
        "aws_security_group_rule.app_from_web",
        "aws_vpc_security_group_ingress_rule.app_https",
    }
    assert next(r for r in app.ingress if r.from_port == 8080).referenced_group_id == "aws_security_group.web"
    assert app.egress
    assert all(r.rule_id == "aws_vpc_security_group_egress_rule.app_dns" for r in app.egress)
    assert status(result, "NET-04", "aws_security_group.app") is Status.FAIL
    assert (
        status(result, "NET-03", "aws_security_group.web") is Status.PASS
    )  # Terraform drops the default egress


def test_a_rule_on_a_group_outside_the_plan_is_judged_on_its_own(result: ScanResult) -> None:
    assert status(result, "NET-01", "aws_security_group_rule.rdp_existing") is Status.FAIL


def test_default_group_and_resources_in_modules(result: ScanResult) -> None:
    assert status(result, "NET-06", "aws_default_security_group.default") is Status.PASS
    assert status(result, "ENC-07", "module.storage.aws_s3_bucket.logs") is Status.PASS
    assert status(result, "ENC-03", "module.storage.aws_s3_bucket.logs") is Status.PASS
    assert status(result, "S3-02", "module.storage.aws_s3_bucket.logs") is Status.FAIL
    assert status(result, "ENC-08", "module.storage.aws_kms_key.logs") is Status.PASS


def test_unknown_after_apply_and_unset_values(result: ScanResult) -> None:
    assert status(result, "ENC-02", "aws_ebs_volume.data") is Status.FAIL  # encrypted unset
    assert status(result, "TLS-01", "aws_lb_listener.https") is Status.FAIL  # ssl_policy unset
    assert status(result, "TLS-02", "aws_lb_listener.http") is Status.PASS
    assert status(result, "IAM-04", "aws_instance.web") is Status.PASS  # a profile created in the plan
    assert status(result, "EC2-01", "aws_instance.web") is Status.PASS
    assert status(result, "EC2-01", "aws_launch_template.app") is Status.UNKNOWN
    assert status(result, "RDS-01", "aws_db_instance.db") is Status.PASS  # data[*] subnets, by reference
    assert status(result, "ENC-03", "aws_db_instance.db") is Status.FAIL
    assert status(result, "LOG-01", "aws_cloudtrail.main") is Status.PASS
    existing = finding(result, "S3-02", "aws_s3_bucket.assets")
    assert existing.status is Status.UNKNOWN
    assert "exists already" in existing.message


def test_deleted_resources_and_data_sources_are_not_judged(result: ScanResult) -> None:
    ids = {f.resource_id for f in result.findings}
    assert "aws_ebs_volume.old" not in ids
    assert not any(i.startswith("data.") for i in ids)


def test_a_state_file_is_read_from_its_values(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text(
        '{"format_version": "1.0", "terraform_version": "1.7.5", "values": {"root_module": {"resources": ['
        '{"address": "aws_ebs_volume.v", "mode": "managed", "type": "aws_ebs_volume", "name": "v",'
        ' "values": {"id": "vol-1", "encrypted": true, "kms_key_id": "arn:aws:kms:eu-west-1:1:key/k"}}]}}}'
    )
    assert status(scan_iac([str(state)]).result, "ENC-02", "aws_ebs_volume.v") is Status.PASS


def test_inline_blocks_known_only_after_apply_are_read_from_the_configuration(tmp_path: Path) -> None:
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_security_group.lb",
                "mode": "managed",
                "type": "aws_security_group",
                "name": "lb",
                "change": {
                    "actions": ["create"],
                    "after": {"name": "lb"},
                    "after_unknown": {"id": True, "egress": True},
                },
            },
            {
                "address": "aws_security_group.app",
                "mode": "managed",
                "type": "aws_security_group",
                "name": "app",
                "change": {
                    "actions": ["create"],
                    "after": {"name": "app"},
                    "after_unknown": {"id": True, "ingress": True, "egress": True},
                },
            },
        ],
        "configuration": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_security_group.lb",
                        "mode": "managed",
                        "type": "aws_security_group",
                        "name": "lb",
                    },
                    {
                        "address": "aws_security_group.app",
                        "mode": "managed",
                        "type": "aws_security_group",
                        "name": "app",
                        "expressions": {
                            "ingress": [
                                {
                                    "protocol": {"constant_value": "tcp"},
                                    "from_port": {"constant_value": 22},
                                    "to_port": {"constant_value": 22},
                                    "security_groups": {
                                        "references": ["aws_security_group.lb.id", "aws_security_group.lb"]
                                    },
                                },
                                {
                                    "protocol": {"constant_value": "udp"},
                                    "from_port": {"constant_value": 53},
                                    "to_port": {"constant_value": 53},
                                    "cidr_blocks": {"references": ["var.resolver_cidrs"]},
                                },
                            ]
                        },
                    },
                ]
            }
        },
    }
    path = tmp_path / "plan.json"
    path.write_text(__import__("json").dumps(plan))
    loaded = load_iac([str(path)])
    app = next(
        g
        for g in loaded.units[0].resources
        if isinstance(g, SecurityGroup) and g.arn == "aws_security_group.app"
    )
    assert app.unknown("ingress") is not None  # the udp block's CIDRs come from a variable only apply knows
    result = scan_iac([str(path)]).result
    assert status(result, "NET-01", "aws_security_group.app") is Status.UNKNOWN
    assert status(result, "NET-01", "aws_security_group.lb") is Status.PASS

    blocks = plan["configuration"]["root_module"]["resources"][1]["expressions"]["ingress"]  # type: ignore[index]
    del blocks[1]
    path.write_text(__import__("json").dumps(plan))
    loaded = load_iac([str(path)])
    app = next(
        g
        for g in loaded.units[0].resources
        if isinstance(g, SecurityGroup) and g.arn == "aws_security_group.app"
    )
    assert [(r.from_port, r.referenced_group_id) for r in app.ingress] == [(22, "aws_security_group.lb")]
    assert status(scan_iac([str(path)]).result, "NET-01", "aws_security_group.app") is Status.PASS
