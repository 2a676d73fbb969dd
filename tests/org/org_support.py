"""A small organisation on the local AWS for the --org tests, and ways to make AWS misbehave."""

from __future__ import annotations

import http.client
import itertools
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.awsrequest import AWSResponse

import ringfence.sources.aws.session as session_module
from ringfence.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY
from ringfence.scanner import OrgOptions, ScanOptions
from ringfence.sources.aws.assume import RoleSpec
from ringfence.sources.aws.registry import all_collectors
from ringfence.sources.aws.session import AwsOptions

from support import ACCOUNT, REGION

ROLE = "RingfenceReadOnly"


@dataclass(frozen=True)
class SmallOrg:
    endpoint_url: str
    management: str
    members: tuple[str, ...]
    volumes: dict[str, str]  # account -> its unencrypted volume

    @property
    def accounts(self) -> tuple[str, ...]:
        return (self.management, *self.members)


def session(key: str = DEMO_ACCESS_KEY, secret: str = DEMO_SECRET_KEY, token: str | None = None) -> Any:
    return boto3.Session(
        aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token, region_name=REGION
    )


def build_small_org(endpoint_url: str, members: int = 2) -> SmallOrg:
    """The default account as management account with `members` member accounts; each account
    has one unencrypted volume (an ENC-02 failure) in REGION."""
    mgmt = session()
    org = mgmt.client("organizations", endpoint_url=endpoint_url)
    org.create_organization(FeatureSet="ALL")
    ids = [
        org.create_account(AccountName=f"member-{n}", Email=f"m{n}@example.com")["CreateAccountStatus"][
            "AccountId"
        ]
        for n in range(members)
    ]
    volumes = {ACCOUNT: _volume(mgmt, endpoint_url)}
    sts = mgmt.client("sts", endpoint_url=endpoint_url)
    for account in ids:
        creds = sts.assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", RoleSessionName="build"
        )["Credentials"]
        member = session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
        volumes[account] = _volume(member, endpoint_url)
    return SmallOrg(endpoint_url, ACCOUNT, tuple(ids), volumes)


def _volume(sess: Any, endpoint_url: str) -> str:
    ec2 = sess.client("ec2", endpoint_url=endpoint_url)
    return str(ec2.create_volume(Size=1, AvailabilityZone=f"{REGION}a", Encrypted=False)["VolumeId"])


def ec2_only() -> list[str]:
    """--skip-services for everything but EC2 (keeps these scans to a few seconds)."""
    return sorted({c.service for c in all_collectors().values()} - {"ec2"})


def org_options(
    endpoint_url: str,
    *,
    regions: Sequence[str] | None = (REGION,),
    skip: Sequence[str] | None = None,
    org: OrgOptions | None = None,
    **aws: Any,
) -> ScanOptions:
    return ScanOptions(
        aws=AwsOptions(
            endpoint_url=endpoint_url,
            home_region=REGION,
            access_key_id=DEMO_ACCESS_KEY,
            secret_access_key=DEMO_SECRET_KEY,
            **aws,
        ),
        regions=list(regions) if regions is not None else None,
        controls=["ENC-02"],
        skip_services=ec2_only() if skip is None else skip,
        org=org or OrgOptions(role=RoleSpec(name=ROLE)),
    )


# --- misbehaving AWS ---------------------------------------------------------------------------

Hook = Callable[[Any, str, str], None]  # (client, service, region) -> registers event handlers


@contextmanager
def client_hooks(monkeypatch: pytest.MonkeyPatch, hook: Hook) -> Iterator[None]:
    """Every client ringfence builds gets `hook` applied (botocore event handlers)."""
    real = session_module.build_client

    def build(sess: Any, opts: Any, service: str, region: str, owner: Any, **kw: Any) -> Any:
        client = real(sess, opts, service, region, owner, **kw)
        hook(client, service, region)
        return client

    monkeypatch.setattr(session_module, "build_client", build)
    yield


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def error_response(client: Any, url: str, code: str, status: int = 400) -> AWSResponse:
    """An AWS error answer in the client's protocol, as the service would send it."""
    protocol = client.meta.service_model.protocol
    headers = {"x-amzn-RequestId": "ringfence-test"}
    if protocol == "ec2":
        body = f"<Response><Errors><Error><Code>{code}</Code><Message>{code}</Message></Error></Errors><RequestID>t</RequestID></Response>"
    elif protocol == "query":
        body = f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{code}</Message></Error><RequestId>t</RequestId></ErrorResponse>"
    elif protocol == "rest-xml":
        body = f"<Error><Code>{code}</Code><Message>{code}</Message><RequestId>t</RequestId></Error>"
    elif protocol == "rest-json":
        headers["x-amzn-ErrorType"] = code
        headers["Content-Type"] = "application/json"
        body = f'{{"message": "{code}"}}'
    else:  # json, smithy-rpc-v2-cbor treated as json here
        headers["Content-Type"] = "application/x-amz-json-1.1"
        body = f'{{"__type": "{code}", "message": "{code}"}}'
    return AWSResponse(url, status, headers, _Raw(body.encode()))


def throttling(share: int = 3, limit: int = 60) -> Hook:
    """Every `share`-th request is answered with the protocol's throttling error, until `limit`
    requests were throttled (a burst, as when a scan starts in many regions at once)."""
    counter = itertools.count(1)
    throttled = itertools.count(1)
    lock = threading.Lock()
    codes = {"ec2": "RequestLimitExceeded", "rest-xml": "SlowDown"}

    def hook(client: Any, service: str, region: str) -> None:
        code = codes.get(client.meta.service_model.protocol, "ThrottlingException")
        status = 503 if code == "SlowDown" else 400

        def maybe_throttle(request: Any, **_: Any) -> Any:
            with lock:
                n = next(counter)
            if n % share == 0 and next(throttled) <= limit:
                return error_response(client, request.url, code, status)
            return None

        client.meta.events.register("before-send", maybe_throttle)

    return hook


class HangingProxy:
    """A proxy in front of the local AWS that never answers requests signed for `region`."""

    def __init__(self, target: str, region: str, hang_seconds: float = 4.0) -> None:
        self.target = urlsplit(target)
        self.region = region
        self.hang_seconds = hang_seconds
        self.hung = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                scope = re.search(r"Credential=[^/]+/\d+/([^/]+)/", self.headers.get("Authorization", ""))
                if scope and scope.group(1) == proxy.region:
                    proxy.hung += 1
                    time.sleep(proxy.hang_seconds)  # longer than the scan's read timeout
                    self.close_connection = True
                    return
                conn = http.client.HTTPConnection(proxy.target.hostname, proxy.target.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                conn.request(self.command, self.path, body=body, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HangingProxy:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
