"""Consent to one purpose, with the proof a controller must be able to show.

Decree 13 Arts. 11–12 (LAW.md "Consent"): consent is per purpose, voluntary
and informed; it is an affirmative act (a tick, a click, a signature, a
voice or SMS reply), never silence or a pre-ticked box; the controller bears
the burden of proof, so each consent keeps what the subject was shown (the
policy version and the hash of the purpose's text in the language shown),
when, through which channel, and the client's IP and user agent; withdrawal
stops processing from then on and does not undo what was lawfully done before.
Only opt-in purposes take consent (policy key `purposes[].consent`); a
purpose that needs none is refused rather than recorded, and every opt-in
purpose starts as not consented to.

What is hashed (`shown_text_sha256`): the UTF-8 bytes of the purpose's text in
the language shown, `purposes[].text.vi` or `purposes[].text.en` of the cited
policy version exactly as the loaded policy holds it (surrounding whitespace
stripped, no trailing newline); written as 64 hexadecimal digits. A website
shows that text, computes the same hash and sends it with the consent.

    shown_text_sha256("Gửi thư quảng cáo")
    -> "fa640f33abd248104bdfa1165b22c6dff3ce1b65f15600e1a2c003e18f72f45d"
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from dataclasses import dataclass, field

from baomat.domain.decision_table import DecisionTable
from baomat.domain.errors import Conflict, Invalid

CHANNELS = frozenset({"web", "app", "phone", "paper"})
"""How the affirmative act was made: a web form, a mobile app, a recorded call, on paper."""

MAX_USER_AGENT = 512


def shown_text_sha256(text: str) -> str:
    """SHA-256 of the UTF-8 of a purpose's text as shown → 64 lower-case hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Evidence:
    """The client that sent the consent: personal data, stored encrypted, never logged."""

    ip: str | None = field(default=None, repr=False)
    user_agent: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class ConsentRequest:
    """A consent as the website reports it, checked by `Consent.give`.

    `given` must be the literal `True` the subject's own act produced; absent
    (None), or anything else, is not consent. `preticked` says whether the box
    was ticked before the subject touched it: only absent or False is accepted.
    """

    subject: str
    purpose: str
    policy_version: int
    text_sha256: str
    language: str
    channel: str
    given: object = None
    preticked: object = None
    ip: str | None = field(default=None, repr=False)
    user_agent: str | None = field(default=None, repr=False)


@dataclass(slots=True)
class Consent:
    """One subject's consent to one purpose under one policy version."""

    id: str
    subject: str
    purpose: str
    policy_version: int
    text_sha256: str
    language: str
    channel: str
    given_at: dt.datetime
    withdrawn_at: dt.datetime | None = None
    evidence: Evidence | None = None
    """None when none was recorded, or when it was not asked for when loading."""

    @classmethod
    def give(
        cls,
        request: ConsentRequest,
        table: DecisionTable,
        current_version: int,
        subject_type: str,
        consent_id: str,
        at: dt.datetime,
    ) -> Consent:
        """A checked request → a Consent in force from `at`; Invalid names the broken rule.

        `table` is the tenant's current policy version, `current_version` its
        number as the store holds it.
        """
        _check_affirmative_act(request)
        if request.channel not in CHANNELS:
            raise Invalid("channel", f"must be one of {', '.join(sorted(CHANNELS))}")
        if request.language not in table.languages:
            raise Invalid(
                "language",
                f"must be one of the policy's languages: {', '.join(sorted(table.languages))}",
            )
        rule = table.purposes.get(request.purpose)
        if rule is None:
            raise Invalid("purpose", "is not declared by the current policy version")
        if not rule.opt_in:
            raise Invalid(
                "purpose",
                f"purpose '{rule.id}' needs no consent (policy key purposes[].consent is "
                "not_needed): consent is recorded only for opt-in purposes",
            )
        if not rule.applies_to(subject_type):
            raise Invalid("purpose", f"purpose '{rule.id}' does not apply to this subject's type")
        version = request.policy_version
        if isinstance(version, bool) or not isinstance(version, int):
            raise Invalid("policy_version", "must be a whole number")
        if version != current_version:
            raise Invalid(
                "policy_version",
                f"consent cites policy version {version}; the current version is {current_version}",
            )
        if table.version != current_version:
            raise Conflict(
                f"policy: version {table.version} was given, the current version is "
                f"{current_version}"
            )
        expected = shown_text_sha256(rule.text[request.language])
        given_hash = request.text_sha256
        if not isinstance(given_hash, str) or given_hash.lower() != expected:
            raise Invalid(
                "text_sha256",
                f"is not the SHA-256 of purpose '{rule.id}''s text in '{request.language}' "
                f"under policy version {version}",
            )
        return cls(
            id=consent_id,
            subject=request.subject,
            purpose=rule.id,
            policy_version=version,
            text_sha256=expected,
            language=request.language,
            channel=request.channel,
            given_at=at,
            evidence=_evidence(request),
        )

    def withdraw(self, at: dt.datetime) -> None:
        """Ends the consent at `at`: processing stops from then on (Decree 13 Art. 12)."""
        if self.withdrawn_at is not None:
            raise Conflict("consent: already withdrawn")
        if at < self.given_at:
            raise Invalid("withdrawn_at", "is before the consent was given")
        self.withdrawn_at = at

    def is_active(self, now: dt.datetime) -> bool:
        """Given by `now` and not withdrawn by then."""
        return self.given_at <= now and (self.withdrawn_at is None or now < self.withdrawn_at)

    def is_withdrawn(self, now: dt.datetime) -> bool:
        return self.withdrawn_at is not None and self.withdrawn_at <= now


def _check_affirmative_act(request: ConsentRequest) -> None:
    """Silence and pre-ticked boxes are not consent (Decree 13 Art. 11; LAW.md "Consent")."""
    if request.preticked is not None and request.preticked is not False:
        raise Invalid(
            "preticked",
            "a pre-ticked box is not consent: the subject must make the choice themselves",
        )
    if request.given is not True:
        raise Invalid(
            "given",
            "must be true, sent for the subject's own affirmative act: silence or an "
            "implied consent is not consent",
        )


def _evidence(request: ConsentRequest) -> Evidence | None:
    ip = request.ip
    if ip is not None:
        try:
            ip = str(ipaddress.ip_address(ip.strip()))
        except ValueError:
            raise Invalid("ip", "is not an IPv4 or IPv6 address") from None
    agent = request.user_agent
    if agent is not None and len(agent) > MAX_USER_AGENT:
        raise Invalid("user_agent", f"is longer than {MAX_USER_AGENT} characters")
    if ip is None and not agent:
        return None
    return Evidence(ip, agent or None)
