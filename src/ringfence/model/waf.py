"""WAFv2: which web ACL protects a regional resource (wafv2:GetWebACLForResource).

`WebAclAssociation` records the answer for one protected resource, including "none": `native_id`
is the resource's ARN (look it up with `inventory.get(WebAclAssociation, account, region, arn)`),
`web_acl_arn` is None when no web ACL is associated.
"""

from __future__ import annotations

from dataclasses import dataclass

from ringfence.model.base import Resource, resource_kind


@resource_kind
@dataclass(frozen=True, kw_only=True)
class WebAclAssociation(Resource):
    KIND = "wafv2.web_acl_association"
    RESOURCE_TYPE = "AWS::WAFv2::WebACLAssociation"

    resource_arn: str = ""
    web_acl_arn: str | None = None
    web_acl_name: str | None = None

    @staticmethod
    def id_for(resource_arn: str) -> str:
        return f"{resource_arn}#wafv2-web-acl"
