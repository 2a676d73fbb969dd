"""NET-06 in IaC: judged only where the files manage a default group."""

import json
from pathlib import Path

from iac_support import ids, scan_text, status

from ringfence.model import Status

CFN = """
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  OpenDefault:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !GetAtt Vpc.DefaultSecurityGroup, IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0}
"""


def test_a_rule_on_the_default_group_fails_and_a_vpc_alone_says_nothing(tmp_path: Path) -> None:
    result = scan_text(tmp_path, CFN, controls=["NET-06"]).result

    assert status(result, "NET-06", "OpenDefault") is Status.FAIL
    assert ids(result, "NET-06") == {"OpenDefault"}


def plan(ingress: list[dict[str, object]]) -> str:
    block = {"cidr_blocks": ["0.0.0.0/0"], "from_port": 0, "to_port": 0, "protocol": "-1", "description": "",
             "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": False}  # fmt: skip
    return json.dumps(
        {
            "format_version": "1.2",
            "terraform_version": "1.7.0",
            "resource_changes": [
                {
                    "address": "aws_default_security_group.default",
                    "mode": "managed",
                    "type": "aws_default_security_group",
                    "name": "default",
                    "change": {
                        "actions": ["update"],
                        "after": {
                            "vpc_id": "vpc-1",
                            "ingress": [{**block, **i} for i in ingress],
                            "egress": [],
                        },
                        "after_unknown": {},
                    },
                }
            ],
        }
    )


def test_terraform_default_group_without_rules_passes_and_with_rules_fails(tmp_path: Path) -> None:
    empty = scan_text(tmp_path, plan([]), name="empty.json", controls=["NET-06"]).result
    assert status(empty, "NET-06", "aws_default_security_group.default") is Status.PASS
    opened = scan_text(
        tmp_path, plan([{"protocol": "tcp", "from_port": 22, "to_port": 22}]), name="open.json"
    ).result
    assert status(opened, "NET-06", "aws_default_security_group.default") is Status.FAIL
