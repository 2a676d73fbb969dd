from ringfence.model import Status

from support import Aws, status_of


def test_unencrypted_volume_fails_and_encrypted_passes(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    good = ec2.create_volume(Size=1, AvailabilityZone="eu-west-1a", Encrypted=True)["VolumeId"]
    bad = ec2.create_volume(Size=1, AvailabilityZone="eu-west-1a", Encrypted=False)["VolumeId"]

    result = aws.scan(controls=["ENC-02"])

    assert status_of(result, "ENC-02", good) is Status.PASS
    assert status_of(result, "ENC-02", bad) is Status.FAIL
