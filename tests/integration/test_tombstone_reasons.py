"""A tombstone keeps the whole reason the system gives, up to a 64-character rule id's.

The sweep erases with reason `retention:<rule id>`, 74 characters for the
longest rule id a policy may declare; the column held 64 until migration 0015.
"""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from alembic import command
from faker import Faker
from sqlalchemy import inspect, text

from baomat.bootstrap import App
from baomat.config import Settings
from baomat.domain.calendar import load_vn_calendar
from baomat.policy.model import Policy
from baomat.services import retention, subjects, tenants
from baomat.store import migrate
from baomat.store.engine import make_engine
from tests.integration.shop import AT, SHOP

LONG_RULE = "r" * 64
"""The longest rule id the policy file allows (`retention[].id`, 64 characters)."""

BEFORE = "8d4b2f6a9c31"  # 0014_add_service_locks; 0015_widen_tombstone_reasons follows


@pytest.fixture
def market(app: App) -> Policy:
    document = {
        **SHOP,
        "tenant": "market",
        "retention": [
            {"id": LONG_RULE, "trigger": "after_closure", "period": {"amount": 1, "unit": "years"}}
        ],
    }
    policy = Policy.model_validate(document)
    tenants.publish_policy(app.uow(), policy, yaml.safe_dump(document), "test", AT)
    return policy


def _tombstones(app: App) -> list[tuple[str, str]]:
    with app.engine.connect() as conn:
        rows = conn.execute(text("SELECT subject_id, reason FROM tombstones"))
        return [(r.subject_id, r.reason) for r in rows]


def test_the_sweep_erases_under_a_rule_with_the_longest_id_and_keeps_the_reason(
    app: App, market: Policy
) -> None:
    fake = Faker("vi_VN")
    fake.seed_instance(15)
    person = {"full_name": fake.name(), "email": fake.email()}
    (member,) = subjects.register(app.uow(), market, "member", [person], "test", AT)
    subjects.close_account(app.uow(), "market", member, "test", AT)

    report = retention.sweep(
        app.uow, "market", AT + dt.timedelta(days=400), load_vn_calendar(), dry_run=False,
        actor="test",
    )  # fmt: skip

    reason = f"retention:{LONG_RULE}"
    assert (report.erased, len(reason)) == (1, 74)
    assert _tombstones(app) == [(member, reason)]


def test_the_widening_goes_down_and_up_with_tombstones_in_the_store(settings: Settings) -> None:
    def width() -> int | None:
        (column,) = [c for c in inspect(engine).get_columns("tombstones") if c["name"] == "reason"]
        return getattr(column["type"], "length", None)

    engine = make_engine(settings.store_url())
    try:
        migrate.upgrade(engine)
        assert width() == 128
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO tombstones (tenant_id, subject_id, erased_at, reason) "
                    "VALUES ('t', 's', :at, 'subject_request')"
                ),
                {"at": AT},
            )
            command.downgrade(migrate._config(conn, keystore=False), BEFORE)
        assert width() == 64
        migrate.upgrade(engine)
        assert width() == 128
        with engine.connect() as conn:
            kept = conn.execute(text("SELECT reason FROM tombstones")).scalar_one()
        assert kept == "subject_request"
    finally:
        engine.dispose()
