"""The one place that builds engines, keys and the key store and hands them to entrypoints."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine

from baomat.config import Settings
from baomat.jobs.catalog import catalog
from baomat.jobs.mail import transport_for
from baomat.jobs.runner import Runner
from baomat.jobs.runs import worker_name
from baomat.services.notify import NoNotifier, Notifier, OutboxNotifier
from baomat.services.smtp import SmtpTransport
from baomat.store import crypto, migrate
from baomat.store.engine import make_engine
from baomat.store.keystore import KeyStore
from baomat.store.uow import UnitOfWork


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class App:
    """What a running baomat needs: the store, the key store, the blind index, a clock and
    the notifier that carries messages to data subjects: `OutboxNotifier` when an SMTP
    server is configured (`BAOMAT_SMTP_HOST`), `NoNotifier` otherwise.
    """

    settings: Settings
    engine: Engine
    keystore_engine: Engine
    keystore: KeyStore
    index: crypto.BlindIndex
    clock: Callable[[], dt.datetime] = field(default=utc_now)
    notifier: Notifier = field(default_factory=NoNotifier)

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        """A unit of work on the store; `read_only` for one that only reads (see UnitOfWork)."""
        return UnitOfWork(self.engine, self.keystore, self.index, read_only=read_only)

    def mail_transport(self) -> SmtpTransport | None:
        """The SMTP server the outbox sender delivers to; None when none is configured."""
        return transport_for(self.settings)

    def close(self) -> None:
        self.engine.dispose()
        self.keystore_engine.dispose()


def build(
    settings: Settings,
    env: Mapping[str, str] | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
) -> App:
    """Settings → a ready App: keys loaded, both databases migrated to the newest schema.

    A wrong master key stops here, before anything is written.
    """
    env = os.environ if env is None else env
    masters = crypto.load_master_keys(settings.home, env)
    index_key = crypto.load_index_key(settings.home, env)
    engine = make_engine(settings.store_url())
    keystore_engine = make_engine(settings.key_store_url(), secure_delete=True)
    try:
        migrate.upgrade(keystore_engine, keystore=True)
        keystore = KeyStore(keystore_engine, masters)
        migrate.upgrade(engine)
        keystore.record_active(clock())
    except BaseException:
        engine.dispose()
        keystore_engine.dispose()
        raise
    app = App(settings, engine, keystore_engine, keystore, crypto.BlindIndex(index_key), clock)
    if settings.smtp_host is not None:
        app.notifier = OutboxNotifier()
    return app


def job_runner(app: App) -> Runner | None:
    """The job runner `baomat serve` starts on the embedded store; None on PostgreSQL,
    where `baomat worker` processes run the jobs from the queue."""
    if not app.settings.embedded:
        return None
    return Runner(app, catalog(app.settings).values(), worker=worker_name("serve"))


def ensure_keys(settings: Settings, env: Mapping[str, str] | None = None) -> bool:
    """Creates the key files in `home/keys` unless keys exist → True when it created them."""
    env = os.environ if env is None else env
    if "BAOMAT_MASTER_KEY" in env or (settings.home / "keys" / "master.key").exists():
        return False
    crypto.create_key_files(settings.home)
    return True
