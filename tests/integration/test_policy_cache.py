"""A tenant's current policy is parsed once per published version, and a new one is seen at once."""

from __future__ import annotations

import pytest

from baomat import bootstrap
from baomat.domain.errors import NotFound
from baomat.policy.loader import parse_policy
from baomat.policy.model import Policy
from baomat.services import tenants
from tests.integration.tenancy import publish_shop


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []

    def counting(content: str | bytes, source: str) -> Policy:
        seen.append(source)
        return parse_policy(content, source)

    monkeypatch.setattr(tenants, "parse_policy", counting)
    return seen


def test_the_current_version_is_parsed_once_and_then_served_from_memory(
    app: bootstrap.App, parses: list[str]
) -> None:
    publish_shop(app, "shop", version=2)
    cache = tenants.PolicyCache()

    first = cache.current(app.uow(), "shop")
    again = cache.current(app.uow(), "shop")

    assert first is again
    assert first.version == 2
    assert parses == ["shop policy version 2"]


def test_a_newly_published_version_is_used_on_the_next_call(
    app: bootstrap.App, parses: list[str]
) -> None:
    publish_shop(app, "shop", version=2)
    cache = tenants.PolicyCache()
    cache.current(app.uow(), "shop")

    publish_shop(app, "shop", version=3)  # as another process would

    assert cache.current(app.uow(), "shop").version == 3
    assert len(parses) == 2


def test_the_cache_keeps_at_most_its_size_and_stays_right(app: bootstrap.App) -> None:
    publish_shop(app, "shop", version=2)
    publish_shop(app, "other")
    cache = tenants.PolicyCache(size=1)

    for _ in range(2):
        assert cache.current(app.uow(), "shop").tenant == "shop"
        assert cache.current(app.uow(), "other").tenant == "other"


def test_an_unknown_tenant_has_no_policy(app: bootstrap.App) -> None:
    with pytest.raises(NotFound):
        tenants.PolicyCache().current(app.uow(), "nobody")
