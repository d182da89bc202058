"""The store that `dsr.*` times: subjects with values, consents, disclosures and a long audit log.

Each subject has five encrypted, indexed values; half consented to marketing
email, one in ten of those withdrew since, and one in five of those who did
not had their name and email released to the mailing partner (a
disclosure); one to four decisions were made about each (`decisions.ASKS`,
answered by the real rules); and the audit log holds all of that, about
four entries per subject.

Filled untimed, `BATCH` subjects a transaction, through the bulk paths that
`services.subjects.register` takes (`SubjectRepository.add_many`: data keys
in the key store, AES-GCM values, blind indexes; `AuditLog.append`: the
chain), plus one INSERT of many consents and disclosures; every subject can
be exported and the chain verifies. Two shortcuts keep a million subjects
within minutes, neither visible to a query: ids start with the batch's
number (the rest random), so B-trees keyed by subject fill at their end
instead of rewriting pages all over on every commit; and the values come
from `POOL` generated records, each subject with its own email.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import random
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from sqlalchemy import Engine, event, insert

from baomat import bootstrap
from baomat.bench import store
from baomat.bench.decisions import ASKS
from baomat.domain.audit import AuditEvent
from baomat.domain.consent import Consent, shown_text_sha256
from baomat.domain.decision import SubjectState, decide
from baomat.domain.normalise import normalise_for_index
from baomat.policy.model import Policy
from baomat.services.decisions import table_for
from baomat.services.subjects import _RecordChecker
from baomat.store.subjects import NewSubject
from baomat.store.tables import consents, disclosures

BATCH = 5_000
POOL = 1_000
FILL_PRAGMAS = ("PRAGMA cache_size=-262144", "PRAGMA synchronous=OFF")
"""While filling: a 256 MiB page cache (SQLite's default is 2 MiB) and no fsync, which a
store thrown away after the run does without. What is timed runs as a server would."""
TENANT = "bench"
MARKETING = "marketing_email"
PARTNER = "mail_partner"
SHARED = ("email", "full_name")
"""What the mailing partner receives."""

_Logged = tuple[tuple[str, ...], str | None, str, dict[str, str | int | bool | None]]
"""A decision as the audit log keeps it: fields, purpose, outcome, detail."""


class Filler:
    """Grows the bench tenant's store batch by batch; hands out subjects not yet picked."""

    def __init__(self, app: bootstrap.App, policy: Policy, clock: Callable[[], dt.datetime]):
        self.app = app
        self.policy = policy
        self.clock = clock
        self.rng = random.Random(23)  # noqa: S311 - test data, not secrets
        check = _RecordChecker(policy, "customer", clock().date())
        self.pool = [check(r) for r in store.records(POOL)]
        self.ids: list[str] = []
        """Subjects stored and not picked yet."""
        self.stored = 0
        self.entries = 0
        purpose = policy.purpose(MARKETING)
        assert purpose is not None
        self.text_sha256 = shown_text_sha256(purpose.text.vi)
        self.consent_fields = tuple(sorted(purpose.fields))
        self.logged = _decisions(policy, clock())

    def grow(self, target: int) -> None:
        """Adds subjects up to `target` on connections tuned for loading, closed afterwards."""
        with ExitStack() as stack:
            stack.enter_context(_loading(self.app.engine))
            stack.enter_context(_loading(self.app.keystore_engine))
            while self.stored < target:
                self._batch(min(BATCH, target - self.stored))
        gc.collect()

    def pick(self, k: int) -> list[str]:
        """`k` subjects at random, never the same one twice in a run."""
        picked = []
        for _ in range(k):
            i = self.rng.randrange(len(self.ids))
            self.ids[i], self.ids[-1] = self.ids[-1], self.ids[i]
            picked.append(self.ids.pop())
        return picked

    def _batch(self, size: int) -> None:
        at = self.clock()
        new = [self._subject(self.stored + k) for k in range(size)]
        consent_rows: list[dict[str, object]] = []
        disclosure_rows: list[dict[str, object]] = []
        events: list[AuditEvent] = []
        for s in new:
            self._history(s.id, at, events, consent_rows, disclosure_rows)
        self.rng.shuffle(events)  # one subject's entries are not neighbours in the log
        uow = self.app.uow()
        with uow:
            uow.subjects.add_many(TENANT, new, at)
            if consent_rows:
                uow.conn.execute(insert(consents), consent_rows)
            if disclosure_rows:
                uow.conn.execute(insert(disclosures), disclosure_rows)
            uow.audit.append(TENANT, events, at)
            uow.commit()
        self.ids.extend(s.id for s in new)
        self.stored += size
        self.entries += len(events)

    def _subject(self, number: int) -> NewSubject:
        template = self.pool[number % POOL]
        email = f"khach{number}@example.vn"
        return NewSubject(
            f"{number // BATCH:08x}{os.urandom(12).hex()}",
            template.subject_type,
            template.policy_version,
            {**template.values, "email": email},
            {**template.index, "email": normalise_for_index("email", email)},
        )

    def _history(
        self,
        sid: str,
        at: dt.datetime,
        events: list[AuditEvent],
        consent_rows: list[dict[str, object]],
        disclosure_rows: list[dict[str, object]],
    ) -> None:
        """The subject's consent, disclosure and decisions: rows, and their audit events."""
        rng = self.rng
        events.append(AuditEvent("bench", "subject.create", sid, FIELDS, detail=CREATED))
        state = "none"
        if rng.random() < 0.5:
            consent_id = os.urandom(16).hex()
            withdrawn = rng.random() < 0.1
            state = "withdrawn" if withdrawn else "active"
            consent_rows.append(self._consent_row(consent_id, sid, at, withdrawn))
            events.append(
                AuditEvent("bench", "consent.give", sid, self.consent_fields, MARKETING,
                           detail={"consent": consent_id, "policy_version": self.policy.version,
                                   "language": "vi", "channel": "web",
                                   "text_sha256": self.text_sha256})
            )  # fmt: skip
            if withdrawn:
                events.append(
                    AuditEvent("bench", "consent.withdraw", sid, purpose=MARKETING,
                               detail={"consent": consent_id,
                                       "policy_version": self.policy.version})
                )  # fmt: skip
            elif rng.random() < 0.2:
                events.extend(self._disclose(sid, at, disclosure_rows))
        logged = self.logged[state]
        for _ in range(rng.randint(1, 4)):
            fields, purpose, outcome, detail = rng.choice(logged)
            events.append(AuditEvent("crm", "decision", sid, fields, purpose, outcome, detail))

    def _consent_row(
        self, consent_id: str, sid: str, at: dt.datetime, withdrawn: bool
    ) -> dict[str, object]:
        return {
            "tenant_id": TENANT, "id": consent_id, "subject_id": sid, "purpose": MARKETING,
            "policy_version": self.policy.version, "text_sha256": self.text_sha256,
            "language": "vi", "channel": "web", "given_at": at,
            "withdrawn_at": at if withdrawn else None, "evidence": None,
        }  # fmt: skip

    def _disclose(
        self, sid: str, at: dt.datetime, rows: list[dict[str, object]]
    ) -> list[AuditEvent]:
        """A released disclosure to the partner, and the entries `services.disclosures` writes."""
        disclosure_id = os.urandom(16).hex()
        rows.append(
            {
                "tenant_id": TENANT, "id": disclosure_id, "subject_id": sid,
                "recipient": PARTNER, "purpose": MARKETING, "fields": ",".join(SHARED),
                "legal_basis": "consent", "status": "released", "confidential": False,
                "requested_by": "crm", "requested_at": at, "released_at": at,
            }
        )  # fmt: skip
        facts: dict[str, str | int | bool | None] = {
            "disclosure": disclosure_id, "recipient": PARTNER, "legal_basis": "consent",
            "status": "released",
        }  # fmt: skip
        fields, purpose, outcome, detail = self.logged["disclosed"][0]
        return [
            AuditEvent("crm", "disclosure.decision", sid, fields, purpose, outcome, detail),
            AuditEvent("crm", "disclosure.release", sid, SHARED, MARKETING, detail=facts),
        ]


@contextmanager
def _loading(engine: Engine) -> Iterator[None]:
    """New connections of `engine` take `FILL_PRAGMAS` until the block ends, then all close."""

    def tune(dbapi_conn: Any, _record: Any) -> None:
        for pragma in FILL_PRAGMAS:
            dbapi_conn.execute(pragma)

    event.listen(engine, "connect", tune)
    engine.dispose()
    try:
        yield
    finally:
        event.remove(engine, "connect", tune)
        engine.dispose()


FIELDS = ("address", "citizen_id", "email", "full_name", "phone")
CREATED: dict[str, str | int | bool | None] = {"type": "customer"}


def _decisions(policy: Policy, at: dt.datetime) -> dict[str, list[_Logged]]:
    """Each of `ASKS` decided for a subject without, with, and with a withdrawn consent.

    → by consent state, the audit entry `services.decisions.decide` writes for
    it; `disclosed` holds the partner's decision for a subject consenting.
    """
    table = table_for(policy)
    subject = SubjectState("s", "customer")
    given = Consent("c", "s", MARKETING, policy.version, "0" * 64, "vi", "web", at)
    withdrawn = Consent("c", "s", MARKETING, policy.version, "0" * 64, "vi", "web", at)
    withdrawn.withdraw(at)
    held = {"none": [], "active": [given], "withdrawn": [withdrawn]}

    def logged(
        held: list[Consent], purpose: str, fields: tuple[str, ...], to: str | None
    ) -> _Logged:
        decision = decide(table, subject, held, purpose, fields, to, at)
        detail: dict[str, str | int | bool | None] = {
            "reason": decision.reason,
            "policy_version": decision.policy_version,
        }
        if to is not None and to in table.recipients:
            detail["recipient"] = to
        return (
            tuple(f for f in fields if f in table.field_ids),
            purpose if purpose in table.purposes else None,
            "allow" if decision.allowed else "deny",
            detail,
        )

    found = {state: [logged(h, *ask) for ask in ASKS] for state, h in held.items()}
    found["disclosed"] = [logged([given], MARKETING, SHARED, PARTNER)]
    return found
