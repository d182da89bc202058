"""Email through the transactional outbox: written with its event, delivered once, never lost."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from faker import Faker

from baomat import bootstrap
from baomat.policy.model import Policy
from baomat.services import emails, outbox, subject_login, subjects
from baomat.services.notify import OutboxNotifier
from baomat.services.tenants import PolicyCache
from tests.integration.mailserver import MailServer, free_port
from tests.integration.shop import AT

SECOND = dt.timedelta(seconds=1)


def _members(app: bootstrap.App, shop: Policy, n: int, seed: int = 5) -> dict[str, str]:
    """n generated members of the shop → {subject id: email}."""
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    people = [{"full_name": fake.name(), "email": f"khach{i}@example.vn"} for i in range(n)]
    ids = subjects.register(app.uow(), shop, "member", people, "test", AT)
    return {sid: p["email"] for sid, p in zip(ids, people, strict=True)}


def _queue_codes(app: bootstrap.App, ids: list[str], language: str = "vi") -> None:
    with app.uow() as uow:
        for n, sid in enumerate(ids):
            context = {"code": f"{n:06d}", "minutes": 10}
            outbox.queue(uow, "shop", sid, "login_code", language, context, AT)
        uow.commit()


def _deliver(app: bootstrap.App, server: MailServer, at: dt.datetime) -> outbox.Delivery:
    return outbox.deliver(app.uow, PolicyCache(), server.transport(), lambda: at)


def _counts(app: bootstrap.App) -> dict[str, int]:
    with app.uow(read_only=True) as uow:
        return uow.outbox.counts("shop")


def test_a_login_code_is_queued_with_its_event_and_reaches_the_server_once(
    app: bootstrap.App, shop: Policy
) -> None:
    [(member, address)] = _members(app, shop, 1).items()
    app.notifier = OutboxNotifier()

    subject_login.request_code(app.uow(), "shop", member, app.notifier, AT, "en")
    with MailServer() as server:
        assert server.received == []  # queued, not sent, by the request
        first = _deliver(app, server, AT)
        again = _deliver(app, server, AT + dt.timedelta(hours=2))

    assert (first.sent, again) == (1, outbox.Delivery())
    [mail] = server.received
    assert mail["To"] == address
    assert mail["Content-Language"] == "en"
    assert mail["Subject"].startswith("Your Test Shop login code: ")
    code = mail["Subject"].rsplit(" ", 1)[1]
    assert code in mail.get_body().get_content() and len(code) == 6
    session = subject_login.login_subject_code(app.uow(), "shop", member, code, AT)
    assert session.token
    assert _counts(app)["sent"] == 1
    with app.uow(read_only=True) as uow:
        entries = [e for e in uow.audit.entries("shop", member) if e["action"] == "mail.sent"]
        [stored] = uow.outbox.of_subject("shop", member)
    assert len(entries) == 1
    assert code not in str(entries[0]["detail"]) and address not in str(entries[0]["detail"])
    assert stored["status"] == "sent" and "sealed" not in stored


def test_a_rolled_back_event_leaves_no_message(app: bootstrap.App, shop: Policy) -> None:
    [member] = _members(app, shop, 1)
    with app.uow() as uow:
        outbox.queue(uow, "shop", member, "login_code", "vi", {"code": "1", "minutes": 1}, AT)
        # no commit: the event failed
    assert _counts(app)["pending"] == 0


def test_with_the_server_down_then_up_every_message_arrives_exactly_once(
    app: bootstrap.App, shop: Policy
) -> None:
    members = _members(app, shop, 20)
    _queue_codes(app, list(members))
    down = MailServer(port=free_port())  # nothing listens on its port yet

    refused = _deliver(app, down, AT)
    too_soon = _deliver(app, down, AT + 29 * SECOND)
    refused_again = _deliver(app, down, AT + 30 * SECOND)
    with down:
        not_yet = _deliver(app, down, AT + 30 * SECOND + 59 * SECOND)
        delivered = _deliver(app, down, AT + 30 * SECOND + 60 * SECOND)
        after = _deliver(app, down, AT + dt.timedelta(days=1))

    assert (refused.retried, too_soon, refused_again.retried) == (20, outbox.Delivery(), 20)
    assert (not_yet, delivered.sent, after) == (outbox.Delivery(), 20, outbox.Delivery())
    ids = Counter(mail["Message-ID"] for mail in down.received)
    assert len(ids) == 20 and set(ids.values()) == {1}
    assert sorted(mail["To"] for mail in down.received) == sorted(members.values())
    assert _counts(app) == {"pending": 0, "sent": 20, "failed": 0, "cancelled": 0}


def test_two_senders_racing_send_each_message_once(app: bootstrap.App, shop: Policy) -> None:
    _queue_codes(app, list(_members(app, shop, 40)))
    results: list[outbox.Delivery] = []
    with MailServer() as server:
        barrier = threading.Barrier(2)

        def sender() -> None:
            barrier.wait()
            transport = server.transport()
            results.append(outbox.deliver(app.uow, PolicyCache(), transport, lambda: AT, limit=10))
            while (more := outbox.deliver(app.uow, PolicyCache(), transport, lambda: AT)).sent:
                results.append(more)

        threads = [threading.Thread(target=sender) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    assert sum(r.sent for r in results) == 40
    assert set(Counter(mail["Message-ID"] for mail in server.received).values()) == {1}
    assert len(server.received) == 40


def test_a_message_to_an_erased_subject_is_cancelled_not_sent(
    app: bootstrap.App, shop: Policy
) -> None:
    kept, erased = _members(app, shop, 2)
    _queue_codes(app, [kept, erased])
    subjects.erase(app.uow(), "shop", erased, "subject_request", "test", AT)

    with MailServer() as server:
        delivery = _deliver(app, server, AT)

    assert (delivery.sent, delivery.cancelled) == (1, 1)
    assert len(server.received) == 1
    with app.uow(read_only=True) as uow:
        [cancelled] = [e for e in uow.audit.entries("shop") if e["action"] == "mail.cancelled"]
    assert cancelled["subject"] == erased and "subject_erased" in str(cancelled["detail"])


def test_a_mailbox_refused_for_good_fails_and_stays_listed_until_requeued(
    app: bootstrap.App, shop: Policy
) -> None:
    members = _members(app, shop, 2)
    bad, good = members
    _queue_codes(app, [bad, good])

    with MailServer(refuse={members[bad]}) as server:
        delivery = _deliver(app, server, AT)
    assert (delivery.sent, delivery.failed) == (1, 1)
    assert _counts(app)["failed"] == 1
    with app.uow() as uow:
        [failed] = [m for m in uow.outbox.of_subject("shop", bad)]
        assert failed["status"] == "failed"
        assert uow.outbox.requeue_failed(AT) == 1
        uow.commit()

    with MailServer() as server:
        assert _deliver(app, server, AT).sent == 1
    assert _counts(app) == {"pending": 0, "sent": 2, "failed": 0, "cancelled": 0}


def test_an_unknown_template_fails_the_event_not_the_email(
    app: bootstrap.App, shop: Policy
) -> None:
    [member] = _members(app, shop, 1)
    with app.uow() as uow, pytest.raises(emails.UnknownTemplate):
        outbox.queue(uow, "shop", member, "no_such_template", "vi", {}, AT)
    with app.uow() as uow, pytest.raises(emails.UnknownTemplate):
        outbox.queue(uow, "shop", member, "login_code", "fr", {}, AT)


def test_the_wait_between_attempts_doubles_up_to_an_hour() -> None:
    waits = [outbox.retry_wait(n).total_seconds() for n in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
