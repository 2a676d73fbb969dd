"""TLS-01 in IaC: TLS listeners use an approved policy; no SslPolicy means ELBSecurityPolicy-2016-08."""

from pathlib import Path

from iac_support import finding, scan_text, status

from ringfence.model import Status

TEMPLATE = """
Parameters:
  Policy: {Type: String, Default: ELBSecurityPolicy-TLS13-1-2-2021-06}
Resources:
  Alb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: {Name: web, Subnets: [subnet-1, subnet-2]}
  Approved:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Alb
      Protocol: HTTPS
      Port: 443
      SslPolicy: !Ref Policy
      DefaultActions: [{Type: forward, TargetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/x/1}]
  Defaulted:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !ImportValue shared-nlb
      Protocol: TLS
      Port: 8443
      DefaultActions: [{Type: forward, TargetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/x/1}]
  Classic:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      Listeners:
        - {LoadBalancerPort: "443", InstancePort: "80", Protocol: HTTPS, SSLCertificateId: arn:aws:acm:x, PolicyNames: [Tls]}
      Policies:
        - PolicyName: Tls
          PolicyType: SSLNegotiationPolicyType
          Attributes: [{Name: Reference-Security-Policy, Value: ELBSecurityPolicy-TLS-1-1-2017-01}]
"""


def test_approved_policy_passes_and_the_default_fails(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["TLS-01"]).result

    assert status(result, "TLS-01", "Approved") is Status.PASS
    defaulted = finding(result, "TLS-01", "Defaulted")
    assert defaulted.status is Status.FAIL
    assert "ELBSecurityPolicy-2016-08" in defaulted.message
    assert "network load balancer" in defaulted.message  # type from the protocol: its LB is imported
    classic = finding(result, "TLS-01", "Classic/listener/443")
    assert classic.status is Status.FAIL
    assert "TLS-1-1-2017-01" in classic.message
    assert classic.resource_type == "AWS::ElasticLoadBalancing::LoadBalancer.Listeners"
