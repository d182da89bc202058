"""What a subject is shown of itself (access), and the same as one download (export).

    report_zip(report) -> b"PK..."  # data.json, data.csv, consents.csv,
                                    # disclosures.csv, decisions.csv, attachments/*

The report holds the subject's values, so it is never logged; its `repr`
leaves them out. CSV files are UTF-8 with a byte-order mark, so Excel reads
Vietnamese, and a cell that a spreadsheet would run as a formula (starting
with `=`, `+`, `-`, `@`, a tab or a carriage return, as an E.164 phone number
does) gets a leading apostrophe, the usual guard against CSV injection;
`data.json` holds every value exactly.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from baomat.domain.attachments import Attachment
from baomat.domain.consent import Consent
from baomat.domain.disclosure import Disclosure
from baomat.domain.periods import vietnam_tz
from baomat.policy.model import Policy

EXPORT_FORMAT = "baomat/subject-export@1"
LOG_ACTIONS = ("decision", "subject.read", "attachment.read")
"""Audit actions shown to the subject: every decision about its data and every read."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class FieldValue:
    field: str
    label_vi: str
    label_en: str
    value: str = dataclasses.field(repr=False)


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One decision about, or read of, the subject's data: names and codes, no values."""

    at: str
    actor: str
    action: str
    purpose: str | None
    outcome: str
    fields: tuple[str, ...]
    reason: str | None


@dataclass(frozen=True, slots=True)
class AccessReport:
    """Everything held about one subject, as the subject may see it (Law 91 Art. 4)."""

    tenant: str
    organisation: str
    subject: str
    subject_type: str
    request: str
    generated_at: dt.datetime
    values: tuple[FieldValue, ...] = dataclasses.field(repr=False)
    consents: tuple[Consent, ...]
    disclosures: tuple[Disclosure, ...]
    log: tuple[LogEntry, ...]
    recipient_names: Mapping[str, str] = dataclasses.field(default_factory=dict)
    purpose_texts: Mapping[str, str] = dataclasses.field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    files: Mapping[str, bytes] = dataclasses.field(default_factory=dict, repr=False)
    """Attachment id → its content, for an export; an access report describes the files only."""

    def as_dict(self) -> dict[str, object]:
        """The report as JSON-ready data (what `data.json` holds)."""
        return {
            "format": EXPORT_FORMAT,
            "tenant": self.tenant,
            "organisation": self.organisation,
            "subject": self.subject,
            "subject_type": self.subject_type,
            "request": self.request,
            "generated_at": _time(self.generated_at),
            "data": [
                {"field": v.field, "label": {"vi": v.label_vi, "en": v.label_en}, "value": v.value}
                for v in self.values
            ],
            "consents": [self._consent(c) for c in self.consents],
            "disclosures": [self._disclosure(d) for d in self.disclosures],
            "decisions": [
                {
                    "at": e.at,
                    "actor": e.actor,
                    "action": e.action,
                    "purpose": e.purpose,
                    "outcome": e.outcome,
                    "fields": list(e.fields),
                    "reason": e.reason,
                }
                for e in self.log
            ],
            "attachments": [
                {
                    "id": a.id,
                    "field": a.field,
                    "media_type": a.media_type,
                    "size": a.size,
                    "sha256": a.sha256,
                    "created_at": _time(a.created_at),
                    "file": _file_path(a) if a.id in self.files else None,
                }
                for a in self.attachments
            ],
        }

    def _consent(self, c: Consent) -> dict[str, object]:
        return {
            "purpose": c.purpose,
            "purpose_text": self.purpose_texts.get(c.purpose),
            "policy_version": c.policy_version,
            "language": c.language,
            "channel": c.channel,
            "text_sha256": c.text_sha256,
            "given_at": _time(c.given_at),
            "withdrawn_at": _time(c.withdrawn_at),
        }

    def _disclosure(self, d: Disclosure) -> dict[str, object]:
        return {
            "recipient": d.recipient,
            "recipient_name": self.recipient_names.get(d.recipient),
            "purpose": d.purpose,
            "fields": list(d.fields),
            "legal_basis": d.legal_basis,
            "status": d.status,
            "requested_at": _time(d.requested_at),
            "released_at": _time(d.released_at),
        }


