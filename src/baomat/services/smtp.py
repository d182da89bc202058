"""Carrying email to an SMTP server: the `Transport` the outbox sender uses.

    with SmtpTransport(SmtpConfig("127.0.0.1", 1025, "no-reply@baomat.local")).open() as line:
        line.send(message)

`open()` connects once for a batch of messages. Connecting, or sending one
message, raises `DeliveryError` naming what failed (a reply code or the
network error's class), never an address or a message's content.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol


class DeliveryError(Exception):
    """A message was not accepted; `reason` is safe to store and log."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        """The server refused this message for good (5xx): retrying will not help."""


class Line(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class Transport(Protocol):
    sender: str
    """The From address."""

    def open(self) -> AbstractContextManager[Line]:
        """A connection for a batch of messages; raises DeliveryError if none can be made."""
        ...


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 30.0


class SmtpTransport:
    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self.sender = config.sender

    @contextmanager
    def open(self) -> Iterator[Line]:
        config = self.config
        try:
            client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        except (OSError, smtplib.SMTPException) as failed:
            raise DeliveryError(f"connect: {type(failed).__name__}") from None
        try:
            try:
                if config.starttls:
                    client.starttls(context=ssl.create_default_context())
                if config.username is not None:
                    client.login(config.username, config.password or "")
            except (OSError, smtplib.SMTPException) as failed:
                raise DeliveryError(f"session: {type(failed).__name__}") from None
            yield _SmtpLine(client)
        finally:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()


class _SmtpLine:
    def __init__(self, client: smtplib.SMTP) -> None:
        self._client = client

    def send(self, message: EmailMessage) -> None:
        try:
            refused = self._client.send_message(message)
        except smtplib.SMTPRecipientsRefused as failed:
            codes = sorted({code for code, _ in failed.recipients.values()})
            raise DeliveryError(
                f"recipient refused: {codes}", permanent=_permanent(codes)
            ) from None
        except smtplib.SMTPResponseException as failed:
            raise DeliveryError(
                f"smtp {failed.smtp_code}", permanent=_permanent([failed.smtp_code])
            ) from None
        except (OSError, smtplib.SMTPException) as failed:
            raise DeliveryError(f"send: {type(failed).__name__}") from None
        if refused:
            codes = sorted({code for code, _ in refused.values()})
            raise DeliveryError(f"recipient refused: {codes}", permanent=_permanent(codes))


def _permanent(codes: list[int]) -> bool:
    return all(500 <= code < 600 for code in codes)
