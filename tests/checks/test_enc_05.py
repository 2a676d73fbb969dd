from ringfence.model import Status

from support import Aws, status_of


def test_unencrypted_file_system_fails_and_encrypted_passes(aws: Aws) -> None:
    efs = aws.client("efs")
    good = efs.create_file_system(CreationToken="good", Encrypted=True)["FileSystemId"]
    bad = efs.create_file_system(CreationToken="bad", Encrypted=False)["FileSystemId"]

    result = aws.scan(controls=["ENC-05"])

    assert status_of(result, "ENC-05", good) is Status.PASS
    assert status_of(result, "ENC-05", bad) is Status.FAIL
