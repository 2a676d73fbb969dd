"""The account's shared foundations: S3 Block Public Access, EBS encryption defaults, the CloudTrail
trail and the log buckets, and the people's IAM users. One account holds all three case studies."""

from __future__ import annotations

from ringfence.demo import baseline, storage
from ringfence.demo.kit import N_VIRGINIA, SYDNEY, DemoAws, Workload

SHARED = Workload("landing-zone", "prod", "audit-logging", "cloud-security@example.com")
TRAIL = "org-trail"


def build(aws: DemoAws) -> str:
    """The foundations; returns the name of the bucket VPC flow logs may be delivered to."""
    baseline.account_public_access_block(
        aws,
        {
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False,
        },
    )
    aws.plant("S3-01", aws.account_id, "account-level S3 Block Public Access has only 2 of its 4 settings on")
    baseline.ebs_encryption_by_default(aws, SYDNEY, enabled=False)
    baseline.ebs_encryption_by_default(aws, N_VIRGINIA, enabled=True)
    aws.plant("ENC-01", f"{aws.account_id}/{SYDNEY}", "EBS encryption by default is off in Sydney")

    logs_key = storage.kms_key(aws, SHARED, "logs", "CloudTrail and VPC flow log archives")
    trail_bucket = storage.bucket(aws, SHARED, "cloudtrail", storage.sse_kms(logs_key.arn))
    flow_log_bucket = storage.bucket(aws, SHARED, "vpc-flow-logs", storage.sse_kms(logs_key.arn))
    baseline.trail(aws, N_VIRGINIA, TRAIL, trail_bucket, SHARED.tags("trail"))
    aws.plant(
        "LOG-01", aws.account_id, "the multi-region trail is logging and validated but not KMS-encrypted"
    )
    _people(aws)
    _default_vpcs(aws)
    return flow_log_bucket


def _default_vpcs(aws: DemoAws) -> None:
    """The default VPCs AWS made in each region were never deleted, nor given flow logs."""
    for region in (SYDNEY, N_VIRGINIA):
        ec2 = aws.client("ec2", region)
        for vpc in ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]:
            vpc_id = vpc["VpcId"]
            aws.plant("NET-12", vpc_id, f"the default VPC in {region} is still there, without flow logs")
            group = ec2.describe_security_groups(
                Filters=[
                    {"Name": "vpc-id", "Values": [vpc_id]},
                    {"Name": "group-name", "Values": ["default"]},
                ]
            )["SecurityGroups"][0]["GroupId"]
            aws.plant(
                "NET-06", group, f"the default VPC's default security group in {region} allows all egress"
            )


def _people(aws: DemoAws) -> None:
    def tags(owner: str, role: str) -> dict[str, str]:
        return {"Owner": owner, "Role": role}

    baseline.iam_user(
        aws, "priya.sharma", tags("platform@wattle.example", "platform engineer"), console=True, mfa=True
    )
    contractor = baseline.iam_user(
        aws, "dev.contractor", tags("platform@wattle.example", "contract developer"), console=True
    )
    aws.plant("IAM-02", contractor.split(":", 5)[5], "a contractor signs in to the console without MFA")
    # The local AWS cannot register an MFA device for the root user, so this one is always there.
    aws.plant("IAM-02", aws.account_id, "the root user has no MFA device")
    baseline.iam_user(
        aws,
        "svc-gitlab-deployer",
        tags("platform@wattle.example", "CI/CD pipeline"),
        console=False,
        access_key=True,
    )
