"""Staff accounts: roles, Argon2id passwords, sessions of 8 hours, lockout, disabling."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select

from baomat import bootstrap
from baomat.domain.errors import Conflict, Invalid, NotFound, Unauthenticated
from baomat.domain.login import LOCK_PERIOD, STAFF_SESSION
from baomat.domain.roles import Role
from baomat.services import auth, staff
from baomat.services.auth import LOGIN_FAILED
from baomat.store.tables import audit_entries, sessions, staff_accounts
from tests.integration.logins import PASSWORD
from tests.integration.shop import AT

WRONG = "not the password at all"


@pytest.fixture
def lan(app: bootstrap.App, fast_passwords: None) -> str:
    """The shop's DPO, `lan.nguyen`, whose password is PASSWORD."""
    staff.create_staff(app.uow(), "shop", "lan.nguyen", Role.DPO, PASSWORD, "cli:root", AT)
    return "lan.nguyen"


def _login(app: bootstrap.App, password: str, at: dt.datetime = AT) -> str:
    return staff.login_staff(app.uow(), "shop", "lan.nguyen", password, at).token


def _logins(app: bootstrap.App) -> list[tuple[str, str, str]]:
    """(actor, outcome, reason) of the shop's `staff.login` entries, in order."""
    with app.uow() as uow:
        entries = [e for e in uow.audit.entries("shop") if e["action"] == "staff.login"]
    return [(str(e["actor"]), str(e["outcome"]), _reason(e)) for e in entries]


def _reason(entry: dict[str, object]) -> str:
    detail = str(entry["detail"])
    return detail.split('"reason":"')[1].split('"')[0] if '"reason"' in detail else ""


def test_a_staff_member_logs_in_and_the_session_names_them_and_their_role(
    app: bootstrap.App, lan: str
) -> None:
    session = staff.login_staff(app.uow(), "shop", lan, PASSWORD, AT)

    assert session.expires_at == AT + STAFF_SESSION
    assert session.token.startswith(f"bs_{session.id}_")
    principal = auth.authenticate_session(app.uow(), session.token, AT)
    assert (principal.tenant, principal.kind, principal.id, principal.role) == (
        "shop", "staff", lan, Role.DPO,
    )  # fmt: skip
    assert principal.actor == "staff:lan.nguyen"
    assert _logins(app) == [("staff:lan.nguyen", "ok", "")]


def test_the_store_and_the_audit_hold_hashes_never_the_password_or_the_token(
    app: bootstrap.App, lan: str
) -> None:
    token = _login(app, PASSWORD)
    with pytest.raises(Unauthenticated):
        _login(app, WRONG)

    secret = token.split("_", 2)[2]
    with app.engine.connect() as conn:
        [account] = conn.execute(select(staff_accounts)).all()
        rows = [
            tuple(r)
            for table in (staff_accounts, sessions, audit_entries)
            for r in conn.execute(select(table))
        ]
    text = repr(rows)
    for forbidden in (PASSWORD, WRONG, secret):
        assert forbidden not in text
    assert account.password_hash.startswith("$argon2id$")
    assert hashlib.sha256(secret.encode()).hexdigest() in text


