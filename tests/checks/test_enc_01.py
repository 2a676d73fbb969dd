from ringfence.model import Status

from support import ACCOUNT, REGION, Aws, status_of


def test_region_in_use_without_default_encryption_fails(aws: Aws) -> None:
    aws.client("ec2").create_volume(Size=1, AvailabilityZone="eu-west-1a", Encrypted=True)
    result = aws.scan(regions=[REGION, "us-west-2"], controls=["ENC-01"])
    assert status_of(result, "ENC-01", f"{ACCOUNT}/{REGION}") is Status.FAIL
    # us-west-2 holds only what AWS creates: not in use
    assert status_of(result, "ENC-01", f"{ACCOUNT}/us-west-2") is Status.NOT_APPLICABLE


def test_region_in_use_with_default_encryption_passes(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    ec2.enable_ebs_encryption_by_default()
    ec2.create_volume(Size=1, AvailabilityZone="eu-west-1a")
    result = aws.scan(controls=["ENC-01"])
    assert status_of(result, "ENC-01", f"{ACCOUNT}/{REGION}") is Status.PASS
