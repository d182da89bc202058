"""The typed model of a tenant's policy file.

A policy file is YAML; `baomat.policy.loader` parses it into `Policy`. This
module holds only the shapes and the rules that concern a single value; rules
that relate one part of the file to another live in `baomat.policy.rules`, so
that every mistake in a file can be reported at once with its location.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

FORMAT = "baomat/policy@1"

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=64),
]
"""Identifiers are lower-case snake case so they read the same in URLs, YAML and SQL."""

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class LocalText(_Model):
    """A text shown to people, in Vietnamese and English."""

    vi: NonEmpty
    en: NonEmpty

    def in_(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


# --- durations ---------------------------------------------------------------


class TimeUnit(StrEnum):
    HOURS = "hours"
    DAYS = "days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"
    YEARS = "years"


class Duration(_Model):
    """`{amount: 10, unit: working_days}`; counted per the Civil Code (see LAW.md)."""

    amount: Annotated[int, Field(gt=0, le=100_000)]
    unit: TimeUnit


# --- organisation ------------------------------------------------------------


class Organisation(_Model):
    name: LocalText
    tax_code: Annotated[str, StringConstraints(pattern=r"^\d{10}(-\d{3})?$|^\d{12}$")] | None = None
    address: LocalText
    contact_unit: LocalText | None = None
    phones: list[NonEmpty] = []
    emails: list[NonEmpty] = []
    website: NonEmpty | None = None
    legal_representative: NonEmpty | None = None


# --- subject types and fields ------------------------------------------------


class DataType(StrEnum):
    """What a field holds; each type has its validator in the collection layer."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    DATE = "date"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    TAX_CODE = "tax_code"
    CITIZEN_ID = "citizen_id"
    CARD_NUMBER = "card_number"
    FILE = "file"
    URL = "url"
    CHOICE = "choice"
    TIMESTAMP = "timestamp"
    JSON = "json"


class Category(StrEnum):
    """Data categories of LAW.md ("Data categories"): basic ones then sensitive ones."""

    NAME = "name"
    BIRTH_DATE = "birth_date"
    GENDER = "gender"
    ADDRESS = "address"
    CONTACT = "contact"
    NATIONALITY = "nationality"
    IMAGE = "image"
    IDENTIFICATION = "identification"
    MARITAL_STATUS = "marital_status"
    FAMILY = "family"
    ACCOUNT = "account"
    PROFESSIONAL = "professional"
    PREFERENCE = "preference"
    DEVICE = "device"
    USER_CONTENT = "user_content"
    PROPERTY = "property"
    DOCUMENT = "document"
    # sensitive
    POLITICAL_RELIGIOUS = "political_religious"
    HEALTH = "health"
    ETHNIC_ORIGIN = "ethnic_origin"
    GENETIC_BIOMETRIC = "genetic_biometric"
    SEX_LIFE = "sex_life"
    CRIMINAL = "criminal"
    FINANCIAL = "financial"
    SECURITIES_INSURANCE = "securities_insurance"
    LOCATION = "location"
    PRIVATE_LIFE = "private_life"
    E_IDENTIFICATION = "e_identification"
    ID_CARD_IMAGE = "id_card_image"
    BEHAVIOUR = "behaviour"


SENSITIVE_CATEGORIES = frozenset(
    {
        Category.POLITICAL_RELIGIOUS,
        Category.HEALTH,
        Category.ETHNIC_ORIGIN,
        Category.GENETIC_BIOMETRIC,
        Category.SEX_LIFE,
        Category.CRIMINAL,
        Category.FINANCIAL,
        Category.SECURITIES_INSURANCE,
        Category.LOCATION,
        Category.PRIVATE_LIFE,
        Category.E_IDENTIFICATION,
        Category.ID_CARD_IMAGE,
        Category.BEHAVIOUR,
    }
)
"""Sensitive personal data per Decree 13 Art. 2.4 and Decree 356 (LAW.md "Data categories")."""


class Sensitivity(StrEnum):
    BASIC = "basic"
    SENSITIVE = "sensitive"


class FileLimits(_Model):
    max_bytes: Annotated[int, Field(gt=0, le=50 * 1024 * 1024)] = 10 * 1024 * 1024
    media_types: list[NonEmpty] = ["application/pdf", "image/jpeg", "image/png"]


class PiiHandling(StrEnum):
    """What storing a `free_text` field does with the personal data `baomat.domain.pii` finds."""

    FLAG = "flag"
    """Stored as written; the audit entry records the kinds found and how many, never values."""
    REDACT = "redact"
    """Each piece found is replaced by `[kind]` (e.g. `[phone]`) before the text is stored."""


