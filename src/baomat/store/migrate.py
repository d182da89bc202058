"""Schema migrations (Alembic) for the main store and the key store."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine


def _config(engine_conn: object, *, keystore: bool) -> Config:
    here = Path(str(resources.files("baomat.store") / "migrations"))
    cfg = Config()
    cfg.set_main_option("script_location", str(here))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", str(here / ("keystore" if keystore else "main")))
    cfg.attributes["connection"] = engine_conn
    cfg.attributes["keystore"] = keystore
    return cfg


def upgrade(engine: Engine, *, keystore: bool = False) -> None:
    """Brings the database behind `engine` to the newest schema; idempotent."""
    with engine.begin() as conn:
        command.upgrade(_config(conn, keystore=keystore), "head")


def revision(engine: Engine, message: str, *, keystore: bool = False) -> None:
    """Writes a new migration from the difference between the tables and the database."""
    with engine.begin() as conn:
        command.revision(_config(conn, keystore=keystore), message=message, autogenerate=True)
