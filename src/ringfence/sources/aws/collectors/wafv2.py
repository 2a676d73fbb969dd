"""WAFv2: the web ACL of each internet-facing Application Load Balancer (wafv2:GetWebACLForResource).

Only internet-facing ALBs are asked about (the only load balancers WAF-01 judges and WAF can
protect), so the region's load balancers are listed here again. REST API stages name their web ACL
themselves (GetStages webAclArn, read by the apigateway collector) and CloudFront distributions
theirs (WebACLId).
"""

from __future__ import annotations

from collections.abc import Iterator

from ringfence.model.waf import WebAclAssociation
from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.registry import collector


@collector(
    "wafv2.load_balancer_web_acls",
    service="wafv2",
    iam_actions=("elasticloadbalancing:DescribeLoadBalancers", "wafv2:GetWebACLForResource"),
    produces=(WebAclAssociation,),
)
def collect_load_balancer_web_acls(ctx: CollectContext) -> Iterator[WebAclAssociation]:
    for lb in ctx.iter_pages("describe_load_balancers", "LoadBalancers", service="elbv2"):
        if lb.get("Type") != "application" or lb.get("Scheme") != "internet-facing":
            continue
        arn = str(lb["LoadBalancerArn"])
        reply = ctx.call("get_web_acl_for_resource", absent=("WAFNonexistentItemException",), ResourceArn=arn)
        if reply.absent:
            continue  # deleted since the listing
        acl = reply.data.get("WebACL") or {}
        yield WebAclAssociation(
            arn=WebAclAssociation.id_for(arn),
            native_id=arn,
            account=ctx.account,
            region=ctx.region,
            resource_arn=arn,
            web_acl_arn=acl.get("ARN"),
            web_acl_name=acl.get("Name"),
            unresolved={"web_acl_arn": reply.error} if reply.error else {},
        )
