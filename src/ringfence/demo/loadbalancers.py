"""Load balancing: ALBs and NLBs with target groups and listeners, and Classic Load Balancers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ringfence.demo.kit import DemoAws, tag_list
from ringfence.demo.network import Network

MODERN_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
LEGACY_POLICY = "ELBSecurityPolicy-2016-08"  # still accepts TLS 1.0 and 1.1


@dataclass(frozen=True, slots=True)
class Balancer:
    arn: str
    name: str
    target_group_arn: str


def load_balancer(
    aws: DemoAws,
    net: Network,
    name: str,
    subnet_keys: Sequence[str],
    *,
    kind: str = "application",
    internet_facing: bool = True,
    group_ids: Sequence[str] = (),
    target_port: int = 443,
    targets: Sequence[str] = (),
) -> Balancer:
    """An ALB or NLB named <prefix>-<name>, with a target group of the given instances."""
    wl = net.workload
    elbv2 = aws.client("elbv2", net.region)
    lb_name = wl.name(name)
    args: dict[str, Any] = {
        "Name": lb_name,
        "Subnets": [net.subnet(key) for key in subnet_keys],
        "Type": kind,
        "Scheme": "internet-facing" if internet_facing else "internal",
        "Tags": tag_list(wl.tags(name)),
    }
    if group_ids:
        args["SecurityGroups"] = list(group_ids)
    arn = str(elbv2.create_load_balancer(**args)["LoadBalancers"][0]["LoadBalancerArn"])
    protocol = "TCP" if kind == "network" else "HTTPS" if target_port == 443 else "HTTP"
    group_name = f"{lb_name[:28]}-tg"
    tg_arn = str(
        elbv2.create_target_group(
            Name=group_name,
            Protocol=protocol,
            Port=target_port,
            VpcId=net.vpc_id,
            TargetType="instance",
            Tags=tag_list(wl.tags(f"{name}-tg")),
        )["TargetGroups"][0]["TargetGroupArn"]
    )
    if targets:
        elbv2.register_targets(TargetGroupArn=tg_arn, Targets=[{"Id": t} for t in targets])
    return Balancer(arn=arn, name=lb_name, target_group_arn=tg_arn)


def tls_listener(
    aws: DemoAws, net: Network, lb: Balancer, certificate_arn: str, policy: str, *, protocol: str = "HTTPS"
) -> str:
    """An HTTPS (ALB) or TLS (NLB) listener on 443 with the given security policy."""
    return _listener(
        aws,
        net,
        lb,
        Protocol=protocol,
        Port=443,
        SslPolicy=policy,
        Certificates=[{"CertificateArn": certificate_arn}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": lb.target_group_arn}],
    )


def redirect_listener(aws: DemoAws, net: Network, lb: Balancer) -> str:
    """HTTP on 80 that only redirects to HTTPS."""
    return _listener(
        aws,
        net,
        lb,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
            }
        ],
    )


def plain_http_listener(aws: DemoAws, net: Network, lb: Balancer, port: int = 80) -> str:
    """HTTP that forwards to the targets: content served in plaintext."""
    return _listener(
        aws,
        net,
        lb,
        Protocol="HTTP",
        Port=port,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": lb.target_group_arn}],
    )


def _listener(aws: DemoAws, net: Network, lb: Balancer, **args: Any) -> str:
    reply = aws.client("elbv2", net.region).create_listener(LoadBalancerArn=lb.arn, **args)
    return str(reply["Listeners"][0]["ListenerArn"])


def classic_http(
    aws: DemoAws,
    net: Network,
    name: str,
    subnet_keys: Sequence[str],
    group_ids: Sequence[str],
    *,
    instance_port: int,
    instances: Sequence[str] = (),
) -> str:
    """A Classic Load Balancer with a single plain-HTTP listener on 80; returns its name."""
    elb = aws.client("elb", net.region)
    lb_name = net.workload.name(name)
    elb.create_load_balancer(
        LoadBalancerName=lb_name,
        Listeners=[
            {
                "Protocol": "HTTP",
                "LoadBalancerPort": 80,
                "InstanceProtocol": "HTTP",
                "InstancePort": instance_port,
            }
        ],
        Subnets=[net.subnet(key) for key in subnet_keys],
        SecurityGroups=list(group_ids),
        Scheme="internet-facing",
        Tags=tag_list(net.workload.tags(name)),
    )
    if instances:
        elb.register_instances_with_load_balancer(
            LoadBalancerName=lb_name, Instances=[{"InstanceId": i} for i in instances]
        )
    return lb_name
