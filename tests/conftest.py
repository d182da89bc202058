"""Shared fixtures: a store on SQLite, and on PostgreSQL when one is configured."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from baomat.config import Settings

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "policies"

PG_URL = os.environ.get("BAOMAT_TEST_POSTGRES_URL", "")
PG_REQUIRED = os.environ.get("BAOMAT_TEST_POSTGRES_REQUIRED", "") == "1"


def _pg_available() -> str | None:
    """None when PostgreSQL can be used, else the reason it cannot."""
    if not PG_URL:
        return "BAOMAT_TEST_POSTGRES_URL is not set"
    try:
        import psycopg

        dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn, connect_timeout=3):
            return None
    except Exception as exc:  # any failure to connect means: no server here
        return f"cannot reach PostgreSQL at BAOMAT_TEST_POSTGRES_URL ({type(exc).__name__})"


_PG_REASON = _pg_available()


def pytest_report_header() -> str:
    if _PG_REASON is None:
        return "baomat: PostgreSQL tests run against BAOMAT_TEST_POSTGRES_URL"
    if PG_REQUIRED:
        return f"baomat: PostgreSQL REQUIRED but unavailable: {_PG_REASON}"
    return f"baomat: PostgreSQL tests skipped: {_PG_REASON}"


_CATALOGUE = ", ".join(
    f"pg_catalog.{t}"
    for t in ("pg_attribute", "pg_class", "pg_type", "pg_depend", "pg_constraint", "pg_index",
              "pg_attrdef", "pg_namespace", "pg_sequence", "pg_statistic")
)  # fmt: skip


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Vacuums PostgreSQL's catalogue after a run that used it.

    Each PostgreSQL test creates and drops two schemas of some forty tables; the catalogue
    keeps their dead rows until vacuumed, and over a day of runs it grew to 400 MB and made
    each run's DDL slower (the test phase from 535 s to 698 s). Vacuumed, the next run
    reuses the space. Housekeeping only: a server that refuses it changes no test's outcome.
    """
    if _PG_REASON is not None or not session.testscollected:
        return
    import psycopg

    dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with contextlib.suppress(psycopg.Error), psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"VACUUM {_CATALOGUE}")


def _pg_schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a fresh, empty store: SQLite files, or fresh PostgreSQL schemas."""
    if request.param == "sqlite":
        yield Settings(home=tmp_path)
        return
    if _PG_REASON is not None:
        if PG_REQUIRED:
            pytest.fail(f"PostgreSQL is required (BAOMAT_TEST_POSTGRES_REQUIRED=1): {_PG_REASON}")
        pytest.skip(f"PostgreSQL not available: {_PG_REASON}")
    import psycopg

    dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    main, keys = f"t_{uuid.uuid4().hex[:12]}", f"k_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {main}")
        conn.execute(f"CREATE SCHEMA {keys}")
    try:
        yield Settings(
            home=tmp_path, database_url=_pg_schema_url(main), keystore_url=_pg_schema_url(keys)
        )
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {main} CASCADE")
            conn.execute(f"DROP SCHEMA {keys} CASCADE")


@pytest.fixture
def fast_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its cheapest, for tests that log in many times (production: t=3, 64 MiB)."""
    from argon2 import PasswordHasher

    from baomat.services import _passwords

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(_passwords, "HASHER", cheap)
