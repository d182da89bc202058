"""The one place that builds engines, keys and the key store and hands them to entrypoints."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine

from baomat.config import Settings
from baomat.store import crypto, migrate
from baomat.store.engine import make_engine
from baomat.store.keystore import KeyStore
from baomat.store.uow import UnitOfWork


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class App:
    """What a running baomat needs: the store, the key store, the blind index and a clock."""

    settings: Settings
    engine: Engine
    keystore_engine: Engine
    keystore: KeyStore
    index: crypto.BlindIndex
    clock: Callable[[], dt.datetime] = field(default=utc_now)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.keystore, self.index)

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
    return App(settings, engine, keystore_engine, keystore, crypto.BlindIndex(index_key), clock)


def ensure_keys(settings: Settings, env: Mapping[str, str] | None = None) -> bool:
    """Creates the key files in `home/keys` unless keys exist → True when it created them."""
    env = os.environ if env is None else env
    if "BAOMAT_MASTER_KEY" in env or (settings.home / "keys" / "master.key").exists():
        return False
    crypto.create_key_files(settings.home)
    return True
