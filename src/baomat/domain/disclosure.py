"""A disclosure of a subject's data to a recipient, and the rules it follows.

PRODUCT.md capability 4 "Sharing"; seeds/PROMISES.md [S] lines:

- a recipient the policy names for routine sharing (internal department,
  processor, partner, integrated third party) receives the data at once,
  when a decision allows it: `Disclosure.release`;
- a state agency (Procuracy, Court, Police, other) receives data only on a
  formal request, recorded with its document number and date and the legal
  basis it cites, and released only when a dpo other than the one who
  entered it approves (`Disclosure.requested_by_authority`, `approve`,
  `reject`); until then nothing leaves;
- nothing is ever sold: no recipient kind, purpose, legal basis, status or
  rejection reason here is named "sale", and the policy file has none either
  (`baomat.policy.model.RecipientKind`, `LegalBasis`), so a sale cannot be
  recorded, let alone made;
- a confidential disclosure (the request asks for it, or the policy marks the
  recipient so) is kept from the subject, whom the law may not tell during
  an investigation; staff see it.

    d = Disclosure.requested_by_authority("d1", "s1", "police_investigation", "state_agency",
            "judicial_requests", ("full_name",), FormalRequest.check("police", "12/CSĐT",
            date(2026, 2, 10), "legal_obligation", now), False, "dpo.an", now)
    d.approve("dpo.binh", later)   # status released; "dpo.an" would be refused
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from baomat.domain.decision_table import LIMIT_EXEMPT_BASES
from baomat.domain.errors import Invalid
from baomat.domain.periods import vietnam_tz
from baomat.domain.refusals import NotAllowed, StepRefused

RELEASED = "released"
PENDING_APPROVAL = "pending_approval"
REJECTED = "rejected"
STATUSES = (RELEASED, PENDING_APPROVAL, REJECTED)

ROUTINE_KINDS = frozenset({"internal", "processor", "partner", "integrated_third_party"})
"""Recipient kinds (policy key `recipients[].kind`) that receive data when a decision allows."""

AUTHORITY_KIND = "state_agency"
"""The recipient kind that receives data only on a formal request, after approval."""

AUTHORITY_BODIES = ("procuracy", "court", "police", "other")
"""Who sent a formal request: the judicial agencies the seeds name, or another state body."""

AUTHORITY_BASES = LIMIT_EXEMPT_BASES
"""Legal bases a state agency's request may cite: those where the law needs no consent and a
subject's restriction or objection does not stop processing (Decree 13 Art. 17)."""

REJECTION_REASONS = (
    "no_legal_basis",
    "not_a_formal_request",
    "outside_the_agency_competence",
    "fields_not_needed",
    "entered_by_mistake",
)
"""Why a dpo refuses a request: codes, so no free text (and no personal data) is stored."""

APPROVER_ROLE = "dpo"
"""The staff role that approves or rejects a state agency's request."""

MAX_DOCUMENT_NUMBER = 128


def check_routine_recipient(recipient: str, kind: str, on_request_only: bool) -> None:
    """Refuses a recipient that does not take routine sharing: a state agency, or one the
    policy marks `recipients[].on_request_only`."""
    if kind not in ROUTINE_KINDS and kind != AUTHORITY_KIND:
        raise Invalid(
            "recipient",
            f"recipient '{recipient}' is of no kind that receives data (one of "
            f"{', '.join(sorted(ROUTINE_KINDS))}, or a state agency on request)",
        )
    if kind == AUTHORITY_KIND or on_request_only:
        raise Invalid(
            "recipient",
            f"recipient '{recipient}' receives data only on a formal request, approved by a "
            "dpo (record an authority request instead)",
        )


def check_authority_recipient(recipient: str, kind: str) -> None:
    """Refuses a formal request addressed from anything but a state agency."""
    if kind != AUTHORITY_KIND:
        raise Invalid(
            "recipient",
            f"recipient '{recipient}' is not a state agency (policy key recipients[].kind)",
        )


Refused = NotAllowed
"""A dpo's step on a request refused by who takes it (`not_dpo`, `own_request`)."""


class NotPending(StepRefused):
    """A step on a request already decided (perhaps by another dpo a moment before)."""

    def __init__(self, message: str) -> None:
        super().__init__("not_pending", message)


def check_approver_role(role: str) -> None:
    """Only a dpo decides on a state agency's request."""
    if role != APPROVER_ROLE:
        raise Refused("not_dpo", "disclosure: only a dpo may approve or reject a request")


