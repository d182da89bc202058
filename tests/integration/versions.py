"""Policy versions for tests: an example tenant published, and its next version made by editing.

wesoft = publish_example(app, "wesoft")
v2, document = next_version(wesoft, lambda d: d["purposes"].append({...}))
tenants.publish(app.uow(), v2, document, "test", AT)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import yaml

from baomat import bootstrap
from baomat.policy.loader import parse_policy
from baomat.policy.model import Policy
from baomat.services import tenants
from tests.conftest import EXAMPLES

Edit = Callable[[dict[str, Any]], None]


def publish_example(app: bootstrap.App, name: str, at: dt.datetime) -> Policy:
    """Publishes examples/policies/<name>.yaml as it is written → its Policy."""
    document = (EXAMPLES / f"{name}.yaml").read_text("utf-8")
    policy = parse_policy(document, f"{name}.yaml")
    tenants.publish(app.uow(), policy, document, "test", at)
    return policy


def next_version(policy: Policy, edit: Edit) -> tuple[Policy, str]:
    """The policy with `edit` applied to its data and its version raised → (Policy, YAML text)."""
    data = policy.model_dump(mode="json", exclude_none=True)
    edit(data)
    data["version"] = policy.version + 1
    document = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return parse_policy(document, f"{policy.tenant} version {policy.version + 1}"), document


def purpose(data: dict[str, Any], purpose_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in data["purposes"] if p["id"] == purpose_id)
    return found
