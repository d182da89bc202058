"""The email sender: delivers what waits in the outbox, each minute."""

from __future__ import annotations

from collections.abc import Callable

from baomat.config import Settings
from baomat.jobs.job import Context, Outcome
from baomat.services import outbox
from baomat.services.smtp import SmtpConfig, SmtpTransport, Transport
from baomat.services.tenants import PolicyCache

BATCH = 200


def transport_for(settings: Settings) -> SmtpTransport | None:
    """The SMTP server the settings name (`BAOMAT_SMTP_*`); None when none is configured."""
    if settings.smtp_host is None:
        return None
    config = SmtpConfig(
        settings.smtp_host, settings.smtp_port, settings.smtp_sender, settings.smtp_username,
        settings.smtp_password, settings.smtp_starttls,
    )  # fmt: skip
    return SmtpTransport(config)


def sender(transport: Transport | None) -> Callable[[Context], Outcome]:
    """The job's function for this SMTP server; a no-op run when none is configured."""

    def send(ctx: Context) -> Outcome:
        if transport is None:
            return Outcome({"configured": 0})
        policies = PolicyCache()
        totals = dict.fromkeys(("sent", "retried", "failed", "cancelled"), 0)
        while True:
            done = outbox.deliver(ctx.uow, policies, transport, ctx.clock, limit=BATCH)
            for name in totals:
                totals[name] += getattr(done, name)
            # A full batch of settled messages: more may be due at once.
            if done.sent + done.failed + done.cancelled < BATCH:
                break
        return Outcome(totals)

    return send