@dataclass(frozen=True, slots=True)
class FormalRequest:
    """A state agency's request as its document states it; build it with `check`."""

    body: str
    document_number: str
    document_date: dt.date
    legal_basis: str

    @classmethod
    def check(
        cls,
        body: str,
        document_number: str,
        document_date: dt.date,
        legal_basis: str,
        at: dt.datetime,
    ) -> FormalRequest:
        """The request's parts → a FormalRequest; Invalid names the part and the rule.

        The document is dated on or before the day it is entered, in Vietnam.
        """
        if body not in AUTHORITY_BODIES:
            raise Invalid("body", f"must be one of {', '.join(AUTHORITY_BODIES)}")
        number = document_number.strip()
        if not number or len(number) > MAX_DOCUMENT_NUMBER:
            raise Invalid("document_number", f"must be 1 to {MAX_DOCUMENT_NUMBER} characters")
        if document_date > at.astimezone(vietnam_tz()).date():
            raise Invalid("document_date", "is in the future: a request is entered once received")
        if legal_basis not in AUTHORITY_BASES:
            raise Invalid(
                "legal_basis",
                f"a state agency's request rests on one of {', '.join(sorted(AUTHORITY_BASES))}",
            )
        return cls(body, number, document_date, legal_basis)


@dataclass(slots=True)
class Disclosure:
    """One subject's data handed, or asked to be handed, to one recipient.

    `fields` are names, never values: a partner's contract scope, or what a
    formal request names; the values handed over are those the subject holds
    among them.
    """

    id: str
    subject: str
    recipient: str
    purpose: str | None
    fields: tuple[str, ...]
    legal_basis: str
    status: str
    requested_by: str
    requested_at: dt.datetime
    confidential: bool = False
    authority_body: str | None = None
    document_number: str | None = None
    document_date: dt.date | None = None
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    released_at: dt.datetime | None = None

    @classmethod
    def release(
        cls,
        disclosure_id: str,
        subject: str,
        recipient: str,
        recipient_kind: str,
        purpose: str,
        fields: tuple[str, ...],
        legal_basis: str,
        by: str,
        at: dt.datetime,
        *,
        on_request_only: bool = False,
        confidential: bool = False,
    ) -> Disclosure:
        """A routine disclosure a decision allowed → released at `at`."""
        check_routine_recipient(recipient, recipient_kind, on_request_only)
        if not fields:
            raise Invalid("fields", "a disclosure names at least one field")
        return cls(
            id=disclosure_id,
            subject=subject,
            recipient=recipient,
            purpose=purpose,
            fields=fields,
            legal_basis=legal_basis,
            status=RELEASED,
            requested_by=by,
            requested_at=at,
            confidential=confidential,
            released_at=at,
        )

    @classmethod
    def requested_by_authority(
        cls,
        disclosure_id: str,
        subject: str,
        recipient: str,
        recipient_kind: str,
        purpose: str,
        fields: tuple[str, ...],
        request: FormalRequest,
        confidential: bool,
        by: str,
        at: dt.datetime,
    ) -> Disclosure:
        """A state agency's request as entered by `by` → pending approval; nothing released."""
        check_authority_recipient(recipient, recipient_kind)
        if not fields:
            raise Invalid("fields", "a request names at least one field")
        return cls(
            id=disclosure_id,
            subject=subject,
            recipient=recipient,
            purpose=purpose,
            fields=fields,
            legal_basis=request.legal_basis,
            status=PENDING_APPROVAL,
            requested_by=by,
            requested_at=at,
            confidential=confidential,
            authority_body=request.body,
            document_number=request.document_number,
            document_date=request.document_date,
        )

    def approve(self, by: str, at: dt.datetime) -> None:
        """Releases a pending request: needs approval by a dpo other than the person who
        entered it (four eyes; the role itself is `check_approver_role`)."""
        self._check_pending(at)
        if by == self.requested_by:
            raise Refused(
                "own_request",
                "disclosure: needs approval by a dpo other than the person who entered it",
            )
        self.status = RELEASED
        self.decided_by = by
        self.decided_at = at
        self.released_at = at

    def reject(self, by: str, at: dt.datetime, reason: str) -> None:
        """Refuses a pending request for one of REJECTION_REASONS; nothing is released.

        The person who entered it may reject it too (a mistake withdrawn):
        refusing releases nothing, so it needs no second pair of eyes.
        """
        if reason not in REJECTION_REASONS:
            raise Invalid("reason", f"must be one of {', '.join(REJECTION_REASONS)}")
        self._check_pending(at)
        self.status = REJECTED
        self.decided_by = by
        self.decided_at = at

    def visible_to_subject(self) -> bool:
        """A subject sees who received their data, unless the law keeps it from them."""
        return not self.confidential

    def _check_pending(self, at: dt.datetime) -> None:
        if self.status != PENDING_APPROVAL:
            raise NotPending(f"disclosure: already {self.status}, not awaiting approval")
        if at < self.requested_at:
            raise Invalid("at", "is before the request was entered")
