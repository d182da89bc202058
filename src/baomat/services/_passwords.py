"""Argon2id password hashes for staff and subjects (argon2-cffi's RFC 9106 low-memory profile).

    stored = hash_password("a long passphrase")
    verify(stored, "a long passphrase")  # → Verified(ok=True, rehash=None)

Passwords arrive already normalised (`domain.login.normalise_password`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

HASHER = PasswordHasher()
"""Argon2id, t=3, m=64 MiB, p=4: about 0.1–0.2 s a hash on the development machine.

Tests may swap in a cheaper hasher; stored hashes name their own parameters,
so a hash made with other parameters still verifies, and is redone at the next login.
"""


@dataclass(frozen=True, slots=True)
class Verified:
    ok: bool
    rehash: str | None = None
    """A new hash under today's parameters, when the stored one was made with older ones."""


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify(stored: str | None, password: str) -> Verified:
    """Checks `password` against `stored`; with no stored hash, spends the same time and fails.

    So an unknown account or one without a password answers as slowly as a
    wrong password, and timing tells nothing of which accounts exist.
    """
    try:
        HASHER.verify(stored or _dummy(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return Verified(False)
    if stored is None:
        return Verified(False)
    return Verified(True, HASHER.hash(password) if HASHER.check_needs_rehash(stored) else None)


@cache
def _dummy() -> str:
    return HASHER.hash("not a password of anyone")
