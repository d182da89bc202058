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
    Column("reason", String(64), nullable=False),
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
    # Clustered by (tenant, seq) on SQLite, so verifying reads the chain in order.
    sqlite_with_rowid=False,
)


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
