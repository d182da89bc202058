"""Refusals: a step that the record's state, or the policy's offer, does not allow, with a code.

    raise StepRefused("already_extended", "request: its deadline was already extended; ...")
    reason_of(error)                  -> "already_extended"
    reason_of(Conflict("..."))        -> "conflict"   (an error without a code: its kind)

The code is what the refused step's `denied` audit entry keeps
(`services.refusals`); the message is the caller's, in plain words. A
StepRefused is a Conflict and a NotOffered a Forbidden, so each answers as
its parent does (409, 403).
"""

from __future__ import annotations

from baomat.domain.errors import Conflict, DomainError, Forbidden

ACCESS_DENIED = "access.denied"
"""The action of the entry a staff member's call refused for want of a permission leaves."""


class StepRefused(Conflict):
    """A step the record's state does not allow (already done, out of order, too late)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class NotAllowed(Forbidden):
    """A step this actor may not take: their role, or being who asked (`not_dpo`, `own_request`)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class NotOffered(NotAllowed):
    """A step the tenant's policy does not offer (a right, a channel)."""


def reason_of(error: DomainError) -> str:
    """The refusal's reason code: its own `reason` where it has one, else its kind (`code`)."""
    reason = getattr(error, "reason", None)
    return reason if isinstance(reason, str) and reason else error.code
