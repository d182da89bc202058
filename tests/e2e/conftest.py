"""End to end: the API served in process, called through `baomat.client.Client`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from baomat import bootstrap
from baomat.api.app import create_app
from baomat.client import Client
from baomat.config import Settings
from tests.asgi import SyncASGITransport
from tests.integration.shop import AT
from tests.integration.tenancy import new_key, publish_shop


@pytest.fixture
def app(settings: Settings) -> Iterator[bootstrap.App]:
    """A fresh store with one tenant, the shop, its policy stored as YAML."""
    bootstrap.ensure_keys(settings, env={})
    built = bootstrap.build(settings, env={}, clock=lambda: AT)
    try:
        publish_shop(built)
        yield built
    finally:
        built.close()


@pytest.fixture
def key(app: bootstrap.App) -> str:
    return new_key(app, "shop")


@pytest.fixture
def client(app: bootstrap.App, key: str) -> Iterator[Client]:
    transport = SyncASGITransport(create_app(app))
    with Client("http://testserver", key, transport=transport) as api:
        yield api
