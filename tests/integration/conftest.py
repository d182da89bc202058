"""A built App on a fresh store, with one small tenant loaded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from baomat import bootstrap
from baomat.config import Settings
from baomat.policy.model import Policy
from baomat.services import tenants
from tests.integration.shop import AT, SHOP


@pytest.fixture
def shop() -> Policy:
    return Policy.model_validate(SHOP)


@pytest.fixture
def app(settings: Settings, shop: Policy) -> Iterator[bootstrap.App]:
    bootstrap.ensure_keys(settings, env={})
    built = bootstrap.build(settings, env={}, clock=lambda: AT)
    tenants.publish_policy(built.uow(), shop, yaml.safe_dump(SHOP, allow_unicode=True), "test", AT)
    try:
        yield built
    finally:
        built.close()
