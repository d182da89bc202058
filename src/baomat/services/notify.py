"""What baomat needs to tell a data subject, and who carries it: the `Notifier`.

The email notifier comes with the transactional outbox; until then a built
App has `NoNotifier`, which refuses clearly, and tests hand in their own.
"""

from __future__ import annotations

from typing import Protocol

from baomat.domain.errors import DomainError


class NotConfigured(DomainError):
    """A feature needs a service this installation has not configured."""

    code = "not_configured"


class Notifier(Protocol):
    def check_configured(self) -> None:
        """Raises NotConfigured when nothing can be delivered, before any work is done."""

    def send_login_code(self, tenant: str, subject_id: str, code: str, language: str) -> None:
        """Delivers a one-time login code to the subject (`language`: 'vi' or 'en').

        Called inside the unit of work that stores the code: raising rolls it back.
        """


class NoNotifier:
    """The default: no email server, so no login codes."""

    def check_configured(self) -> None:
        raise NotConfigured("login by email code needs an email server (not configured)")

    def send_login_code(self, tenant: str, subject_id: str, code: str, language: str) -> None:
        raise NotConfigured("login by email code needs an email server (not configured)")
