"""Errors a use case reports to its caller; entrypoints map them to statuses and exit codes."""

from __future__ import annotations


class DomainError(Exception):
    """Base: a message in plain words, safe to show (it never holds a personal value)."""

    code = "error"


class NotFound(DomainError):
    code = "not_found"


class Invalid(DomainError):
    """Bad input: names the field and the rule it breaks."""

    code = "invalid"

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class Conflict(DomainError):
    code = "conflict"


class Duplicate(Conflict):
    """A value a field holds uniquely is already another's: names the field and the rule, never
    the value (policy key `unique`)."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class Unauthenticated(DomainError):
    """No valid credentials: one error for a missing, malformed, unknown or revoked key."""

    code = "unauthenticated"


class Forbidden(DomainError):
    """Known caller, but this is not theirs to do."""

    code = "forbidden"


class NotConfigured(DomainError):
    """A feature needs a service this installation has not configured (an email server for
    login codes): the server's state, not the request, so it may work once configured."""

    code = "not_configured"
