from ringfence.model import Status

from support import Aws, findings_for, status_of


def test_instances_without_a_profile_fail_and_with_one_pass(aws: Aws) -> None:
    ec2, iam = aws.client("ec2"), aws.client("iam")
    iam.create_role(RoleName="app", AssumeRolePolicyDocument="{}")
    profile = iam.create_instance_profile(InstanceProfileName="app")["InstanceProfile"]
    iam.add_role_to_instance_profile(InstanceProfileName="app", RoleName="app")
    with_profile = ec2.run_instances(
        ImageId="ami-12345678", MinCount=1, MaxCount=1, IamInstanceProfile={"Arn": profile["Arn"]}
    )["Instances"][0]["InstanceId"]
    without = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    stopped = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.stop_instances(InstanceIds=[stopped])

    result = aws.scan(controls=["IAM-04"])

    assert status_of(result, "IAM-04", with_profile) is Status.PASS
    assert status_of(result, "IAM-04", without) is Status.FAIL
    # A stopped instance starts without a profile just the same.
    assert status_of(result, "IAM-04", stopped) is Status.FAIL
    message = next(f.message for f in findings_for(result, "IAM-04") if stopped in f.resource_id)
    assert "stopped" in message


def test_terminated_instances_are_not_reported(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    gone = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.terminate_instances(InstanceIds=[gone])
    result = aws.scan(controls=["IAM-04"])
    assert not [f for f in findings_for(result, "IAM-04") if gone in f.resource_id]
