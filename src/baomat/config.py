"""The one settings object, read from `BAOMAT_*` environment variables.

Built by `Settings()` in an entrypoint and passed down; nothing reads the
environment at import time.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """`BAOMAT_HOME=/srv/baomat BAOMAT_DATABASE_URL=postgresql+psycopg://...` → a Settings."""

    model_config = SettingsConfigDict(env_prefix="BAOMAT_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path.cwd() / ".baomat")
    """Folder for the embedded SQLite store and the key files."""

    database_url: str | None = None
    """SQLAlchemy URL of the store; the SQLite file `home/baomat.sqlite3` when unset."""

    keystore_url: str | None = None
    """URL of the key store holding the wrapped per-subject data keys.

    It is a separate database on purpose: a copy of the main store never holds
    the keys, so a shredded subject stays unreadable in old copies. Defaults to
    the SQLite file `home/keys/keystore.sqlite3`.
    """

    api_docs: bool = False
    """Serve the interactive API docs at /docs. Off by default: the page loads
    Swagger UI from a third-party CDN, and baomat serves no third-party
    resources unless asked to. /openapi.json is always served."""

    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'baomat.sqlite3'}"

    def key_store_url(self) -> str:
        return self.keystore_url or f"sqlite:///{self.home / 'keys' / 'keystore.sqlite3'}"
