"""Data subjects log in by password or by a one-time code: 1-hour sessions, single-use codes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from sqlalchemy import select

from baomat import bootstrap
from baomat.domain.errors import Invalid, NotFound, Unauthenticated
from baomat.domain.login import CODE_LIFETIME, LOCK_PERIOD, SUBJECT_SESSION
from baomat.policy.model import Policy
from baomat.services import auth, subject_login, subjects
from baomat.services.notify import NoNotifier, NotConfigured
from baomat.store.tables import audit_entries, credentials, sessions
from tests.integration.logins import PASSWORD, CapturingNotifier
from tests.integration.shop import AT

WRONG = "not the password at all"
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def subject(app: bootstrap.App, shop: Policy, fast_passwords: None) -> str:
    """A member of the shop, with no password yet."""
    values = {"full_name": "Võ Thị Khách", "email": "khach@example.vn"}
    [subject_id] = subjects.register(app.uow(), shop, "member", [values], "test", AT)
    return subject_id


@pytest.fixture
def notifier() -> CapturingNotifier:
    return CapturingNotifier()


def _code(app: bootstrap.App, subject: str, notifier: CapturingNotifier, at: dt.datetime) -> str:
    subject_login.request_code(app.uow(), "shop", subject, notifier, at)
    return notifier.codes[-1]


def _by_code(app: bootstrap.App, subject: str, code: str, at: dt.datetime = AT) -> str:
    return subject_login.login_subject_code(app.uow(), "shop", subject, code, at).token


def _by_password(app: bootstrap.App, subject: str, password: str, at: dt.datetime = AT) -> str:
    return subject_login.login_subject_password(app.uow(), "shop", subject, password, at).token


def _logins(app: bootstrap.App, subject: str) -> list[tuple[str, str]]:
    """(outcome, detail) of the subject's own `subject.login` entries."""
    with app.uow() as uow:
        entries = uow.audit.entries("shop", subject)
    return [
        (str(e["outcome"]), str(e["detail"])) for e in entries if e["action"] == "subject.login"
    ]


def test_a_subject_with_a_password_logs_in_for_one_hour(app: bootstrap.App, subject: str) -> None:
    subject_login.set_password(app.uow(), "shop", subject, PASSWORD, "apikey:abc", AT)

    session = subject_login.login_subject_password(app.uow(), "shop", subject, PASSWORD, AT)

    assert session.expires_at == AT + SUBJECT_SESSION
    principal = auth.authenticate_session(app.uow(), session.token, AT)
    assert (principal.tenant, principal.kind, principal.id, principal.role) == (
        "shop", "subject", subject, None,
    )  # fmt: skip
    assert principal.actor == f"subject:{subject}"
    with pytest.raises(Unauthenticated):
        auth.authenticate_session(app.uow(), session.token, AT + SUBJECT_SESSION)
    with app.uow() as uow:
        actions = [(e["actor"], e["action"]) for e in uow.audit.entries("shop", subject)]
    assert actions[-2:] == [
        ("apikey:abc", "subject.password_set"),
        (principal.actor, "subject.login"),
    ]


def test_a_password_needs_an_active_subject_and_keeps_to_the_rule(
    app: bootstrap.App, subject: str
) -> None:
    with pytest.raises(NotFound):
        subject_login.set_password(app.uow(), "shop", "0" * 32, PASSWORD, "test", AT)
    with pytest.raises(Invalid, match="at least 12"):
        subject_login.set_password(app.uow(), "shop", subject, "short", "test", AT)
    with pytest.raises(Invalid, match="account id"):
        subject_login.set_password(app.uow(), "shop", subject, f"my id {subject}", "test", AT)
    subjects.erase(app.uow(), "shop", subject, "subject_request", "test", AT)
    with pytest.raises(NotFound):
        subject_login.set_password(app.uow(), "shop", subject, PASSWORD, "test", AT)


def test_no_password_a_wrong_one_and_an_unknown_subject_are_refused_alike(
    app: bootstrap.App, subject: str
) -> None:
    with pytest.raises(Unauthenticated) as no_password:
        _by_password(app, subject, PASSWORD)
    subject_login.set_password(app.uow(), "shop", subject, PASSWORD, "test", AT)
    with pytest.raises(Unauthenticated) as wrong:
        _by_password(app, subject, WRONG)
    with pytest.raises(Unauthenticated) as unknown:
        _by_password(app, "0" * 32, PASSWORD)

    assert str(no_password.value) == str(wrong.value) == str(unknown.value)
    assert [(o, d) for o, d in _logins(app, subject)] == [
        ("denied", '{"reason":"no_password"}'),
        ("denied", '{"reason":"wrong_password"}'),
    ]


