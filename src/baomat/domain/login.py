"""Logging in: the password rule, the lockout after failed attempts, session lifetimes,
and the `Principal` a session stands for.

    password = check_new_password("mật khẩu đủ dài", "lan.nguyen")  # normalised, or Invalid
    attempts = Attempts().failure(at)                               # 1 failed, not locked

The numbers are argued in docs/decisions/004-authentication.md.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Literal

from baomat.domain import roles
from baomat.domain.errors import Invalid
from baomat.domain.roles import Permission, Role

MIN_PASSWORD = 12
"""Characters, after normalisation: length is what makes a password hard to guess."""
MAX_PASSWORD = 1024
"""Characters: bounds the work one login asks of the server."""

MAX_FAILED_ATTEMPTS = 5
"""Consecutive failed logins (password or code) that lock an account."""
LOCK_PERIOD = dt.timedelta(minutes=15)
"""How long a locked account refuses every login, the right password included."""

STAFF_SESSION = dt.timedelta(hours=8)
"""A staff session lasts one working day, then its holder logs in again."""
SUBJECT_SESSION = dt.timedelta(hours=1)
"""A data subject's session: long enough to see, export or correct their data."""

CODE_DIGITS = 6
CODE_LIFETIME = dt.timedelta(minutes=10)
"""A one-time login code is good for ten minutes, once."""
CODE_RESEND_AFTER = dt.timedelta(minutes=1)
"""A new code is sent at most once a minute, so the route cannot be used to flood a mailbox."""

Kind = Literal["staff", "subject"]


def normalise_password(password: str) -> str:
    """NFKC, so a Vietnamese password typed with composed or combining accents is one password.

    'Mật khẩu' typed as `a` + U+0302 + U+0323 and as the one character `ậ`
    hash alike (NIST SP 800-63B asks verifiers to normalise so).
    """
    return unicodedata.normalize("NFKC", password)


def check_new_password(password: str, account_id: str) -> str:
    """A password someone chose → its normalised form, or Invalid naming the rule.

    At least `MIN_PASSWORD` characters, at most `MAX_PASSWORD`, and not
    containing the account's own id (compared without case).
    """
    normalised = normalise_password(password)
    if len(normalised) < MIN_PASSWORD:
        raise Invalid("password", f"must be at least {MIN_PASSWORD} characters")
    if len(normalised) > MAX_PASSWORD:
        raise Invalid("password", f"must be at most {MAX_PASSWORD} characters")
    if account_id and account_id.casefold() in normalised.casefold():
        raise Invalid("password", "must not contain the account id")
    return normalised


@dataclass(frozen=True, slots=True)
class Attempts:
    """An account's consecutive failed logins, and until when it is locked.

    The fifth failure in a row locks the account for `LOCK_PERIOD` and starts
    the count again; a success clears both. Attempts while locked are refused
    without being counted, so they neither extend the lock nor add to the next.
    """

    failed: int = 0
    locked_until: dt.datetime | None = None

    def locked(self, at: dt.datetime) -> bool:
        return self.locked_until is not None and at < self.locked_until

    def failure(self, at: dt.datetime) -> Attempts:
        """One more failed login at `at` → the new state, locked if it was the fifth."""
        if self.failed + 1 >= MAX_FAILED_ATTEMPTS:
            return Attempts(0, at + LOCK_PERIOD)
        return Attempts(self.failed + 1, None)

    def success(self) -> Attempts:
        return Attempts()


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a session stands for: a staff member with a role, or a data subject.

    `id` is the staff account id or the subject's pseudonymous id; `session`
    is the session's id (never its secret), which logging out revokes.
    """

    tenant: str
    kind: Kind
    id: str
    role: Role | None
    session: str

    @property
    def actor(self) -> str:
        """The audit actor: `staff:<id>` or `subject:<pseudonym>`."""
        return f"{self.kind}:{self.id}"

    def require(self, permission: Permission) -> None:
        """Returns if this principal's role holds `permission`, else raises Forbidden."""
        roles.require(self.role, permission)
