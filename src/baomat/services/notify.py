"""What baomat needs to tell a data subject, and who carries it: the `Notifier`.

With an SMTP server configured (`BAOMAT_SMTP_HOST`), the App's notifier is
`OutboxNotifier`: messages go into the outbox inside the event's own
transaction and the sender delivers them (`services.outbox`). Without one it
is `NoNotifier`, which refuses clearly; tests hand in their own.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from baomat.domain.errors import NotConfigured
from baomat.domain.login import CODE_LIFETIME
from baomat.services import outbox
from baomat.store.uow import UnitOfWork

__all__ = ["NoNotifier", "NotConfigured", "Notifier", "OutboxNotifier"]


class Notifier(Protocol):
    def check_configured(self) -> None:
        """Raises NotConfigured when nothing can be delivered, before any work is done."""

    def send_login_code(
        self,
        uow: UnitOfWork,
        tenant: str,
        subject_id: str,
        code: str,
        language: str,
        at: dt.datetime,
    ) -> None:
        """Delivers a one-time login code to the subject (`language`: 'vi' or 'en').

        Called inside the unit of work that stores the code: raising rolls it back.
        """


class NoNotifier:
    """The default: no email server, so no login codes."""

    def check_configured(self) -> None:
        raise NotConfigured("login by email code needs an email server (not configured)")

    def send_login_code(
        self,
        uow: UnitOfWork,
        tenant: str,
        subject_id: str,
        code: str,
        language: str,
        at: dt.datetime,
    ) -> None:
        self.check_configured()


class OutboxNotifier:
    """Writes each message to the outbox of the unit of work it is given."""

    def check_configured(self) -> None:
        """Configured: the outbox takes every message, whether the server is up or not."""

    def send_login_code(
        self,
        uow: UnitOfWork,
        tenant: str,
        subject_id: str,
        code: str,
        language: str,
        at: dt.datetime,
    ) -> None:
        minutes = int(CODE_LIFETIME.total_seconds() // 60)
        context = {"code": code, "minutes": minutes}
        outbox.queue(uow, tenant, subject_id, "login_code", language, context, at)
