"""The password rule, the lockout after failed logins, and what a Principal may do."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from baomat.domain.errors import Forbidden, Invalid
from baomat.domain.login import (
    LOCK_PERIOD,
    Attempts,
    Principal,
    check_new_password,
    normalise_password,
)
from baomat.domain.roles import Permission, Role

AT = dt.datetime(2026, 2, 13, 9, 30, tzinfo=dt.UTC)


def test_a_password_needs_twelve_characters_and_at_most_1024() -> None:
    assert check_new_password("twelve chars", "lan") == "twelve chars"
    for short in ("eleven char", ""):
        with pytest.raises(Invalid, match="at least 12 characters") as refused:
            check_new_password(short, "lan")
        assert refused.value.field == "password"
    with pytest.raises(Invalid, match="at most 1024"):
        check_new_password("x" * 1025, "lan")


def test_a_password_may_not_contain_the_account_id_in_any_case() -> None:
    with pytest.raises(Invalid, match="must not contain the account id"):
        check_new_password("my name is LAN.Nguyen!", "lan.nguyen")


def test_accents_typed_composed_or_combining_make_one_password() -> None:
    composed = "Mật khẩu của tôi"
    combining = unicodedata.normalize("NFD", composed)
    assert combining != composed
    assert normalise_password(combining) == normalise_password(composed)
    assert check_new_password(combining, "lan") == composed


def test_the_fifth_failure_in_a_row_locks_for_fifteen_minutes() -> None:
    attempts = Attempts()
    for n in range(1, 5):
        attempts = attempts.failure(AT)
        assert attempts == Attempts(n, None)
        assert not attempts.locked(AT)
    locked = attempts.failure(AT)
    assert locked == Attempts(0, AT + LOCK_PERIOD)
    assert locked.locked(AT + LOCK_PERIOD - dt.timedelta(seconds=1))
    assert not locked.locked(AT + LOCK_PERIOD)


def test_a_failure_after_the_lock_ends_counts_from_one_and_a_success_clears_all() -> None:
    locked = Attempts(0, AT)
    assert locked.failure(AT + LOCK_PERIOD) == Attempts(1, None)
    assert Attempts(4, None).success() == Attempts()


def test_a_principal_names_itself_as_actor_and_checks_its_role() -> None:
    dpo = Principal("shop", "staff", "lan", Role.DPO, "s1")
    subject = Principal("shop", "subject", "9f2c", None, "s2")
    assert (dpo.actor, subject.actor) == ("staff:lan", "subject:9f2c")
    dpo.require(Permission.APPROVE_AUTHORITY_DISCLOSURE)
    with pytest.raises(Forbidden):
        subject.require(Permission.READ_AUDIT)
