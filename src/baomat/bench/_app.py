"""A built App on a fresh embedded store in a scratch folder, closed on leaving."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from baomat import bootstrap
from baomat.config import Settings


def settings(home: Path) -> Settings:
    """SQLite files under `home`, whatever `BAOMAT_DATABASE_URL` says: always the same store."""
    return Settings(home=home, database_url=None, keystore_url=None)


@contextmanager
def bench_app(home: Path) -> Iterator[bootstrap.App]:
    """Keys created in `home/keys`, both databases migrated; closed when the block ends."""
    bootstrap.ensure_keys(settings(home), env={})
    app = bootstrap.build(settings(home), env={})
    try:
        yield app
    finally:
        app.close()
