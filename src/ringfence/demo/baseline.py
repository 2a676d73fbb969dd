"""Account-wide settings: S3 Block Public Access, EBS encryption by default, IAM users, CloudTrail."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from ringfence.demo.kit import DemoAws, tag_list


def account_public_access_block(aws: DemoAws, settings: Mapping[str, bool]) -> None:
    aws.client("s3control").put_public_access_block(
        AccountId=aws.account_id, PublicAccessBlockConfiguration=dict(settings)
    )


def ebs_encryption_by_default(aws: DemoAws, region: str, *, enabled: bool) -> None:
    ec2 = aws.client("ec2", region)
    if enabled:
        ec2.enable_ebs_encryption_by_default()
    else:
        ec2.disable_ebs_encryption_by_default()


def iam_user(
    aws: DemoAws,
    name: str,
    tags: Mapping[str, str],
    *,
    console: bool,
    mfa: bool = False,
    access_key: bool = False,
) -> str:
    """An IAM user, with a console password, a virtual MFA device and an access key as asked;
    returns the user's ARN."""
    iam = aws.client("iam")
    arn = str(iam.create_user(UserName=name, Tags=tag_list(tags))["User"]["Arn"])
    if console:
        iam.create_login_profile(UserName=name, Password=_password(), PasswordResetRequired=False)
    if mfa:
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
        iam.enable_mfa_device(
            UserName=name, SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321"
        )
    if access_key:
        iam.create_access_key(UserName=name)
    return arn


def _password() -> str:
    return "Rf-" + secrets.token_urlsafe(18) + "9!"


def trail(
    aws: DemoAws,
    region: str,
    name: str,
    bucket: str,
    tags: Mapping[str, str],
    *,
    multi_region: bool = True,
    validation: bool = True,
    kms_key: str | None = None,
) -> str:
    """A CloudTrail trail homed in `region`, delivering to `bucket`, started; returns its ARN."""
    cloudtrail = aws.client("cloudtrail", region)
    args: dict[str, object] = {
        "Name": name,
        "S3BucketName": bucket,
        "IsMultiRegionTrail": multi_region,
        "IncludeGlobalServiceEvents": True,
        "EnableLogFileValidation": validation,
        "TagsList": tag_list(tags),
    }
    if kms_key:
        args["KmsKeyId"] = kms_key
    arn = str(cloudtrail.create_trail(**args)["TrailARN"])
    cloudtrail.start_logging(Name=name)
    return arn