class FieldSpec(_Model):
    id: Id
    label: LocalText
    type: DataType
    category: Category
    sensitivity: Sensitivity
    required: bool = False
    searchable: bool = False
    unique: bool = False
    """At most one live subject of the type holds a value (one account per email); needs
    `searchable`, since the blind index is how a second holder is found."""
    validator: NonEmpty | None = None
    """A named validator narrower than the type's own, e.g. `vn_mobile` or `cmnd_or_cccd`."""
    max_length: Annotated[int, Field(gt=0, le=1_000_000)] | None = None
    choices: list[NonEmpty] | None = None
    file: FileLimits | None = None
    free_text: bool = False
    """Free text a subject writes (reviews, comments): scanned for personal data when stored."""
    pii: PiiHandling | None = None
    """For a `free_text` field: `flag` (when absent) or `redact` what the scan finds."""


class SubjectType(_Model):
    id: Id
    name: LocalText
    fields: Annotated[list[FieldSpec], Field(min_length=1)]


# --- purposes ----------------------------------------------------------------


class LegalBasis(StrEnum):
    """Grounds for processing: consent, or a case where the law needs none (Law 91 Art. 19)."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTEREST = "vital_interest"
    PUBLIC_INTEREST = "public_interest"
    STATE_FUNCTION = "state_function"


class ConsentMode(StrEnum):
    """Opt-in, or not needed. There is no opt-out: silence is not consent (Decree 13 Art. 11)."""

    OPT_IN = "opt_in"
    NOT_NEEDED = "not_needed"


class Purpose(_Model):
    id: Id
    text: LocalText
    legal_basis: LegalBasis
    consent: ConsentMode
    fields: Annotated[list[Id], Field(min_length=1)]
    subject_types: list[Id] | None = None
    """Restricts the purpose to these subject types; all types when absent."""
    channels: list[Literal["email", "post", "phone", "sms", "web", "app"]] = []


# --- recipients --------------------------------------------------------------


class RecipientKind(StrEnum):
    INTERNAL = "internal"
    PROCESSOR = "processor"
    PARTNER = "partner"
    STATE_AGENCY = "state_agency"
    INTEGRATED_THIRD_PARTY = "integrated_third_party"


class Contract(_Model):
    reference: NonEmpty
    valid_from: dt.date
    valid_until: dt.date | None = None


class Dossier(_Model):
    """A dossier filed with the data-protection authority (A05): an impact assessment or a
    cross-border transfer assessment (Law 91 Arts. 20-22; Decree 356 Arts. 17-20).

    `{reference: "A05-2026-0142", filed_on: 2026-03-02, updated_on: 2026-08-28}`
    """

    reference: NonEmpty
    """The reference the authority gave the filing, or the controller's own file number."""
    filed_on: dt.date
    """The day the dossier was first filed."""
    updated_on: dt.date | None = None
    """The day of its latest update, if it has been updated since."""

    def last_filed(self) -> dt.date:
        """The day the dossier was last filed or updated: the periodic update counts from it."""
        return self.updated_on or self.filed_on


class Recipient(_Model):
    id: Id
    name: LocalText
    kind: RecipientKind
    contract: Contract | None = None
    fields: list[Id] | Literal["all"]
    purposes: list[Id] = []
    abroad: bool = False
    countries: list[Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]] = []
    """ISO 3166 codes of the countries outside Vietnam the data goes to."""
    on_request_only: bool = False
    """Disclosed only on a formal request (state agencies), never routinely."""
    confidential: bool = False
    """Disclosures the law keeps from the subject (e.g. during an investigation)."""
    website: NonEmpty | None = None
    transfer_dossier: Dossier | None = None
    """For a recipient abroad: the cross-border transfer impact dossier filed for it."""


# --- retention ---------------------------------------------------------------


class RetentionTrigger(StrEnum):
    UNTIL_CANCELLED = "until_cancelled"
    AFTER_CLOSURE = "after_closure"
    WHILE_NEEDED = "while_needed"


class RetentionRule(_Model):
    id: Id
    subject_types: list[Id] | None = None
    trigger: RetentionTrigger
    period: Duration | None = None
    """How long after account closure (after_closure)."""
    review_every: Duration | None = None
    """How often continued need is reviewed (while_needed)."""
    min_keep: Duration | None = None
    max_keep: Duration | None = None
    note: LocalText | None = None


# --- subject access, complaints, change notice, security ---------------------


class AccessMode(StrEnum):
    SELF_SERVICE = "self_service"
    ASSISTED = "assisted"
    BOTH = "both"


class IdentityProof(StrEnum):
    LOGIN = "login"
    """Being logged in to one's own account is proof enough."""
    VERIFIED_BY_STAFF = "verified_by_staff"
    LEGAL_RIGHT = "legal_right"
    """The requester proves a legal right to the data (Clever Group)."""


class SubjectAccess(_Model):
    mode: AccessMode
    identity_proof: IdentityProof
    rights: list[
        Literal["access", "export", "correct", "delete", "withdraw", "restrict", "object"]
    ] = ["access", "export", "correct", "delete", "withdraw", "restrict", "object"]
    note: LocalText | None = None


