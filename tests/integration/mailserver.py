"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for tests.

with MailServer() as server:         # listening on 127.0.0.1:server.port
    ...deliver...
    server.received                   # [email.message.EmailMessage, ...]
"""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller

from baomat.services.smtp import SmtpConfig, SmtpTransport


class _Keeper:
    def __init__(self, refuse: set[str]) -> None:
        self.received: list[EmailMessage] = []
        self.refuse = refuse

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class MailServer:
    """Listens on `port` (a free one unless given) from `start()` (or `with`) to `stop()`."""

    def __init__(self, port: int | None = None, refuse: set[str] | None = None) -> None:
        self.port = port or free_port()
        self._keeper = _Keeper(refuse or set())
        self._controller: Controller | None = None

    @property
    def received(self) -> list[EmailMessage]:
        return self._keeper.received

    def transport(self) -> SmtpTransport:
        return SmtpTransport(SmtpConfig("127.0.0.1", self.port, "no-reply@baomat.test", timeout=5))

    def start(self) -> MailServer:
        self._controller = Controller(self._keeper, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> MailServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
