"""The migrations build exactly the tables the code declares."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from baomat.config import Settings
from baomat.store import migrate
from baomat.store.engine import make_engine
from baomat.store.tables import QUEUE_TABLE_PREFIX, keystore_metadata, metadata
from tests.integration.shop import AT

JOB_RUNS_REVISION = "50877be55407"  # 0007_add_job_runs


def _declared(name: str | None, type_: str, parent_names: Any) -> bool:
    """The job queue's tables on PostgreSQL are procrastinate's, not declared in tables.py."""
    return not (type_ == "table" and (name or "").startswith(QUEUE_TABLE_PREFIX))


def _differences(conn: Connection, *, keystore: bool) -> list[Any]:
    context = MigrationContext.configure(
        conn,
        opts={
            "version_table": "alembic_version_keystore" if keystore else "alembic_version",
            "include_name": _declared,
        },
    )
    return list(compare_metadata(context, keystore_metadata if keystore else metadata))


def test_migrated_stores_match_the_declared_tables(settings: Settings) -> None:
    for url, keystore in ((settings.store_url(), False), (settings.key_store_url(), True)):
        engine = make_engine(url)
        try:
            migrate.upgrade(engine, keystore=keystore)
            migrate.upgrade(engine, keystore=keystore)  # a second run changes nothing
            with engine.connect() as conn:
                assert _differences(conn, keystore=keystore) == []
        finally:
            engine.dispose()


def test_the_job_runs_migration_goes_down_and_up_again(settings: Settings) -> None:
    engine = make_engine(settings.store_url())
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            command.downgrade(migrate._config(conn, keystore=False), f"{JOB_RUNS_REVISION}-1")
            left = set(inspect(conn).get_table_names())
        assert "job_runs" not in left
        assert not [t for t in left if t.startswith(QUEUE_TABLE_PREFIX)]
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert _differences(conn, keystore=False) == []
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "settings", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_the_job_queue_schema_is_the_one_the_installed_procrastinate_expects(
    settings: Settings,
) -> None:
    """Migration 0007 keeps procrastinate's schema as of 3.10; a procrastinate release that
    changes it fails here until a migration brings the store to the new schema."""
    from procrastinate.schema import SchemaManager

    engine = make_engine(settings.store_url())
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            ours = _queue_catalog(conn)
            conn.exec_driver_sql("CREATE SCHEMA queue_reference")
            conn.exec_driver_sql("SET LOCAL search_path TO queue_reference")
            conn.connection.driver_connection.execute(SchemaManager.get_schema())  # type: ignore[union-attr]
            theirs = _queue_catalog(conn)
            conn.exec_driver_sql("DROP SCHEMA queue_reference CASCADE")
    finally:
        engine.dispose()
    assert ours == theirs
    assert len(ours["names"]) == 4


def _queue_catalog(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """procrastinate's tables, columns, functions, indexes, triggers and types in the current
    schema, with the schema's name taken out so that two schemas compare."""
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    queries = {
        "names": "SELECT table_name FROM information_schema.tables WHERE table_schema = :s "
        "AND table_name LIKE 'procrastinate%' ORDER BY 1",
        "columns": "SELECT table_name, column_name, data_type, column_default, is_nullable "
        "FROM information_schema.columns WHERE table_schema = :s "
        "AND table_name LIKE 'procrastinate%' ORDER BY 1, 2",
        "functions": "SELECT p.proname, pg_get_function_identity_arguments(p.oid), p.prosrc "
        "FROM pg_proc p WHERE p.pronamespace = CAST(:s AS regnamespace) ORDER BY 1, 2",
        "indexes": "SELECT indexname, replace(indexdef, :s || '.', '') FROM pg_indexes "
        "WHERE schemaname = :s AND tablename LIKE 'procrastinate%' ORDER BY 1",
        "triggers": "SELECT t.tgname, replace(pg_get_triggerdef(t.oid), :s || '.', '') "
        "FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid "
        "WHERE r.relnamespace = CAST(:s AS regnamespace) AND NOT t.tgisinternal ORDER BY 1",
        "types": "SELECT t.typname, e.enumlabel, e.enumsortorder FROM pg_type t "
        "JOIN pg_enum e ON e.enumtypid = t.oid "
        "WHERE t.typnamespace = CAST(:s AS regnamespace) ORDER BY 1, 3",
    }
    return {
        name: [tuple(row) for row in conn.execute(text(query), {"s": schema})]
        for name, query in queries.items()
    }


def test_the_attachments_migration_adds_its_table_and_takes_it_away_again(
    settings: Settings,
) -> None:
    before, attachments = "f19c8cd39a47", "281e8c3dcb4b"  # 0004, 0005_add_attachments

    def tables() -> set[str]:
        return set(inspect(engine).get_table_names())

    engine = make_engine(settings.store_url())
    try:
        with engine.begin() as conn:
            command.upgrade(migrate._config(conn, keystore=False), before)
        assert "attachments" not in tables()
        with engine.begin() as conn:
            command.upgrade(migrate._config(conn, keystore=False), attachments)
        assert "attachments" in tables()
        migrate.upgrade(engine)  # the later migrations, on top of it
        with engine.begin() as conn:
            command.downgrade(migrate._config(conn, keystore=False), before)
        assert "attachments" not in tables()
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert _differences(conn, keystore=False) == []
    finally:
        engine.dispose()


def test_the_review_time_migration_goes_down_and_up_with_subjects_in_the_store(
    settings: Settings,
) -> None:
    before = "9b3e61d0c7a4"  # 0011_add_incidents; 0012_add_subject_review_time follows

    def columns() -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns("subjects")}

    engine = make_engine(settings.store_url())
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO tenants (id, name, law_profile, current_version, created_at, "
                    "audit_seq, audit_head) VALUES ('t', 't', 'law-91-2025', 1, :at, 0, '0')"
                ),
                {"at": AT},
            )
            conn.execute(
                text(
                    "INSERT INTO subjects (tenant_id, id, subject_type, policy_version, status, "
                    "created_at, updated_at, reviewed_at) "
                    "VALUES ('t', 's', 'member', 1, 'active', :at, :at, :at)"
                ),
                {"at": AT},
            )
            conn.execute(
                text(
                    "INSERT INTO field_values (tenant_id, subject_id, field, ciphertext) "
                    "VALUES ('t', 's', 'email', :blob)"
                ),
                {"blob": b"\x00"},
            )
            command.downgrade(migrate._config(conn, keystore=False), before)
        assert "reviewed_at" not in columns()
        migrate.upgrade(engine)
        assert "reviewed_at" in columns()
        with engine.connect() as conn:
            kept = conn.execute(text("SELECT count(*) FROM field_values")).scalar_one()
            assert (kept, _differences(conn, keystore=False)) == (1, [])
    finally:
        engine.dispose()
