"""Email that is never lost and never sent twice: the transactional outbox.

    outbox.queue(uow, "wesale", subject_id, "login_code", "vi", {"code": "042917"}, now)
    ...                                   # committed with the event that caused it
    outbox.deliver(app.uow, policies, transport, app.clock)  → Delivery(sent=1, ...)

A message is written in the same transaction as its event. `deliver` claims
due messages for a lease, sends them over one SMTP connection, and marks
each one sent in a transaction of its own together with its audit entry. A
message that fails is tried again later, the wait doubling from 30 seconds
up to an hour; after `MAX_ATTEMPTS`, or when the server refuses it for good,
it is marked failed and stays listed until staff requeue it. A message whose
subject was erased is cancelled: its content can no longer be read.

Exactly once: the SMTP server accepting a message and the row being marked
sent are two systems, so a sender that dies between them would leave the
message to be sent again once its lease runs out. Every message carries a
`Message-ID` made from its outbox id, which lets a receiving system drop
such a duplicate; nothing else ever sends a message a second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING

from baomat.domain.audit import AuditEvent
from baomat.domain.errors import NotFound
from baomat.policy.model import DataType, Policy
from baomat.services import emails
from baomat.services.smtp import DeliveryError, Line, Transport
from baomat.store.outbox import Claimed
from baomat.store.subjects import SubjectShredded
from baomat.store.uow import UnitOfWork

if TYPE_CHECKING:  # services.tenants publishes policies, whose notices queue mail here
    from baomat.services.tenants import PolicyCache

ACTOR = "system:outbox"
LEASE = dt.timedelta(minutes=5)
"""How long a sender holds the messages it claimed; past it another sender may take them."""
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(hours=1)
MAX_ATTEMPTS = 15
"""About ten hours of trying (30 s, 1 min, 2 min, ... then hourly) before a message fails."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one `deliver` call did, in messages."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    lost_claims: int = 0
    """Messages whose lease ran out and another sender took them before this one finished."""


def queue(
    uow: UnitOfWork,
    tenant: str,
    subject_id: str,
    template: str,
    language: str,
    context: Mapping[str, object],
    at: dt.datetime,
) -> str:
    """Writes a message to the subject into the outbox of the open unit of work → its id.

    The caller commits it with its event. The template must exist in the
    language (checked now, so a mistake fails the event rather than the email).
    """
    if language not in emails.LANGUAGES or template not in emails.names():
        raise emails.UnknownTemplate(f"no email template '{template}' in '{language}'")
    return uow.outbox.add(tenant, subject_id, template, language, context, at)


def retry_wait(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failure: 30 s, doubling, at most an hour."""
    doubled: dt.timedelta = FIRST_RETRY * (1 << min(attempts - 1, 16))
    return min(doubled, LONGEST_WAIT)


def deliver(
    new_uow: Callable[..., UnitOfWork],
    policies: PolicyCache,
    transport: Transport,
    clock: Callable[[], dt.datetime],
    *,
    limit: int = 100,
) -> Delivery:
    """Sends up to `limit` due messages → what happened to them."""
    with new_uow() as uow:
        claimed = uow.outbox.claim(clock(), LEASE, limit)
        uow.commit()
    if not claimed:
        return Delivery()
    tally = {"sent": 0, "retried": 0, "failed": 0, "cancelled": 0, "lost_claims": 0}
    try:
        with transport.open() as line:
            for message in claimed:
                outcome = _deliver_one(new_uow, policies, transport.sender, line, message, clock)
                tally[outcome] += 1
    except DeliveryError as down:
        # No connection (or it broke): every message not yet settled waits its turn.
        for message in claimed[sum(tally.values()) :]:
            tally[_record_failure(new_uow, message, down, clock())] += 1
    return Delivery(**tally)


def _deliver_one(
    new_uow: Callable[..., UnitOfWork],
    policies: PolicyCache,
    sender: str,
    line: Line,
    message: Claimed,
    clock: Callable[[], dt.datetime],
) -> str:
    try:
        email = _compose(new_uow, policies, sender, message)
    except SubjectShredded:
        return _settle(new_uow, message, "cancelled", "subject_erased", clock())
    except _NoAddress as missing:
        return _settle(new_uow, message, "failed", str(missing), clock())
    try:
        line.send(email)
    except DeliveryError as refused:
        if refused.permanent:
            return _settle(new_uow, message, "failed", refused.reason, clock())
        return _record_failure(new_uow, message, refused, clock())
    with new_uow() as uow:
        if not uow.outbox.sent(message, clock()):
            return "lost_claims"
        event = AuditEvent(
            ACTOR,
            "mail.sent",
            message.subject_id,
            detail={"message": message.id, "template": message.template},
        )
        uow.audit.append(message.tenant, [event], clock())
        uow.commit()
    return "sent"


class _NoAddress(Exception):
    pass


def _compose(
    new_uow: Callable[..., UnitOfWork], policies: PolicyCache, sender: str, message: Claimed
) -> EmailMessage:
    """The email of a claimed message, to the subject's address as stored now."""
    try:
        policy = policies.current(new_uow(read_only=True), message.tenant)
    except NotFound:
        raise _NoAddress("no_policy") from None
    with new_uow(read_only=True) as uow:
        record = uow.subjects.get(message.tenant, message.subject_id)
        if record is None or record.status == "erased":
            raise SubjectShredded(message.subject_id)
        context = uow.outbox.open(message)
        field = email_field(policy, record.subject_type)
        if field is None:
            raise _NoAddress("no_email_field")
        address = uow.subjects.values(message.tenant, message.subject_id, [field]).get(field)
    if not address:
        raise _NoAddress("no_address")
    organisation = policy.organisation.name.in_(message.language)
    rendered = emails.render(
        message.template, message.language, {"organisation": organisation, **context}
    )
    email = EmailMessage()
    email["From"] = sender
    email["To"] = address
    email["Subject"] = rendered.subject
    email["Date"] = formatdate(localtime=False)
    domain = sender.rpartition("@")[2] or "baomat.local"
    email["Message-ID"] = make_msgid(idstring=f"{message.tenant}.{message.id}", domain=domain)
    email.set_content(rendered.text)
    if rendered.html is not None:
        email.add_alternative(rendered.html, subtype="html")
    email["Content-Language"] = message.language  # after the content, which resets Content-*
    return email


def email_field(policy: Policy, subject_type: str) -> str | None:
    """The subject type's first field of type email: where its messages go."""
    kind = policy.subject_type(subject_type)
    if kind is None:
        return None
    return next((f.id for f in kind.fields if f.type is DataType.EMAIL), None)


def _record_failure(
    new_uow: Callable[..., UnitOfWork], message: Claimed, error: DeliveryError, at: dt.datetime
) -> str:
    if message.attempts + 1 >= MAX_ATTEMPTS:
        return _settle(new_uow, message, "failed", error.reason, at)
    with new_uow() as uow:
        if not uow.outbox.retry(message, error.reason, at + retry_wait(message.attempts + 1)):
            return "lost_claims"
        uow.commit()
    return "retried"


def _settle(
    new_uow: Callable[..., UnitOfWork], message: Claimed, status: str, reason: str, at: dt.datetime
) -> str:
    """Ends a message as failed or cancelled, audited → the tally's key."""
    with new_uow() as uow:
        if not uow.outbox.give_up(message, status, reason):
            return "lost_claims"
        event = AuditEvent(
            ACTOR,
            f"mail.{status}",
            message.subject_id,
            outcome=status,
            detail={"message": message.id, "template": message.template, "reason": reason},
        )
        uow.audit.append(message.tenant, [event], at)
        uow.commit()
    return status
