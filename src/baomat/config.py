"""The one settings object, read from `BAOMAT_*` environment variables.

Built by `Settings()` in an entrypoint and passed down; nothing reads the
environment at import time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import Field, field_validator
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

    retention_time: dt.time = dt.time(2, 0)
    """Local time (Asia/Ho_Chi_Minh) of the daily retention sweep, e.g.
    `BAOMAT_RETENTION_TIME=03:30`. Run by `baomat serve` on the embedded store,
    by `baomat worker` processes on PostgreSQL."""

    @field_validator("retention_time")
    @classmethod
    def _local_time(cls, value: dt.time) -> dt.time:
        if value.tzinfo is not None:
            raise ValueError("a time of day in Vietnam, without an offset (e.g. 02:00)")
        return value

    @property
    def embedded(self) -> bool:
        """True on the embedded SQLite store, where `baomat serve` runs the background jobs."""
        return self.store_url().startswith("sqlite")

    smtp_host: str | None = None
    """The SMTP server that carries email to data subjects (login codes, notices).
    Unset: no email; features that need it say so. Messages wait in the outbox
    while the server is unreachable."""

    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_sender: str = "no-reply@baomat.local"
    """The From address of every message."""
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    """Upgrade the connection with STARTTLS before logging in (port 587)."""

    # Monitoring's thresholds (domain.monitoring.Rules): more than `limit` within `window`
    # seconds raises an alert to staff; a limit of -1 turns the rule off.
    monitor_bulk_reads: int = Field(default=100, ge=-1)
    """Distinct subjects one actor may read (or disclose) per window."""
    monitor_denied_decisions: int = Field(default=20, ge=-1)
    """Refused decisions one actor may get per window."""
    monitor_failed_logins: int = Field(default=20, ge=-1)
    """Refused logins (staff and subjects) a tenant may see per window."""
    monitor_window: int = Field(default=300, ge=1)
    """The window of every rule, seconds."""
    monitor_verify_chain: bool = True
    """Verify each tenant's audit chain on every sweep; a break raises an alert."""

    incident_notice_lead_hours: int = Field(default=24, ge=1, le=72)
    """Hours before an incident's notice to the authority (A05) falls due that staff are
    alerted, 1 to 72 (Law 91 Art. 23.1 gives 72 hours from detection)."""

    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'baomat.sqlite3'}"

    def key_store_url(self) -> str:
        return self.keystore_url or f"sqlite:///{self.home / 'keys' / 'keystore.sqlite3'}"
