"""Certificates with chosen expiry imported into the local ACM, and a listener that uses one."""

from __future__ import annotations

from typing import Any

from ringfence.demo.certificates import Issuer, certificate_authority, server_certificate

from support import REGION, Aws

_ISSUER: list[Issuer] = []


def issuer() -> Issuer:
    if not _ISSUER:
        _ISSUER.append(certificate_authority("Test Issuing CA", "Ringfence Tests"))
    return _ISSUER[0]


def imported(aws: Aws, domain: str, days_left: int) -> str:
    cert, key = server_certificate(issuer(), domain, "Ringfence Tests", days_left=days_left)
    reply = aws.client("acm").import_certificate(
        Certificate=cert, PrivateKey=key, CertificateChain=issuer().pem
    )
    return str(reply["CertificateArn"])


def https_listener(aws: Aws, name: str, certificate_arn: str) -> tuple[str, str]:
    """(load balancer ARN, listener ARN) of a new ALB serving `certificate_arn` on 443."""
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab")
    ]
    elbv2: Any = aws.client("elbv2")
    lb = elbv2.create_load_balancer(Name=name, Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elbv2.create_target_group(Name=f"{name}-tg", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0][
        "TargetGroupArn"
    ]
    listener = elbv2.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTPS",
        Port=443,
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        Certificates=[{"CertificateArn": certificate_arn}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )["Listeners"][0]["ListenerArn"]
    return str(lb), str(listener)