def build_report(
    policy: Policy,
    subject: str,
    subject_type: str,
    request: str,
    at: dt.datetime,
    values: Mapping[str, str],
    consents: Sequence[Consent],
    disclosures: Sequence[Disclosure],
    audit_entries: Iterable[Mapping[str, object]],
    attachments: Sequence[Attachment] = (),
    files: Mapping[str, bytes] | None = None,
) -> AccessReport:
    """The report from what the store holds; labels and names from the tenant's `policy`."""
    order = _field_order(policy, subject_type)
    shown = []
    for name in sorted(values, key=lambda n: (order.get(n, len(order)), n)):
        spec = policy.field(subject_type, name)
        label_vi, label_en = (spec.label.vi, spec.label.en) if spec else (name, name)
        shown.append(FieldValue(name, label_vi, label_en, values[name]))
    lang = policy.languages[0] if policy.languages else "vi"
    return AccessReport(
        tenant=policy.tenant,
        organisation=policy.organisation.name.in_(lang),
        subject=subject,
        subject_type=subject_type,
        request=request,
        generated_at=at,
        values=tuple(shown),
        consents=tuple(consents),
        disclosures=tuple(disclosures),
        log=tuple(_log(audit_entries)),
        recipient_names={r.id: r.name.in_(lang) for r in policy.recipients},
        purpose_texts={p.id: p.text.in_(lang) for p in policy.purposes},
        attachments=tuple(attachments),
        files=dict(files or {}),
    )


def report_zip(report: AccessReport) -> bytes:
    """The report as one ZIP: `data.json` and a CSV per part (`data.csv`: field, value)."""
    doc = report.as_dict()
    files: dict[str, bytes] = {
        "data.json": json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"),
        "data.csv": _csv(["field", "value"], ([v.field, v.value] for v in report.values)),
        "consents.csv": _csv(
            ["purpose", "policy_version", "language", "channel", "given_at", "withdrawn_at"],
            (
                [
                    c.purpose,
                    c.policy_version,
                    c.language,
                    c.channel,
                    _time(c.given_at),
                    _time(c.withdrawn_at),
                ]
                for c in report.consents
            ),
        ),
        "disclosures.csv": _csv(
            [
                "recipient",
                "recipient_name",
                "purpose",
                "fields",
                "legal_basis",
                "status",
                "released_at",
            ],
            (
                [
                    d.recipient,
                    report.recipient_names.get(d.recipient),
                    d.purpose,
                    " ".join(d.fields),
                    d.legal_basis,
                    d.status,
                    _time(d.released_at),
                ]
                for d in report.disclosures
            ),
        ),
        "decisions.csv": _csv(
            ["at", "actor", "action", "purpose", "outcome", "fields", "reason"],
            (
                [e.at, e.actor, e.action, e.purpose, e.outcome, " ".join(e.fields), e.reason]
                for e in report.log
            ),
        ),
    }
    files.update(
        {_file_path(a): report.files[a.id] for a in report.attachments if a.id in report.files}
    )
    stamp = report.generated_at.astimezone(vietnam_tz()).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


# --- helpers ---------------------------------------------------------------------------


def _file_path(attachment: Attachment) -> str:
    return f"attachments/{attachment.filename}"


def _field_order(policy: Policy, subject_type: str) -> dict[str, int]:
    st = policy.subject_type(subject_type)
    return {} if st is None else {f.id: i for i, f in enumerate(st.fields)}


def _log(entries: Iterable[Mapping[str, object]]) -> list[LogEntry]:
    shown = []
    for e in entries:
        if e["action"] not in LOG_ACTIONS:
            continue
        detail = json.loads(str(e["detail"]))
        fields = str(e["fields"])
        reason = detail.get("reason")
        shown.append(
            LogEntry(
                at=str(e["at"]),
                actor=str(e["actor"]),
                action=str(e["action"]),
                purpose=None if e["purpose"] is None else str(e["purpose"]),
                outcome=str(e["outcome"]),
                fields=tuple(f for f in fields.split(",") if f),
                reason=reason if isinstance(reason, str) else None,
            )
        )
    return shown


def _csv(header: list[str], rows: Iterable[Sequence[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _time(at: dt.datetime | None) -> str | None:
    return None if at is None else at.astimezone(dt.UTC).isoformat()