def test_a_password_is_hashed_with_argon2id_at_the_production_parameters(
    app: bootstrap.App,
) -> None:
    staff.create_staff(app.uow(), "shop", "minh", Role.AUDITOR, PASSWORD, "test", AT)

    with app.engine.connect() as conn:
        stored = conn.execute(select(staff_accounts.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_hash_made_with_older_parameters_is_redone_at_the_next_login(
    app: bootstrap.App, monkeypatch: pytest.MonkeyPatch
) -> None:
    from argon2 import PasswordHasher

    from baomat.services import _passwords

    production = _passwords.HASHER
    monkeypatch.setattr(_passwords, "HASHER", PasswordHasher(1, 8, 1))
    staff.create_staff(app.uow(), "shop", "minh", Role.AUDITOR, PASSWORD, "test", AT)
    monkeypatch.setattr(_passwords, "HASHER", production)

    staff.login_staff(app.uow(), "shop", "minh", PASSWORD, AT)

    with app.engine.connect() as conn:
        stored = conn.execute(select(staff_accounts.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    staff.login_staff(app.uow(), "shop", "minh", PASSWORD, AT)


def test_a_wrong_password_an_unknown_account_and_an_unknown_tenant_are_refused_alike(
    app: bootstrap.App, lan: str
) -> None:
    refusals = []
    for tenant, staff_id, password in (
        ("shop", lan, WRONG),
        ("shop", "nobody", PASSWORD),
        ("nowhere", lan, PASSWORD),
    ):
        with pytest.raises(Unauthenticated) as refused:
            staff.login_staff(app.uow(), tenant, staff_id, password, AT)
        refusals.append(str(refused.value))

    assert refusals == [LOGIN_FAILED] * 3
    assert _logins(app) == [
        ("staff:lan.nguyen", "denied", "wrong_password"),
        ("anonymous", "denied", "unknown_account"),
    ]
    with app.uow() as uow:
        assert "nobody" not in repr(uow.audit.entries("shop"))


def test_five_failed_logins_lock_the_account_for_fifteen_minutes(
    app: bootstrap.App, lan: str
) -> None:
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            _login(app, WRONG)

    for minutes in (0, 14):
        with pytest.raises(Unauthenticated):
            _login(app, PASSWORD, AT + dt.timedelta(minutes=minutes))
    _login(app, PASSWORD, AT + LOCK_PERIOD)

    logins = _logins(app)
    assert logins[:5] == [("staff:lan.nguyen", "denied", "wrong_password")] * 5
    assert logins[5:] == [
        ("staff:lan.nguyen", "denied", "locked"),
        ("staff:lan.nguyen", "denied", "locked"),
        ("staff:lan.nguyen", "ok", ""),
    ]
    with app.uow() as uow:
        fifth = [e for e in uow.audit.entries("shop") if e["action"] == "staff.login"][4]
        assert uow.audit.verify("shop")[1] is None
    assert "locked_until" in str(fifth["detail"])


def test_a_success_starts_the_count_of_failures_again(app: bootstrap.App, lan: str) -> None:
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            _login(app, WRONG)
    _login(app, PASSWORD)
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            _login(app, WRONG)

    _login(app, PASSWORD)
    with app.uow() as uow:
        assert uow.staff.attempts("shop", lan).failed == 0


def test_a_disabled_account_cannot_log_in_and_its_open_sessions_end(
    app: bootstrap.App, lan: str
) -> None:
    token = _login(app, PASSWORD)
    staff.disable_staff(app.uow(), "shop", lan, "cli:root", AT)

    with pytest.raises(Unauthenticated):
        auth.authenticate_session(app.uow(), token, AT)
    with pytest.raises(Unauthenticated, match="login failed"):
        _login(app, PASSWORD)
    with pytest.raises(Conflict, match="already disabled"):
        staff.disable_staff(app.uow(), "shop", lan, "cli:root", AT)
    assert _logins(app)[-1] == ("staff:lan.nguyen", "denied", "disabled")
    [listed] = staff.list_staff(app.uow(), "shop")
    assert (listed.id, listed.role, listed.disabled_at) == (lan, Role.DPO, AT)


def test_a_staff_session_lasts_eight_hours(app: bootstrap.App, lan: str) -> None:
    token = _login(app, PASSWORD)

    assert auth.authenticate_session(app.uow(), token, AT + STAFF_SESSION - dt.timedelta(seconds=1))
    for later in (STAFF_SESSION, STAFF_SESSION + dt.timedelta(days=30)):
        with pytest.raises(Unauthenticated, match="invalid or expired session"):
            auth.authenticate_session(app.uow(), token, AT + later)


def test_logout_ends_the_session_and_is_audited(app: bootstrap.App, lan: str) -> None:
    token = _login(app, PASSWORD)
    other = _login(app, PASSWORD)
    principal = auth.authenticate_session(app.uow(), token, AT)

    auth.logout(app.uow(), principal, AT)

    with pytest.raises(Unauthenticated):
        auth.authenticate_session(app.uow(), token, AT)
    with pytest.raises(Unauthenticated):
        auth.logout(app.uow(), principal, AT)
    assert auth.authenticate_session(app.uow(), other, AT).id == lan
    with app.uow() as uow:
        [logout] = [e for e in uow.audit.entries("shop") if e["action"] == "staff.logout"]
    assert logout["actor"] == "staff:lan.nguyen"
    assert principal.session in str(logout["detail"])


def test_malformed_unknown_and_tampered_tokens_get_the_same_refusal(
    app: bootstrap.App, lan: str
) -> None:
    token = _login(app, PASSWORD)
    session_id, secret = token.split("_", 2)[1:]
    tampered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    messages = set()
    for presented in ("", "bs_x", token + "x", f"bs_{'0' * 32}_{secret}",
                      f"bs_{session_id}_{tampered}", token.replace("bs_", "bm_", 1)):  # fmt: skip
        with pytest.raises(Unauthenticated) as refused:
            auth.authenticate_session(app.uow(), presented, AT)
        messages.add(str(refused.value))
    assert messages == {"invalid or expired session"}


def test_a_changed_role_applies_to_an_open_session_at_once(app: bootstrap.App, lan: str) -> None:
    token = _login(app, PASSWORD)
    with app.uow() as uow:
        uow.conn.execute(staff_accounts.update().values(role=Role.AUDITOR.value))
        uow.commit()

    assert auth.authenticate_session(app.uow(), token, AT).role is Role.AUDITOR


def test_an_account_needs_a_good_id_a_known_role_and_tenant_and_a_long_password(
    app: bootstrap.App, lan: str
) -> None:
    cases = [
        (("shop", "Lan Nguyen", "dpo", PASSWORD), Invalid, "staff_id"),
        (("shop", "minh", "boss", PASSWORD), Invalid, "role"),
        (("shop", "minh", "dpo", "too short"), Invalid, "password"),
        (("shop", "minh", "dpo", "i am minh, the dpo"), Invalid, "password"),
        (("nowhere", "minh", "dpo", PASSWORD), NotFound, "tenant 'nowhere'"),
        (("shop", lan, "support", PASSWORD), Conflict, "already exists"),
    ]
    for (tenant, staff_id, role, password), error, where in cases:
        with pytest.raises(error) as refused:
            staff.create_staff(app.uow(), tenant, staff_id, role, password, "test", AT)
        assert where in str(refused.value), (staff_id, role)
    assert [s.id for s in staff.list_staff(app.uow(), "shop")] == [lan]


def test_creating_and_disabling_are_audited_naming_the_account_and_role(
    app: bootstrap.App, lan: str
) -> None:
    staff.disable_staff(app.uow(), "shop", lan, "cli:root", AT)

    with app.uow() as uow:
        entries = [e for e in uow.audit.entries("shop") if e["action"].startswith("staff.")]
    assert [(e["actor"], e["action"], e["detail"]) for e in entries] == [
        ("cli:root", "staff.create", '{"role":"dpo","staff_id":"lan.nguyen"}'),
        ("cli:root", "staff.disable", '{"staff_id":"lan.nguyen"}'),
    ]
    with pytest.raises(NotFound):
        staff.disable_staff(app.uow(), "shop", "nobody", "cli:root", AT)
