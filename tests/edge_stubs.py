"""Edge/TLS collectors against recorded responses: botocore Stubber clients (validated against the
service model) behind a CollectContext, for APIs moto does not serve."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber

from ringfence.sources.aws.context import CollectContext
from ringfence.sources.aws.session import AwsOptions

from support import ACCOUNT, REGION


class StubbedFactory:
    """Hands out one stubbed client per (service, region); `stub()` gives its Stubber to load."""

    def __init__(self) -> None:
        self.options = AwsOptions(home_region=REGION)
        self._clients: dict[tuple[str, str], Any] = {}
        self.stubbers: dict[tuple[str, str], Stubber] = {}

    def stub(self, service: str, region: str = REGION) -> Stubber:
        key = (service, region)
        if key not in self.stubbers:
            client = boto3.client(
                service, region_name=region, aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x"
            )
            self._clients[key] = client
            self.stubbers[key] = Stubber(client)
            self.stubbers[key].activate()
        return self.stubbers[key]

    def client(self, service: str, region: str) -> Any:
        self.stub(service, region)
        return self._clients[(service, region)]

    def context(self, service: str, region: str = REGION) -> CollectContext:
        return CollectContext(factory=self, account=ACCOUNT, region=region, service=service)  # type: ignore[arg-type]

    def assert_done(self) -> None:
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()