def test_five_failed_logins_lock_the_subject_for_fifteen_minutes(
    app: bootstrap.App, subject: str
) -> None:
    subject_login.set_password(app.uow(), "shop", subject, PASSWORD, "test", AT)
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            _by_password(app, subject, WRONG)

    with pytest.raises(Unauthenticated):
        _by_password(app, subject, PASSWORD, AT + LOCK_PERIOD - MINUTE)
    _by_password(app, subject, PASSWORD, AT + LOCK_PERIOD)
    assert [o for o, _ in _logins(app, subject)] == ["denied"] * 6 + ["ok"]
    assert '"reason":"locked"' in _logins(app, subject)[5][1]


def test_a_code_is_sent_and_logs_the_subject_in_once(
    app: bootstrap.App, subject: str, notifier: CapturingNotifier
) -> None:
    expires_at = subject_login.request_code(app.uow(), "shop", subject, notifier, AT, "en")

    [(tenant, to, code, language)] = notifier.sent
    assert (tenant, to, language, len(code), code.isdigit()) == ("shop", subject, "en", 6, True)
    assert expires_at == AT + CODE_LIFETIME
    token = _by_code(app, subject, code, AT + CODE_LIFETIME - MINUTE)
    assert auth.authenticate_session(app.uow(), token, AT).kind == "subject"
    with pytest.raises(Unauthenticated):
        _by_code(app, subject, code)
    assert [o for o, _ in _logins(app, subject)] == ["ok", "denied"]
    assert '"reason":"no_code"' in _logins(app, subject)[1][1]


def test_neither_codes_nor_passwords_are_stored_or_audited(
    app: bootstrap.App, subject: str, notifier: CapturingNotifier
) -> None:
    subject_login.set_password(app.uow(), "shop", subject, PASSWORD, "test", AT)
    token = _by_password(app, subject, PASSWORD)
    with pytest.raises(Unauthenticated):
        _by_password(app, subject, WRONG)
    code = _code(app, subject, notifier, AT)

    with app.engine.connect() as conn:
        [row] = conn.execute(select(credentials)).all()
        text = repr(
            [
                tuple(r)
                for t in (credentials, sessions, audit_entries)
                for r in conn.execute(select(t))
            ]
        )
    assert row.password_hash.startswith("$argon2id$")
    assert row.code_hash is not None
    for forbidden in (PASSWORD, WRONG, token.split("_", 2)[2]):
        assert forbidden not in text
    assert f'"{code}"' not in text
    # A six-digit code's plain SHA-256 would be reversed in a moment: it is keyed.
    assert hashlib.sha256(code.encode()).hexdigest() not in text


def test_a_code_expires_after_ten_minutes_and_is_then_discarded(
    app: bootstrap.App, subject: str, notifier: CapturingNotifier
) -> None:
    code = _code(app, subject, notifier, AT)

    with pytest.raises(Unauthenticated):
        _by_code(app, subject, code, AT + CODE_LIFETIME)
    with app.uow() as uow:
        record = uow.credentials.get("shop", subject)
    assert record is not None
    assert (record.code_hash, record.code_expires_at, record.attempts.failed) == (None, None, 1)
    assert '"reason":"expired"' in _logins(app, subject)[0][1]


def test_five_wrong_codes_burn_the_code_and_lock_the_subject(
    app: bootstrap.App, subject: str, notifier: CapturingNotifier
) -> None:
    code = _code(app, subject, notifier, AT)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            _by_code(app, subject, wrong)

    with pytest.raises(Unauthenticated):
        _by_code(app, subject, code)
    subject_login.request_code(app.uow(), "shop", subject, notifier, AT + MINUTE)
    assert len(notifier.sent) == 1  # no code while locked, and the answer does not say so
    with pytest.raises(Unauthenticated):
        _by_code(app, subject, code, AT + LOCK_PERIOD)
    fresh = _code(app, subject, notifier, AT + LOCK_PERIOD)
    _by_code(app, subject, fresh, AT + LOCK_PERIOD)
    reasons = [d for _, d in _logins(app, subject)]
    assert ['"reason":"wrong_code"' in d for d in reasons[:5]] == [True] * 5
    assert '"locked_until"' in reasons[4]
    assert ['"reason":"locked"' in reasons[5], '"reason":"no_code"' in reasons[6]] == [True, True]
    assert _refused_codes(app, subject) == ["locked"]


