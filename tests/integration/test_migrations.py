"""The migrations build exactly the tables the code declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from baomat.config import Settings
from baomat.store import migrate
from baomat.store.engine import make_engine
from baomat.store.tables import keystore_metadata, metadata


def test_migrated_stores_match_the_declared_tables(settings: Settings) -> None:
    for url, target, keystore in (
        (settings.store_url(), metadata, False),
        (settings.key_store_url(), keystore_metadata, True),
    ):
        engine = make_engine(url)
        try:
            migrate.upgrade(engine, keystore=keystore)
            migrate.upgrade(engine, keystore=keystore)  # a second run changes nothing
            with engine.connect() as conn:
                context = MigrationContext.configure(
                    conn,
                    opts={
                        "version_table": "alembic_version_keystore"
                        if keystore
                        else "alembic_version"
                    },
                )
                assert compare_metadata(context, target) == []
        finally:
            engine.dispose()
