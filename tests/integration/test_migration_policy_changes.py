"""Migration 0010 adds the policy changes and notices tables and takes them away again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from baomat.config import Settings
from baomat.store import migrate
from baomat.store.engine import make_engine
from tests.integration.test_migrations import _differences

BEFORE, POLICY_CHANGES = "1eb242ccdf2e", "4d1c7a9e2b60"  # 0009, 0010_add_policy_changes
TABLES = {"policy_changes", "policy_notices"}


def test_the_policy_changes_migration_goes_up_down_and_up_again(settings: Settings) -> None:
    engine = make_engine(settings.store_url())

    def tables() -> set[str]:
        return set(inspect(engine).get_table_names()) & TABLES

    try:
        with engine.begin() as conn:
            command.upgrade(migrate._config(conn, keystore=False), BEFORE)
        assert tables() == set()
        with engine.begin() as conn:
            command.upgrade(migrate._config(conn, keystore=False), POLICY_CHANGES)
        assert tables() == TABLES
        migrate.upgrade(engine)  # the later migrations, on top of it
        with engine.begin() as conn:
            command.downgrade(migrate._config(conn, keystore=False), BEFORE)
        assert tables() == set()
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert _differences(conn, keystore=False) == []
    finally:
        engine.dispose()
