"""EC2 user data, read only to be redacted and scanned for credentials (ringfence.secrets).

The raw text never leaves this module: an Instance or LaunchTemplateVersion gets the redacted text
and the findings.
"""

from __future__ import annotations

from typing import Any

from ringfence.secrets import decode_user_data, scan_text
from ringfence.sources.aws.context import CollectContext


def instance_user_data(ctx: CollectContext, instance_id: str) -> dict[str, Any]:
    """The Instance fields for the instance's user data (DescribeInstanceAttribute userData), with
    `unresolved["user_data"]` when it could not be read."""
    reply = ctx.call("describe_instance_attribute", InstanceId=instance_id, Attribute="userData")
    if reply.error:
        return {"unresolved": {"user_data": reply.error}}
    return user_data_fields((reply.data.get("UserData") or {}).get("Value"), "user data")


def user_data_fields(encoded: str | None, where: str) -> dict[str, Any]:
    """user_data_redacted and user_data_secrets for base64 user data as the EC2 APIs return it."""
    text = decode_user_data(encoded)
    if text is None:
        return {}
    scanned = scan_text(text, where)
    return {"user_data_redacted": scanned.redacted, "user_data_secrets": scanned.findings}