class ChannelKind(StrEnum):
    HOTLINE = "hotline"
    EMAIL = "email"
    POST = "post"
    IN_PERSON = "in_person"
    WEB = "web"


class Channel(_Model):
    kind: ChannelKind
    value: NonEmpty | None = None
    """Phone number, email or address; empty when the policy names the channel but no address."""


class ComplaintDeadline(_Model):
    """Either one `amount`, or a `min`..`max` range chosen by complexity."""

    unit: TimeUnit
    amount: Annotated[int, Field(gt=0, le=1000)] | None = None
    min: Annotated[int, Field(gt=0, le=1000)] | None = None
    max: Annotated[int, Field(gt=0, le=1000)] | None = None


class Complaints(_Model):
    channels: list[Channel] = []
    deadline: ComplaintDeadline | None = None
    steps: list[Literal["negotiation", "mediation", "court"]] = []
    categories: list[Id] = []
    note: LocalText | None = None


class ChangeNoticeMode(StrEnum):
    EMAIL_ON_MATERIAL_CHANGE = "email_on_material_change"
    CONTINUED_USE = "continued_use"
    FRESH_CONSENT = "fresh_consent"


class ChangeNotice(_Model):
    mode: ChangeNoticeMode
    note: LocalText | None = None


class Measure(_Model):
    id: Id
    text: LocalText


class BreachCommitment(_Model):
    notify_authority: bool
    notify_subjects: bool
    text: LocalText | None = None


class Security(_Model):
    measures: list[Measure] = []
    breach: BreachCommitment | None = None
    third_party_tracking: bool = False
    """False promises that no third party tracks visitors on the tenant's pages."""


# --- data-protection notice ----------------------------------------------------


class Notice(_Model):
    """The data-protection notice items no other section holds (Decree 13 Art. 13, LAW.md "What
    a privacy policy must contain"); purposes, data types, recipients, retention, rights and the
    contact come from their own sections (key `notice`)."""

    processing_method: LocalText | None = None
    """How the data is processed: collected how, stored where, used and shared by what means."""
    possible_harm: LocalText | None = None
    """The unwanted consequences and harm the processing may cause the subjects."""


# --- service locks -------------------------------------------------------------


class Violation(_Model):
    """One breach of the tenant's terms of use that lets staff lock a subject's service."""

    id: Id
    text: LocalText


class ServiceLocks(_Model):
    """When staff may lock a subject's service, and what a lock stops (key `service_locks`).

    A lock names one of `violations`; while it is open, decisions for the
    purposes in `blocks_purposes` are refused (`service_locked`). The subject's
    rights (access, export, deletion, complaints) never depend on it.
    """

    violations: Annotated[list[Violation], Field(min_length=1)]
    blocks_purposes: Annotated[list[Id], Field(min_length=1)]

    def violation(self, violation_id: str) -> Violation | None:
        return next((v for v in self.violations if v.id == violation_id), None)


# --- the file ----------------------------------------------------------------


class Policy(_Model):
    format: Literal["baomat/policy@1"]
    tenant: Id
    version: Annotated[int, Field(ge=1)]
    last_updated: dt.date
    law_profile: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")] = "law-91-2025"
    languages: list[Literal["vi", "en"]] = ["vi", "en"]
    organisation: Organisation
    subject_types: Annotated[list[SubjectType], Field(min_length=1)]
    purposes: Annotated[list[Purpose], Field(min_length=1)]
    recipients: list[Recipient] = []
    retention: Annotated[list[RetentionRule], Field(min_length=1)]
    subject_access: SubjectAccess
    complaints: Complaints
    change_notice: ChangeNotice
    security: Security = Security()
    service_locks: ServiceLocks | None = None
    notice: Notice = Notice()
    impact_assessment: Dossier | None = None
    """The data-protection impact assessment dossier filed for this processing, if any."""

    # -- lookups used by the services; all read-only --

    def reader_language(self, language: str | None) -> Literal["vi", "en"]:
        """The language to write to a subject in: the one it last consented in, when the policy
        speaks it, else the policy's first (`languages`, Vietnamese by default)."""
        return next((known for known in self.languages if known == language), self.languages[0])

    def subject_type(self, type_id: str) -> SubjectType | None:
        return next((t for t in self.subject_types if t.id == type_id), None)

    def field(self, type_id: str, field_id: str) -> FieldSpec | None:
        st = self.subject_type(type_id)
        return None if st is None else next((f for f in st.fields if f.id == field_id), None)

    def purpose(self, purpose_id: str) -> Purpose | None:
        return next((p for p in self.purposes if p.id == purpose_id), None)

    def recipient(self, recipient_id: str) -> Recipient | None:
        return next((r for r in self.recipients if r.id == recipient_id), None)

    def field_ids(self) -> set[str]:
        return {f.id for t in self.subject_types for f in t.fields}
