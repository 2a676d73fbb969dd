from ringfence.model import Status

from support import Aws, findings_for, status_of


def default_group(ec2: object, vpc_id: str) -> dict[str, object]:
    groups = ec2.describe_security_groups(  # type: ignore[attr-defined]
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    return dict(groups[0])


def test_default_group_with_rules_fails_and_an_emptied_one_passes(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    open_vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    locked_vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    open_default = default_group(ec2, open_vpc)
    ec2.authorize_security_group_ingress(
        GroupId=open_default["GroupId"],
        IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": open_default["GroupId"]}]}],
    )
    locked = default_group(ec2, locked_vpc)
    for permissions, revoke in (
        (locked["IpPermissions"], ec2.revoke_security_group_ingress),
        (locked["IpPermissionsEgress"], ec2.revoke_security_group_egress),
    ):
        if permissions:
            revoke(GroupId=locked["GroupId"], IpPermissions=permissions)
    other = ec2.create_security_group(GroupName="app", Description="app", VpcId=locked_vpc)["GroupId"]

    result = aws.scan(controls=["NET-06"])

    assert status_of(result, "NET-06", str(open_default["GroupId"])) is Status.FAIL
    assert status_of(result, "NET-06", str(locked["GroupId"])) is Status.PASS
    assert not [f for f in findings_for(result, "NET-06") if other in f.resource_id], "only default groups"
    message = next(
        f.message for f in findings_for(result, "NET-06") if open_default["GroupId"] in f.resource_id
    )
    assert "egress all traffic to 0.0.0.0/0" in message
    assert f"ingress all traffic from {open_default['GroupId']}" in message
