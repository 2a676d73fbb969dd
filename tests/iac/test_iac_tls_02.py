"""TLS-02 in IaC: HTTP listeners only redirect to HTTPS, rules declared apart included."""

from pathlib import Path

from iac_support import finding, scan_text, status

from ringfence.model import Status

TEMPLATE = """
Resources:
  Alb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: {Subnets: [subnet-1, subnet-2]}
  Redirect:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Alb
      Protocol: HTTP
      Port: 80
      DefaultActions:
        - {Type: redirect, RedirectConfig: {Protocol: HTTPS, Port: "443", StatusCode: HTTP_301}}
  RedirectWithRule:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Alb
      Protocol: HTTP
      Port: 8080
      DefaultActions:
        - {Type: redirect, RedirectConfig: {Protocol: HTTPS, StatusCode: HTTP_302}}
  ServesHealth:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: !Ref RedirectWithRule
      Priority: 10
      Conditions: [{Field: path-pattern, Values: [/health]}]
      Actions: [{Type: forward, TargetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/x/1}]
"""


def test_redirect_passes_and_a_forwarding_rule_fails(tmp_path: Path) -> None:
    result = scan_text(tmp_path, TEMPLATE, controls=["TLS-02"]).result

    assert status(result, "TLS-02", "Redirect") is Status.PASS
    failing = finding(result, "TLS-02", "RedirectWithRule")
    assert failing.status is Status.FAIL
    assert "rule 10: forward to targets" in failing.message
