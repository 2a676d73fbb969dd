"""What every part of the demo estate builds with: clients on the local AWS, tags, planted flaws."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ringfence.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY
from ringfence.sources.aws.session import AwsOptions, ClientFactory, make_session

SYDNEY = "ap-southeast-2"
N_VIRGINIA = "us-east-1"


@dataclass(frozen=True, slots=True)
class PlantedFlaw:
    """A mistake built into the demo estate on purpose; the scan must report it as a FAIL.

    `resource_hint` is a part of the failing finding's resource_id (an id, a name, an ARN).
    """

    control_id: str
    resource_hint: str
    description: str


class DemoAws:
    """boto3 clients on the local AWS, the account they reach, and the flaws planted so far."""

    def __init__(
        self,
        endpoint_url: str,
        home_region: str = SYDNEY,
        *,
        credentials: tuple[str, str, str] | None = None,  # (key, secret, token) of another account
    ) -> None:
        key, secret, token = credentials or (DEMO_ACCESS_KEY, DEMO_SECRET_KEY, None)
        options = AwsOptions(
            endpoint_url=endpoint_url,
            home_region=home_region,
            access_key_id=key,
            secret_access_key=secret,
            session_token=token,
            max_attempts=2,
        )
        self._factory = ClientFactory(make_session(options), options)
        self.home_region = home_region
        self.regions: set[str] = {home_region}  # every region a client was made for
        self.flaws: list[PlantedFlaw] = []
        self.account_id = str(self.client("sts").get_caller_identity()["Account"])

    def client(self, service: str, region: str | None = None) -> Any:
        region = region or self.home_region
        self.regions.add(region)
        return self._factory.client(service, region)

    def plant(self, control_id: str, resource_hint: str, description: str) -> None:
        self.flaws.append(PlantedFlaw(control_id, resource_hint, description))

    @property
    def calls(self) -> int:
        """API calls made so far (the build's cost)."""
        return self._factory.call_log.total


@dataclass(frozen=True, slots=True)
class Workload:
    """One application environment: its name prefix and the tags every resource of it carries."""

    prefix: str  # e.g. "harbourhealth-prod"; resource names start with it
    environment: str  # dev | staging | prod
    application: str
    owner: str
    region: str = SYDNEY
    extra_tags: Mapping[str, str] = field(default_factory=dict)  # e.g. {"tenant": "acme"}

    def name(self, suffix: str) -> str:
        return f"{self.prefix}-{suffix}"

    def tags(self, suffix: str, **more: str) -> dict[str, str]:
        """Name, Environment, Application and Owner (plus the extra and given tags)."""
        return {
            "Name": self.name(suffix),
            "Environment": self.environment,
            "Application": self.application,
            "Owner": self.owner,
            **self.extra_tags,
            **more,
        }


def tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    """[{"Key": k, "Value": v}], the shape most services take."""
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def tag_spec(resource_type: str, tags: Mapping[str, str]) -> list[dict[str, Any]]:
    """An EC2 TagSpecifications argument: tags applied as the resource is created."""
    return [{"ResourceType": resource_type, "Tags": tag_list(tags)}]
