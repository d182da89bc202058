"""Consents and their proof, the client's IP and user agent kept encrypted.

Callers hand in and get back `Consent` objects with plain evidence; the
evidence is sealed with the subject's own data key (`crypto.SubjectCipher`,
field name `consent.evidence`), so erasing the subject's key makes it
unreadable with the rest of the subject's data. Everything else in a consent
(purpose, policy version, text hash, language, channel, times) is the proof
itself and stays readable for the controller's burden of proof (Decree 13
Art. 11).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable

from sqlalchemy import Connection, RowMapping, bindparam, insert, select, update

from baomat.domain.consent import Consent, Evidence
from baomat.store import _driver, crypto
from baomat.store.keystore import KeyStore
from baomat.store.subjects import SubjectShredded
from baomat.store.tables import consents

EVIDENCE_FIELD = "consent.evidence"
"""The field name the evidence is sealed under (associated data with tenant and subject)."""

_COLUMNS = (
    consents.c.id,
    consents.c.subject_id,
    consents.c.purpose,
    consents.c.policy_version,
    consents.c.text_sha256,
    consents.c.language,
    consents.c.channel,
    consents.c.given_at,
    consents.c.withdrawn_at,
)

_CHUNK = 1000
"""Subject ids per `IN (...)` list: well under SQLite's and PostgreSQL's parameter limits."""

_ALL_OF_SUBJECT = (
    select(*_COLUMNS)
    .where(
        consents.c.tenant_id == bindparam("tenant"), consents.c.subject_id == bindparam("subject")
    )
    .order_by(consents.c.given_at, consents.c.id)
)


class ConsentRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection, keystore: KeyStore) -> None:
        self.conn = conn
        self.keystore = keystore

    def add(self, tenant: str, consent: Consent) -> None:
        """Stores a consent; its evidence, if any, encrypted. Raises SubjectShredded."""
        sealed = None
        if consent.evidence is not None:
            key = self.keystore.get(tenant, consent.subject)
            if key is None:
                raise SubjectShredded(consent.subject)
            plain = json.dumps(
                {"ip": consent.evidence.ip, "user_agent": consent.evidence.user_agent},
                ensure_ascii=False,
                separators=(",", ":"),
            ).encode()
            sealed = crypto.SubjectCipher(key, tenant, consent.subject).encrypt(
                EVIDENCE_FIELD, plain
            )
        self.conn.execute(
            insert(consents).values(
                tenant_id=tenant,
                id=consent.id,
                subject_id=consent.subject,
                purpose=consent.purpose,
                policy_version=consent.policy_version,
                text_sha256=consent.text_sha256,
                language=consent.language,
                channel=consent.channel,
                given_at=consent.given_at,
                withdrawn_at=consent.withdrawn_at,
                evidence=sealed,
            )
        )

    def for_subject(
        self,
        tenant: str,
        subject_id: str,
        purpose: str | None = None,
        *,
        with_evidence: bool = False,
    ) -> list[Consent]:
        """A subject's consents, oldest first, optionally for one purpose.

        Evidence is decrypted only when asked for (decisions never need it);
        once the subject's key is shredded it reads as None.
        """
        params = {"tenant": tenant, "subject": subject_id}
        if purpose is None and not with_evidence:  # what every decision runs: on the cursor
            return [Consent(*row) for row in _driver.rows(self.conn, _ALL_OF_SUBJECT, params)]
        columns = (*_COLUMNS, consents.c.evidence) if with_evidence else _COLUMNS
        query = select(*columns).where(
            consents.c.tenant_id == bindparam("tenant"),
            consents.c.subject_id == bindparam("subject"),
        )
        if purpose is not None:
            query = query.where(consents.c.purpose == purpose)
        query = query.order_by(consents.c.given_at, consents.c.id)
        rows = self.conn.execute(query, params).all()
        found = [_consent(row._mapping) for row in rows]
        if with_evidence:
            self._open_evidence(tenant, subject_id, found, (row[-1] for row in rows))
        return found

    def latest_languages(self, tenant: str, subject_ids: Collection[str]) -> dict[str, str]:
        """Subject → the language of its latest consent, for those that gave one."""
        c = consents.c
        ordered = sorted(subject_ids)
        found: dict[str, str] = {}
        for start in range(0, len(ordered), _CHUNK):
            rows = self.conn.execute(
                select(c.subject_id, c.language)
                .where(c.tenant_id == tenant, c.subject_id.in_(ordered[start : start + _CHUNK]))
                .order_by(c.given_at, c.id)
            )
            for subject, language in rows:
                found[subject] = language  # the latest wins
        return found

    def record_withdrawal(self, tenant: str, consent: Consent) -> None:
        """Writes a withdrawn consent's `withdrawn_at`; the rest of the record never changes."""
        self.conn.execute(
            update(consents)
            .where(consents.c.tenant_id == tenant, consents.c.id == consent.id)
            .values(withdrawn_at=consent.withdrawn_at)
        )

    def _open_evidence(
        self,
        tenant: str,
        subject_id: str,
        found: list[Consent],
        blobs: Iterable[bytes | None],
    ) -> None:
        key = self.keystore.get(tenant, subject_id)
        if key is None:
            return
        cipher = crypto.SubjectCipher(key, tenant, subject_id)
        for consent, blob in zip(found, blobs, strict=True):
            if blob is None:
                continue
            data = json.loads(cipher.decrypt(EVIDENCE_FIELD, bytes(blob)))
            consent.evidence = Evidence(data.get("ip"), data.get("user_agent"))


def _consent(m: RowMapping) -> Consent:
    return Consent(
        id=m["id"],
        subject=m["subject_id"],
        purpose=m["purpose"],
        policy_version=m["policy_version"],
        text_sha256=m["text_sha256"],
        language=m["language"],
        channel=m["channel"],
        given_at=m["given_at"],
        withdrawn_at=m["withdrawn_at"],
    )
