"""Shared fixtures: one moto server per test process (real HTTP), reset before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ringfence.demo.server import LocalAws

from support import Aws


@pytest.fixture(scope="session")
def local_aws() -> Iterator[LocalAws]:
    with LocalAws() as aws:
        yield aws


@pytest.fixture
def aws(local_aws: LocalAws) -> Aws:
    local_aws.reset()
    return Aws(local_aws)
