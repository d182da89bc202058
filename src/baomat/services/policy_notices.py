"""A changed policy shown at the subject's next login, and accepted (`continued_use` tenants).

    at_login(uow, "ecomviet", subject_id, session_id, now)   # inside the login: audit events
    pending(uow, "ecomviet", subject_id)                     # → [Notice(version=2, ...)]
    acknowledge(uow, "ecomviet", subject_id, 2, session_id, actor, now)  # → [2]

ecomviet promises that "updates are posted on the site; continued use means
acceptance". A version published with a material change under that mode
(the previous version's `change_notice.mode`) is due to every subject
registered under an older version until the subject accepts it:

- the first login after it was published carries it (recorded as shown,
  with that session; `GET /v1/me` and `GET /v1/me/policy-notices` list it,
  with its material changes in Vietnamese and English);
- the subject accepts it by acknowledging it (`acknowledged`), or by logging
  in again after it was shown (`continued_use`): having been told at one
  login, coming back to use the service is the continued use the policy
  names. Each acceptance records who, which version, when and how, and is
  audited (`policy.accept`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from baomat.domain.audit import AuditEvent
from baomat.domain.errors import Conflict, NotFound
from baomat.store.policy_notices import ACKNOWLEDGED, CONTINUED_USE
from baomat.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Notice:
    """A policy version the subject has yet to accept, and its material changes."""

    version: int
    published_at: dt.datetime
    last_updated: dt.date
    changes: tuple[Mapping[str, Any], ...]
    """`{"code", "text": {"vi", "en"}}` of each material change."""
    shown_at: dt.datetime | None


def at_login(
    uow: UnitOfWork, tenant: str, subject_id: str, session: str, at: dt.datetime
) -> list[AuditEvent]:
    """Inside a subject's login: shows what is due, accepts what an earlier login showed.

    → the audit events (`policy.notice.shown`, `policy.accept`) for the login to
    append with its own; the caller commits.
    """
    actor = f"subject:{subject_id}"
    events = []
    for due in uow.policy_notices.due(tenant, subject_id):
        if due.shown_at is None:
            uow.policy_notices.show(tenant, subject_id, due.version, session, at)
            events.append(
                AuditEvent(
                    actor,
                    "policy.notice.shown",
                    subject_id,
                    detail={"version": due.version, "session": session},
                )
            )
        elif due.shown_session != session:
            uow.policy_notices.accept(tenant, subject_id, due.version, CONTINUED_USE, session, at)
            events.append(_accepted(actor, subject_id, due.version, CONTINUED_USE, session))
    return events


def pending(uow: UnitOfWork, tenant: str, subject_id: str) -> list[Notice]:
    """The versions the subject has yet to accept, oldest first (empty for other modes)."""
    with uow:
        due = uow.policy_notices.due(tenant, subject_id)
    return [
        Notice(d.version, d.published_at, d.last_updated, _material(d.changes), d.shown_at)
        for d in due
    ]


def acknowledge(
    uow: UnitOfWork,
    tenant: str,
    subject_id: str,
    version: int,
    session: str,
    actor: str,
    at: dt.datetime,
) -> list[int]:
    """The subject accepts `version`, and any older version still due → the versions accepted.

    NotFound when no notice of that version is due to the subject; Conflict when
    the subject already accepted it.
    """
    with uow:
        due = uow.policy_notices.due(tenant, subject_id)
        if version not in {d.version for d in due}:
            accepted = {
                a.version
                for a in uow.policy_notices.of_subject(tenant, subject_id)
                if a.accepted_at is not None
            }
            if version in accepted:
                raise Conflict(f"policy notice: version {version} is already accepted")
            raise NotFound(f"no policy notice of version {version} is due")
        done = []
        events = []
        for d in due:
            if d.version > version:
                continue
            if d.shown_at is None:
                uow.policy_notices.show(tenant, subject_id, d.version, session, at)
            uow.policy_notices.accept(tenant, subject_id, d.version, ACKNOWLEDGED, session, at)
            events.append(_accepted(actor, subject_id, d.version, ACKNOWLEDGED, session))
            done.append(d.version)
        uow.audit.append(tenant, events, at)
        uow.commit()
    return done


def _accepted(actor: str, subject_id: str, version: int, how: str, session: str) -> AuditEvent:
    return AuditEvent(
        actor,
        "policy.accept",
        subject_id,
        detail={"version": version, "how": how, "session": session},
    )


def _material(changes: Sequence[Mapping[str, Any]]) -> tuple[Mapping[str, Any], ...]:
    return tuple({"code": c["code"], "text": c["text"]} for c in changes if c["material"])