def test_a_new_code_waits_a_minute_and_replaces_the_last_one(
    app: bootstrap.App, subject: str, notifier: CapturingNotifier
) -> None:
    first = _code(app, subject, notifier, AT)
    soon = AT + MINUTE - dt.timedelta(seconds=1)
    assert subject_login.request_code(app.uow(), "shop", subject, notifier, soon) == soon + (
        dt.timedelta(minutes=10)
    )
    assert len(notifier.sent) == 1
    assert _refused_codes(app, subject) == ["too_soon"]
    second = _code(app, subject, notifier, AT + MINUTE)

    if first != second:
        with pytest.raises(Unauthenticated):
            _by_code(app, subject, first, AT + MINUTE)
    _by_code(app, subject, second, AT + MINUTE)
    assert len(notifier.sent) == 2


def test_without_an_email_server_no_code_is_made(app: bootstrap.App, subject: str) -> None:
    assert isinstance(app.notifier, NoNotifier)
    with app.uow() as uow:
        before = len(uow.audit.entries("shop"))

    with pytest.raises(NotConfigured, match="needs an email server"):
        subject_login.request_code(app.uow(), "shop", subject, app.notifier, AT)

    with app.uow() as uow:
        record = uow.credentials.get("shop", subject)
        assert len(uow.audit.entries("shop")) == before
    assert record is None or record.code_hash is None


def test_no_code_for_an_unknown_or_erased_subject_and_the_answer_does_not_tell(
    app: bootstrap.App, subject: str, notifier: CapturingNotifier
) -> None:
    with pytest.raises(Invalid, match="language"):
        subject_login.request_code(app.uow(), "shop", subject, notifier, AT, "fr")
    expiry = AT + dt.timedelta(minutes=10)
    assert subject_login.request_code(app.uow(), "shop", "0" * 32, notifier, AT) == expiry
    assert subject_login.request_code(app.uow(), "nowhere", subject, notifier, AT) == expiry
    subjects.erase(app.uow(), "shop", subject, "subject_request", "test", AT)
    assert subject_login.request_code(app.uow(), "shop", subject, notifier, AT) == expiry

    assert notifier.sent == []
    with app.uow() as uow:
        refused = [
            (e["actor"], e["detail"])
            for e in uow.audit.entries("shop")
            if e["action"] == "subject.login_code"
        ]
        assert uow.audit.entries("nowhere") == []
    assert refused == [("anonymous", '{"reason":"unknown_account"}')] * 2


def test_an_erased_subjects_session_ends_and_a_closed_account_may_still_log_in(
    app: bootstrap.App, subject: str
) -> None:
    subject_login.set_password(app.uow(), "shop", subject, PASSWORD, "test", AT)
    subjects.close_account(app.uow(), "shop", subject, "test", AT)
    token = _by_password(app, subject, PASSWORD)

    subjects.erase(app.uow(), "shop", subject, "subject_request", "test", AT)

    with pytest.raises(Unauthenticated):
        auth.authenticate_session(app.uow(), token, AT)
    with pytest.raises(Unauthenticated):
        _by_password(app, subject, PASSWORD)


def test_a_new_password_clears_a_lock(app: bootstrap.App, subject: str) -> None:
    subject_login.set_password(app.uow(), "shop", subject, PASSWORD, "test", AT)
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            _by_password(app, subject, WRONG)

    subject_login.set_password(app.uow(), "shop", subject, "một mật khẩu mới hẳn", "test", AT)

    _by_password(app, subject, "một mật khẩu mới hẳn")
    with app.uow() as uow:
        assert uow.audit.verify("shop")[1] is None


def _refused_codes(app: bootstrap.App, subject: str) -> list[str]:
    """The reasons recorded for each code asked for and not sent, oldest first."""
    with app.uow() as uow:
        entries = uow.audit.entries("shop", subject)
    return [
        json.loads(e["detail"])["reason"]
        for e in entries
        if e["action"] == "subject.login_code" and e["outcome"] == "denied"
    ]
