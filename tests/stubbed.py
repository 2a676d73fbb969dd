"""Collect contexts whose clients answer from recorded responses (botocore's Stubber), for APIs the
local AWS does not implement. The Stubber validates every response against the service model."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber

from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.session import AwsOptions

from support import ACCOUNT, REGION


class StubFactory:
    """A ClientFactory stand-in handing out the given clients by service name."""

    def __init__(self, clients: dict[str, Any]) -> None:
        self.clients = clients
        self.options = AwsOptions(home_region=REGION)

    def client(self, service: str, region: str) -> Any:
        return self.clients[service]


def stubbed(service: str, region: str = REGION) -> tuple[Any, Stubber]:
    client = boto3.Session(
        aws_access_key_id="AKIAFAKEFAKEFAKE0000", aws_secret_access_key="fake", region_name=region
    ).client(service, region_name=region)
    return client, Stubber(client)


def stub_context(service: str, clients: dict[str, Any], region: str = REGION, **kw: Any) -> CollectContext:
    return CollectContext(
        factory=StubFactory(clients),  # type: ignore[arg-type]
        account=ACCOUNT,
        region=region,
        service=service,
        **kw,
    )
