"""The store's tables. Every table is keyed by tenant first.

Keeping the tenant in every primary key lets PostgreSQL be sharded by tenant
(Citus distribution column) without changing a query.

Two metadata objects: `metadata` for the main store and `keystore_metadata`
for the key store, which lives in a separate database (see
docs/decisions/001-key-storage-and-crypto-shredding.md).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every database.

    SQLite keeps no offset: without this, a time written in +07 would read
    back seven hours off. A naive datetime is refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be stored; give it a time zone")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


metadata = MetaData(naming_convention=NAMING)

TENANT = 64
ID = 64

tenants = Table(
    "tenants",
    metadata,
    Column("id", String(TENANT), primary_key=True),
    Column("name", Text, nullable=False),
    Column("law_profile", String(64), nullable=False),
    Column("current_version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    # Head of the tenant's audit chain. Updating it in the same transaction as
    # each append serialises appends per tenant and lets verify notice a
    # truncated tail.
    Column("audit_seq", BigInteger, nullable=False, default=0),
    Column("audit_head", String(64), nullable=False),
)

policy_versions = Table(
    "policy_versions",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("document", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("last_updated", Date, nullable=False),
    Column("published_at", UtcDateTime(), nullable=False),
    Column("published_by", String(128), nullable=False),
    ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
)

subjects = Table(
    "subjects",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("subject_type", String(64), nullable=False),
    Column("policy_version", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("closed_at", UtcDateTime(), nullable=True),
    Column("erased_at", UtcDateTime(), nullable=True),
    # The last review of the need for the data (`while_needed` retention); the next falls due
    # `review_every` after it.
    Column("reviewed_at", UtcDateTime(), nullable=True),
    ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
)

field_values = Table(
    "field_values",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("subject_id", String(ID), primary_key=True),
    Column("field", String(64), primary_key=True),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("blind_index", LargeBinary, nullable=True),
    ForeignKeyConstraint(["tenant_id", "subject_id"], ["subjects.tenant_id", "subjects.id"]),
    Index("ix_field_values_lookup", "tenant_id", "field", "blind_index"),
)

attachments = Table(
    "attachments",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("subject_id", String(ID), nullable=False),
    Column("field", String(64), nullable=False),
    Column("media_type", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    # Sealed with the subject's data key: erasing the subject shreds the files too.
    Column("ciphertext", LargeBinary, nullable=False),
    ForeignKeyConstraint(["tenant_id", "subject_id"], ["subjects.tenant_id", "subjects.id"]),
    Index("ix_attachments_subject", "tenant_id", "subject_id"),
)
"""Files of a subject's `type: file` fields (docs/decisions/006-attachments.md)."""

