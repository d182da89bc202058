"""Tenants and keys for API tests: the shop's policy as a real YAML document, under any id.

publish_shop(app, "other")   # a second tenant, a copy of the shop
with http(app, new_key(app, "other")) as client: client.get("/v1/health")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import yaml

from baomat import bootstrap
from baomat.api.app import create_app
from baomat.config import Settings
from baomat.policy.loader import load_policy, parse_policy
from baomat.policy.model import Policy
from baomat.services import api_keys, tenants
from tests.asgi import SyncASGITransport
from tests.conftest import EXAMPLES
from tests.integration.shop import AT, SHOP


def publish_shop(app: bootstrap.App, tenant: str = "shop", version: int = 1) -> Policy:
    """Publishes a copy of SHOP as `tenant`'s policy `version`, stored as its YAML text."""
    document = yaml.safe_dump(
        {**SHOP, "tenant": tenant, "version": version}, allow_unicode=True, sort_keys=False
    )
    policy = parse_policy(document, f"{tenant}.yaml")
    tenants.publish_policy(app.uow(), policy, document, "test", AT)
    return policy


def new_key(app: bootstrap.App, tenant: str) -> str:
    return api_keys.create(app.uow(), tenant, "test key", "test", AT)


@contextmanager
def http(app: bootstrap.App, key: str | None = None) -> Iterator[httpx.Client]:
    """An httpx client on the app's API in process, calling with `key` when given."""
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    transport = SyncASGITransport(create_app(app))
    with httpx.Client(transport=transport, base_url="http://testserver", headers=headers) as c:
        yield c


def example_policy(name: str) -> Policy:
    """One of the seed tenants' policies in examples/policies, loaded as a file is."""
    return load_policy(EXAMPLES / f"{name}.yaml")


@contextmanager
def examples_app(
    settings: Settings, names: tuple[str, ...], at: dt.datetime
) -> Iterator[bootstrap.App]:
    """A fresh store with these seed tenants published from their files, its clock at `at`."""
    bootstrap.ensure_keys(settings, env={})
    built = bootstrap.build(settings, env={}, clock=lambda: at)
    for name in names:
        document = (EXAMPLES / f"{name}.yaml").read_text("utf-8")
        tenants.publish_policy(built.uow(), example_policy(name), document, "test", at)
    try:
        yield built
    finally:
        built.close()
