"""A local AWS (moto) on 127.0.0.1, in this process, on a free port."""

from __future__ import annotations

import logging
import os
import socket
import urllib.request
from types import TracebackType
from typing import Any

DEMO_ACCESS_KEY = "AKIADEMODEMODEMO0000"  # moto accepts any key; these never reach AWS
DEMO_SECRET_KEY = "demo-secret-not-a-real-key"  # noqa: S105


class LocalAws:
    """Start with `with LocalAws() as aws:`; `aws.endpoint_url` is what boto3 is pointed at."""

    def __init__(self, port: int = 0) -> None:
        self._port = port
        self._server: Any = None
        self.endpoint_url = ""

    def start(self) -> LocalAws:
        # moto pre-loads >1000 Amazon-owned AMIs and snapshots per region unless told not to.
        os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        from moto.server import ThreadedMotoServer

        port = self._port or _free_port()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self._server.start()
        self.endpoint_url = f"http://127.0.0.1:{port}"
        return self

    def reset(self) -> None:
        """Forget every resource (between tests)."""
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310
            pass

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> LocalAws:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