consents = Table(
    "consents",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("subject_id", String(ID), nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("policy_version", Integer, nullable=False),
    Column("text_sha256", String(64), nullable=False),
    Column("language", String(8), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("given_at", UtcDateTime(), nullable=False),
    Column("withdrawn_at", UtcDateTime(), nullable=True),
    # Client IP and user agent are personal data: kept encrypted like fields.
    Column("evidence", LargeBinary, nullable=True),
    ForeignKeyConstraint(["tenant_id", "subject_id"], ["subjects.tenant_id", "subjects.id"]),
    Index("ix_consents_subject", "tenant_id", "subject_id", "purpose"),
)

tombstones = Table(
    "tombstones",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("subject_id", String(ID), primary_key=True),
    Column("erased_at", UtcDateTime(), nullable=False),
    # A code the system builds: `subject_request`, `request:<id>`, `review:<rule id>` or
    # `retention:<rule id>` (up to 74 characters with a 64-character rule id).
    Column("reason", String(128), nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("id", String(32), primary_key=True),
    # SHA-256 of the secret: API keys are 256 random bits, so a slow password
    # hash would add latency to every call and no safety.
    Column("secret_sha256", String(64), nullable=False),
    Column("label", String(128), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
    ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
    # A key names only its own random id; the id finds the tenant.
    Index("ix_api_keys_id", "id", unique=True),
)

staff_accounts = Table(
    "staff_accounts",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("disabled_at", UtcDateTime(), nullable=True),
    ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
)
"""Staff log in by account id; roles: admin, dpo, support, auditor (Argon2 hashes)."""

legal_holds = Table(
    "legal_holds",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("subject_id", String(ID), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("reference", String(128), nullable=False),
    Column("placed_at", UtcDateTime(), nullable=False),
    Column("released_at", UtcDateTime(), nullable=True),
    Index("ix_legal_holds_subject", "tenant_id", "subject_id"),
)
"""An open complaint, authority request or incident: the subject may not be purged."""

subject_limits = Table(
    "subject_limits",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("subject_id", String(ID), nullable=False),
    Column("kind", String(16), nullable=False),
    # NULL: the whole subject, every purpose.
    Column("purpose", String(64), nullable=True),
    Column("placed_at", UtcDateTime(), nullable=False),
    Column("lifted_at", UtcDateTime(), nullable=True),
    ForeignKeyConstraint(["tenant_id", "subject_id"], ["subjects.tenant_id", "subjects.id"]),
    Index("ix_subject_limits_subject", "tenant_id", "subject_id"),
)
"""A subject's restriction of, or objection to, processing (Decree 13 Art. 9): kind
`restricted` or `objected`, for one purpose or all; lifted, never deleted."""

disclosures = Table(
    "disclosures",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("subject_id", String(ID), nullable=False),
    Column("recipient", String(64), nullable=False),
    Column("purpose", String(64), nullable=True),
    # Field names, comma-separated; never values.
    Column("fields", Text, nullable=False),
    Column("legal_basis", String(32), nullable=False),
    # released | pending_approval | rejected.
    Column("status", String(24), nullable=False),
    # A state agency's formal request: body, document number and date.
    Column("authority_body", String(32), nullable=True),
    Column("document_number", String(128), nullable=True),
    Column("document_date", Date, nullable=True),
    Column("confidential", Boolean, nullable=False, default=False),
    Column("requested_by", String(128), nullable=False),
    Column("requested_at", UtcDateTime(), nullable=False),
    Column("decided_by", String(128), nullable=True),
    Column("decided_at", UtcDateTime(), nullable=True),
    Column("released_at", UtcDateTime(), nullable=True),
    ForeignKeyConstraint(["tenant_id", "subject_id"], ["subjects.tenant_id", "subjects.id"]),
    Index("ix_disclosures_subject", "tenant_id", "subject_id"),
)
"""Every disclosure of a subject's data to a recipient, released or awaiting approval."""

rights_requests = Table(
    "rights_requests",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("subject_id", String(ID), nullable=False),
    # access | export | correct | delete | withdraw | restrict | object.
    Column("kind", String(16), nullable=False),
    # self_service | assisted.
    Column("channel", String(16), nullable=False),
    # received | acknowledged | in_progress | done | refused.
    Column("state", String(16), nullable=False),
    Column("law_profile", String(64), nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("acknowledge_due", UtcDateTime(), nullable=True),
    Column("due", UtcDateTime(), nullable=False),
    Column("extended_due", UtcDateTime(), nullable=True),
    Column("extension_reason", Text, nullable=True),
    Column("refusal_reason", Text, nullable=True),
    Column("identity_verified_by", String(128), nullable=True),
    Column("identity_method", String(64), nullable=True),
    # JSON of non-personal parameters (a purpose, field names), never values.
    Column("detail", Text, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("completed_at", UtcDateTime(), nullable=True),
    Index("ix_rights_requests_subject", "tenant_id", "subject_id"),
    Index("ix_rights_requests_state_due", "tenant_id", "state", "due"),
)
"""A data subject's request under Law 91 Art. 4, with its deadlines from the law profile."""

credentials = Table(
    "credentials",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("subject_id", String(ID), primary_key=True),
    Column("password_hash", Text, nullable=True),
    Column("code_hash", String(64), nullable=True),
    Column("code_expires_at", UtcDateTime(), nullable=True),
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_until", UtcDateTime(), nullable=True),
    ForeignKeyConstraint(["tenant_id", "subject_id"], ["subjects.tenant_id", "subjects.id"]),
)
"""How a data subject logs in: an Argon2 password, or a one-time code sent by email."""

sessions = Table(
    "sessions",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("id", String(32), primary_key=True),
    # staff | subject.
    Column("principal_kind", String(16), nullable=False),
    Column("principal_id", String(ID), nullable=False),
    Column("token_sha256", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
    Index("ix_sessions_id", "id", unique=True),
)
"""Bearer sessions of staff and data subjects after login; only a hash of the token."""

audit_entries = Table(
    "audit_entries",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    # UTC time as canonical text (`2026-02-13T01:02:03.000004Z`): the very
    # string that is hashed, so verifying parses no dates on any database.
    Column("at", String(27), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", String(ID), nullable=True),
    Column("fields", Text, nullable=False),
    Column("purpose", String(64), nullable=True),
    Column("outcome", String(32), nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_entries_subject", "tenant_id", "subject"),
    # What an actor did in a time window: a breach's affected subjects (services/incidents.py).
    Index("ix_audit_entries_actor_at", "tenant_id", "actor", "at"),
    # Clustered by (tenant, seq) on SQLite, so verifying reads the chain in order.
    sqlite_with_rowid=False,
)


outbox = Table(
    "outbox",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("id", String(32), primary_key=True),
    Column("subject_id", String(ID), nullable=False),
    # A template name and a language: what to say; the address is looked up when sending.
    Column("template", String(64), nullable=False),
    Column("language", String(8), nullable=False),
    # The template's context as JSON, sealed with the subject's data key.
    Column("sealed", LargeBinary, nullable=False),
    # pending | sent | failed | cancelled.
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    # A sender's claim: while it lasts, no other sender takes the message.
    Column("claim", String(32), nullable=True),
    Column("claimed_until", UtcDateTime(), nullable=True),
    # The class of the last failure (an SMTP code, "refused", "no_address"), never an address.
    Column("last_error", String(128), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("sent_at", UtcDateTime(), nullable=True),
    Index("ix_outbox_due", "status", "next_attempt_at"),
    ForeignKeyConstraint(["tenant_id", "subject_id"], ["subjects.tenant_id", "subjects.id"]),
)
"""Email to data subjects, written in the transaction of the event that causes it."""

job_runs = Table(
    "job_runs",
    metadata,
    # Not keyed by tenant: a run serves every tenant (docs/decisions/005-job-queue.md).
    Column("job", String(64), primary_key=True),
    Column("scheduled_for", UtcDateTime(), primary_key=True),
    Column("trigger", String(16), nullable=False),
    Column("worker", String(128), nullable=False),
    Column("state", String(16), nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime(), nullable=True),
    # Counts by name as JSON; the error is a class name, never a message.
    Column("counts", Text, nullable=False),
    Column("error", Text, nullable=True),
    Index("ix_job_runs_started_at", "started_at"),
)
"""One row per run of a background job and slot: claimed before it starts, so it runs once."""

QUEUE_TABLE_PREFIX = "procrastinate_"
"""On PostgreSQL, the job queue's own tables (migration 0007), which no Table here declares."""

complaints = Table(
    "complaints",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("subject_id", String(ID), nullable=False),
    # beyond_purpose | beyond_scope | leak | access_refused | other.
    Column("category", String(32), nullable=False),
    Column("complexity", String(16), nullable=True),
    # web | hotline | email | post | in_person.
    Column("channel", String(16), nullable=False),
    Column("language", String(8), nullable=False),
    # received | acknowledged | investigating | resolved | mediation | agreed | escalated_to_court.
    Column("state", String(24), nullable=False),
    Column("policy_version", Integer, nullable=False),
    # The policy's complaint steps when it arrived, comma-separated (mediation, court).
    Column("steps", String(64), nullable=False),
    Column("term_amount", Integer, nullable=True),
    Column("term_unit", String(16), nullable=True),
    Column("term_source", String(80), nullable=True),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("due", UtcDateTime(), nullable=True),
    # When the reminder sweep must look at it next; NULL once nothing is left to raise.
    Column("next_alert_at", UtcDateTime(), nullable=True),
    Column("recorded_by", String(128), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("closed_at", UtcDateTime(), nullable=True),
    # Description and contact details as JSON, sealed with the subject's data key.
    Column("sealed", LargeBinary, nullable=False),
    ForeignKeyConstraint(["tenant_id", "subject_id"], ["subjects.tenant_id", "subjects.id"]),
    Index("ix_complaints_subject", "tenant_id", "subject_id"),
    Index("ix_complaints_state_due", "tenant_id", "state", "due"),
    Index("ix_complaints_next_alert_at", "next_alert_at"),
)
"""Complaints about the handling of personal data, with the deadline the tenant's policy sets."""

complaint_events = Table(
    "complaint_events",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("complaint_id", String(ID), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("action", String(32), nullable=False),
    Column("state", String(24), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    # What the complainant is told, sealed with the subject's data key.
    Column("note", LargeBinary, nullable=True),
    ForeignKeyConstraint(["tenant_id", "complaint_id"], ["complaints.tenant_id", "complaints.id"]),
)
"""A complaint's history: each step with its actor, time and note."""

alerts = Table(
    "alerts",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    # Derived from what the alert is about (`complaint:<id>:overdue`): raised once per tenant.
    Column("id", String(32), primary_key=True),
    # complaint.reminder | complaint.overdue | incident.notice_due | incident.notice_overdue |
    # (monitoring's kinds).
    Column("kind", String(64), nullable=False),
    Column("reference", String(128), nullable=False),
    Column("raised_at", UtcDateTime(), nullable=False),
    Column("acknowledged_at", UtcDateTime(), nullable=True),
    Column("acknowledged_by", String(128), nullable=True),
    Column("incident_id", String(ID), nullable=True),
    # JSON of ids, kinds and states; never personal data.
    Column("detail", Text, nullable=False),
    Index("ix_alerts_raised_at", "tenant_id", "raised_at"),
)
"""Alerts to staff: deadlines near or past, and later monitoring's findings."""

monitor_marks = Table(
    "monitor_marks",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    # The last audit entry monitoring judged.
    Column("seen_seq", BigInteger, nullable=False),
    # The first entry of the oldest window still open at `seen_seq`: the next sweep reads
    # from here, so a window that spans two sweeps is judged whole.
    Column("from_seq", BigInteger, nullable=False),
    Column("swept_at", UtcDateTime(), nullable=False),
)
"""Where monitoring's next sweep of each tenant's audit chain starts."""

policy_changes = Table(
    "policy_changes",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("previous_version", Integer, nullable=True),
    # How subjects learn of the change: the previous version's change_notice.mode, the
    # promise they were given; NULL for a tenant's first version.
    Column("notice_mode", String(32), nullable=True),
    Column("material", Boolean, nullable=False),
    # JSON: the classified changes (policy.change.Change.as_json), ids and texts of the policy.
    Column("changes", Text, nullable=False),
    # JSON {purpose: version}: the oldest policy version a consent to the purpose must cite.
    Column("consent_from", Text, nullable=False),
    # pending | done: whether every notice and consent closure of the change is written.
    Column("notices", String(16), nullable=False),
    # The last subject (in id order) the notices were written for: where a resumed run goes on.
    Column("notices_cursor", String(ID), nullable=True),
    Column("notices_queued", Integer, nullable=False),
    Column("consents_closed", Integer, nullable=False),
    Column("notices_done_at", UtcDateTime(), nullable=True),
    ForeignKeyConstraint(
        ["tenant_id", "version"], ["policy_versions.tenant_id", "policy_versions.version"]
    ),
    Index("ix_policy_changes_notices", "notices"),
)
"""What each published version changed, classified, and how far telling the subjects got."""

policy_notices = Table(
    "policy_notices",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("subject_id", String(ID), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("shown_at", UtcDateTime(), nullable=False),
    # The session that first carried the notice (its login, or the acknowledgement).
    Column("shown_session", String(32), nullable=False),
    Column("accepted_at", UtcDateTime(), nullable=True),
    # acknowledged | continued_use.
    Column("accepted_how", String(16), nullable=True),
    Column("accepted_session", String(32), nullable=True),
    ForeignKeyConstraint(["tenant_id", "subject_id"], ["subjects.tenant_id", "subjects.id"]),
)
"""A changed policy shown to a subject at login, and accepted (continued_use tenants)."""

incidents = Table(
    "incidents",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("id", String(ID), primary_key=True),
    # open | authority_notified | subjects_notified | closed.
    Column("state", String(24), nullable=False),
    Column("law_profile", String(64), nullable=False),
    Column("detected_at", UtcDateTime(), nullable=False),
    Column("window_start", UtcDateTime(), nullable=False),
    Column("window_end", UtcDateTime(), nullable=False),
    Column("authority_due", UtcDateTime(), nullable=True),
    Column("subjects_due", UtcDateTime(), nullable=True),
    # Staff's words for the authority; never copied into the audit chain.
    Column("description", Text, nullable=False),
    # JSON: the affected systems, and the scope (actors, subject types) the subjects came from.
    Column("systems", Text, nullable=False),
    Column("scope", Text, nullable=False),
    Column("affected", Integer, nullable=False),
    Column("opened_by", String(128), nullable=False),
    Column("opened_at", UtcDateTime(), nullable=False),
    Column("subjects_notified_at", UtcDateTime(), nullable=True),
    Column("subjects_notified_by", String(128), nullable=True),
    # breach | no_breach, with the measures taken and the report written at closing.
    Column("outcome", String(16), nullable=True),
    Column("closing_measures", Text, nullable=True),
    Column("closed_at", UtcDateTime(), nullable=True),
    Column("closed_by", String(128), nullable=True),
    Column("report_html", Text, nullable=True),
    Column("report_sha256", String(64), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
    Index("ix_incidents_state", "tenant_id", "state"),
)
"""Breaches and suspected breaches, with the deadline of their notice to the authority."""

incident_subjects = Table(
    "incident_subjects",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("incident_id", String(ID), primary_key=True),
    Column("subject_id", String(ID), primary_key=True),
    # Field names and their data categories, comma-separated; never values.
    Column("fields", Text, nullable=False),
    Column("categories", Text, nullable=False),
    # How many audited reads found it (0 when found by subject type).
    Column("reads", Integer, nullable=False),
    Column("language", String(8), nullable=True),
    Column("message_id", String(32), nullable=True),
    Column("notified_at", UtcDateTime(), nullable=True),
    ForeignKeyConstraint(["tenant_id", "incident_id"], ["incidents.tenant_id", "incidents.id"]),
    ForeignKeyConstraint(["tenant_id", "subject_id"], ["subjects.tenant_id", "subjects.id"]),
)
"""An incident's affected subjects, fixed when it is opened: what the notices and report count."""

incident_notices = Table(
    "incident_notices",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("incident_id", String(ID), primary_key=True),
    Column("number", Integer, primary_key=True, autoincrement=False),
    # initial | follow_up | final.
    Column("phase", String(16), nullable=False),
    Column("sent_at", UtcDateTime(), nullable=False),
    Column("sent_by", String(128), nullable=False),
    Column("late", Boolean, nullable=False),
    # JSON of what the notice says; the HTML and PDF exactly as sent, with their SHA-256.
    Column("content", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("html_sha256", String(64), nullable=False),
    Column("pdf", LargeBinary, nullable=False),
    Column("pdf_sha256", String(64), nullable=False),
    ForeignKeyConstraint(["tenant_id", "incident_id"], ["incidents.tenant_id", "incidents.id"]),
)
"""Each notice of an incident to the authority (A05), in the phase it was sent."""

service_locks = Table(
    "service_locks",
    metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("subject_id", String(ID), nullable=False),
    # The policy's `service_locks.violations[].id` the lock names.
    Column("violation", String(64), nullable=False),
    # The staff's evidence and unlock notes, sealed with the subject's data key.
    Column("evidence", LargeBinary, nullable=False),
    Column("locked_at", UtcDateTime(), nullable=False),
    Column("locked_by", String(128), nullable=False),
    Column("unlocked_at", UtcDateTime(), nullable=True),
    Column("unlocked_by", String(128), nullable=True),
    Column("unlock_note", LargeBinary, nullable=True),
    ForeignKeyConstraint(["tenant_id", "subject_id"], ["subjects.tenant_id", "subjects.id"]),
    Index("ix_service_locks_subject", "tenant_id", "subject_id", "unlocked_at"),
)
"""A subject's service locked by staff for a violation of the terms of use; unlocked, never
deleted (erased with the subject)."""

keystore_metadata = MetaData(naming_convention=NAMING)

data_keys = Table(
    "data_keys",
    keystore_metadata,
    Column("tenant_id", String(TENANT), primary_key=True),
    Column("subject_id", String(ID), primary_key=True),
    Column("wrapped", LargeBinary, nullable=False),
)

key_events = Table(
    "key_events",
    keystore_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("action", String(32), nullable=False),
    Column("master_key_id", String(16), nullable=False),
    Column("detail", Text, nullable=False),
)
"""Rotations and the active master key id; never a key."""
