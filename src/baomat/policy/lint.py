"""Check a policy against the law: what it must say (errors) and should say (warnings).

    lint_policy(load_policy(Path("wesoft.yaml")))
    -> [Finding("A69.1dd-contact", "error", "Decree 52/2013/ND-CP Art. 69.1(đ)", ...,
                path="organisation"),
        Finding("W-complaints", "warning", ..., path="complaints.channels"), ...]
    lint_text(read_document(Path("wesoft.txt").read_bytes()))
    -> [..., Finding("W-retention-vague", "warning", ..., line=37), ...]

Errors are the six items of Decree 52/2013 Art. 69.1 (a–e, with đ), which the
law lists as a privacy policy's contents; warnings are what practice and the
data-protection notice (Decree 13 Art. 13) add: a security commitment, a
complaint mechanism, the notice items a policy file can hold, sensitive data
used without explicit notice, transfers abroad and an impact assessment without
a dossier recorded or updated in time, and retention without an end
(docs/decisions/010-policy-lint.md). A policy file is checked on its model;
prose by the keyword families of `baomat.policy._lint_prose`. Rule ids, texts
and articles are in `baomat/data/lint_rules.yaml`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from baomat.domain.calendar import load_vn_calendar
from baomat.domain.periods import last_day, vietnam_tz
from baomat.policy._lint_catalogue import Finding, Param, Severity, finding, has_errors
from baomat.policy._lint_catalogue import Lang as Language
from baomat.policy._lint_prose import lint_text
from baomat.policy.errors import Loc, format_loc
from baomat.policy.lawprofile import LawProfile, Rule, load_law_profile
from baomat.policy.model import (
    ConsentMode,
    Dossier,
    LegalBasis,
    Policy,
    Purpose,
    Sensitivity,
    SubjectType,
    TimeUnit,
)

RIGHTS = ("access", "export", "correct", "delete", "withdraw", "restrict", "object")
"""The data subject's rights (Law 91 Art. 4); a policy may not narrow them."""

EDIT_RIGHTS = ("access", "correct")
"""Art. 69.1(e): the means to access and to edit one's data."""

_RIGHT_WORDS = {
    "access": {"vi": "xem", "en": "view"},
    "export": {"vi": "nhận bản sao", "en": "get a copy of"},
    "correct": {"vi": "chỉnh sửa", "en": "correct"},
    "delete": {"vi": "xóa", "en": "delete"},
    "withdraw": {"vi": "rút lại sự đồng ý về", "en": "withdraw consent to the use of"},
    "restrict": {"vi": "hạn chế xử lý", "en": "restrict the processing of"},
    "object": {"vi": "phản đối xử lý", "en": "object to the processing of"},
}

_UNIT_WORDS = {
    TimeUnit.HOURS: {"vi": "giờ", "en": "hours"},
    TimeUnit.DAYS: {"vi": "ngày", "en": "days"},
    TimeUnit.WORKING_DAYS: {"vi": "ngày làm việc", "en": "working days"},
    TimeUnit.MONTHS: {"vi": "tháng", "en": "months"},
    TimeUnit.YEARS: {"vi": "năm", "en": "years"},
}

_NO_NOTICE_NEEDED = frozenset(
    {LegalBasis.LEGAL_OBLIGATION, LegalBasis.VITAL_INTEREST, LegalBasis.STATE_FUNCTION}
)
"""Grounds on which the law lets data, sensitive data too, be used without consent (Law 91
Art. 19); on the others a use of sensitive data goes without the explicit notice consent gives."""

__all__ = ["Finding", "Language", "Severity", "has_errors", "lint_policy", "lint_text"]


def lint_policy(policy: Policy, profile: LawProfile | None = None) -> list[Finding]:
    """A loaded policy -> its findings, errors first, each located by its path in the file.

    `profile` defaults to the law profile the policy names (`law_profile`).
    """
    profile = profile or load_law_profile(policy.law_profile)
    findings = [
        *_purposes_and_scope(policy),
        *_retention(policy),
        *_recipients(policy),
        *_contact(policy),
        *_access(policy),
        *_security(policy),
        *_complaints(policy),
        *_notice(policy),
        *_sensitive(policy),
        *_transfers(policy, profile),
        *_impact_assessment(policy, profile),
    ]
    return sorted(findings, key=lambda f: f.severity != "error")


def _applies(purpose: Purpose, st: SubjectType) -> bool:
    """Whether `purpose` uses data of subject type `st`."""
    in_scope = purpose.subject_types is None or st.id in purpose.subject_types
    return in_scope and any(f.id in purpose.fields for f in st.fields)


def _purposes_and_scope(policy: Policy) -> Iterator[Finding]:
    """Art. 69.1(a): every subject type's data is collected for a purpose; (b) every field it
    holds is within some purpose's scope of use."""
    for t, st in enumerate(policy.subject_types):
        purposes = [p for p in policy.purposes if _applies(p, st)]
        if not purposes:
            yield finding(
                "A69.1a-purpose", "policy", path=_at("subject_types", t), subject_type=st.id
            )
            continue
        used = {f for p in purposes for f in p.fields}
        for i, spec in enumerate(st.fields):
            if spec.id not in used:
                yield finding(
                    "A69.1b-scope",
                    "policy",
                    path=_at("subject_types", t, "fields", i),
                    subject_type=st.id,
                    field=spec.id,
                )


def _retention(policy: Policy) -> Iterator[Finding]:
    """Art. 69.1(c): a retention rule covers every subject type; practice: each one ends."""
    for st in policy.subject_types:
        if not any(r.subject_types is None or st.id in r.subject_types for r in policy.retention):
            yield finding("A69.1c-retention", "policy", path="retention", subject_type=st.id)
    for i, rule in enumerate(policy.retention):
        if rule.period is None and rule.max_keep is None:
            yield finding("W-retention-no-end", "policy", path=_at("retention", i), rule=rule.id)


def _recipients(policy: Policy) -> Iterator[Finding]:
    """Art. 69.1(d): the persons or organisations who may access the data are named."""
    if not policy.recipients:
        yield finding("A69.1d-recipients", "policy", path="recipients")


def _contact(policy: Policy) -> Iterator[Finding]:
    """Art. 69.1(đ): the collecting unit's address (required by the model) and a contact."""
    org = policy.organisation
    if not org.phones and not org.emails:
        yield finding("A69.1dd-contact", "policy", path="organisation")


def _access(policy: Policy) -> Iterator[Finding]:
    """Art. 69.1(e): subjects can view and edit their data; Law 91 Art. 4: and the rest."""
    rights = policy.subject_access.rights
    lacking = [r for r in EDIT_RIGHTS if r not in rights]
    if lacking:
        yield finding(
            "A69.1e-access", "policy", path="subject_access.rights", rights=_rights(lacking, " / ")
        )
    others = [r for r in RIGHTS if r not in rights and r not in EDIT_RIGHTS]
    if others:
        yield finding(
            "W-notice-rights", "policy", path="subject_access.rights", rights=_rights(others, "; ")
        )


def _security(policy: Policy) -> Iterator[Finding]:
    if not policy.security.measures:
        yield finding("W-security", "policy", path="security.measures")


def _complaints(policy: Policy) -> Iterator[Finding]:
    """A complaint mechanism: at least one channel, each with its address, and a deadline."""
    complaints = policy.complaints
    if not complaints.channels:
        yield finding("W-complaints", "policy", path="complaints.channels")
    for i, channel in enumerate(complaints.channels):
        if channel.value is None:
            yield finding(
                "W-complaint-channel-empty",
                "policy",
                path=_at("complaints", "channels", i),
                channel=channel.kind.value,
            )
    if complaints.deadline is None:
        yield finding("W-complaint-deadline", "policy", path="complaints.deadline")


def _notice(policy: Policy) -> Iterator[Finding]:
    """The notice items (Decree 13 Art. 13) a file can miss: a data-protection contact, the
    processing method, the possible harm, and the countries a transfer abroad goes to.
    Purposes, data types, recipients and retention are required by the model; rights are
    checked with access."""
    if policy.organisation.contact_unit is None:
        yield finding("W-notice-contact", "policy", path="organisation.contact_unit")
    if policy.notice.processing_method is None:
        yield finding("W-notice-processing-method", "policy", path="notice.processing_method")
    if policy.notice.possible_harm is None:
        yield finding("W-notice-possible-harm", "policy", path="notice.possible_harm")
    for i, rec in enumerate(policy.recipients):
        if rec.abroad and not rec.countries:
            yield finding(
                "W-notice-countries",
                "policy",
                path=_at("recipients", i, "countries"),
                recipient=rec.id,
            )


def _sensitive(policy: Policy) -> Iterator[Finding]:
    """Sensitive data used by a purpose that neither asks consent nor rests on a ground that
    needs none: the subject is never told of that use explicitly."""
    silent = [
        p
        for p in policy.purposes
        if p.consent is ConsentMode.NOT_NEEDED and p.legal_basis not in _NO_NOTICE_NEEDED
    ]
    seen: set[tuple[str, str]] = set()
    for t, st in enumerate(policy.subject_types):
        for i, spec in enumerate(st.fields):
            if spec.sensitivity is not Sensitivity.SENSITIVE:
                continue
            for purpose in (p for p in silent if spec.id in p.fields and _applies(p, st)):
                if (spec.id, purpose.id) in seen:
                    continue  # the same field id in another subject type
                seen.add((spec.id, purpose.id))
                yield finding(
                    "W-sensitive-notice",
                    "policy",
                    path=_at("subject_types", t, "fields", i),
                    field=spec.id,
                    purpose=purpose.id,
                )


def _transfers(policy: Policy, profile: LawProfile) -> Iterator[Finding]:
    """Each recipient abroad needs a cross-border dossier, filed by the profile's deadline
    (`cross_border_filing`) and updated every `cross_border_update_periodic`."""
    filing = profile.find("cross_border_filing")
    periodic = profile.find("cross_border_update_periodic")
    for i, rec in enumerate(policy.recipients):
        if not rec.abroad:
            continue
        if rec.transfer_dossier is None:
            yield _missing("W-transfer-dossier", filing, _at("recipients", i), recipient=rec.id)
        elif _stale(rec.transfer_dossier, periodic, policy.last_updated):
            yield _late(
                "W-transfer-dossier-stale",
                rec.transfer_dossier,
                periodic,
                _at("recipients", i, "transfer_dossier"),
                recipient=rec.id,
            )


def _impact_assessment(policy: Policy, profile: LawProfile) -> Iterator[Finding]:
    """A policy that processes sensitive data or sends data abroad records its impact
    assessment dossier (`dpia_filing`), which no micro or small firm is spared then (Law 91
    Art. 38); a recorded one is updated every `dpia_update_periodic`."""
    dossier = policy.impact_assessment
    if dossier is None:
        sensitive = sorted(
            {f.id for st in policy.subject_types for f in st.fields
             if f.sensitivity is Sensitivity.SENSITIVE}
        )  # fmt: skip
        abroad = [r.id for r in policy.recipients if r.abroad]
        if sensitive or abroad:
            why = _assessment_triggers(sensitive, abroad)
            filing = profile.find("dpia_filing")
            yield _missing("W-impact-assessment", filing, "impact_assessment", why=why)
        return
    periodic = profile.find("dpia_update_periodic")
    if _stale(dossier, periodic, policy.last_updated):
        yield _late("W-impact-assessment-stale", dossier, periodic, "impact_assessment")


def _assessment_triggers(sensitive: list[str], abroad: list[str]) -> dict[str, str]:
    """What makes an impact assessment due, in words: the sensitive fields, the recipients
    abroad, or both (`why` of `W-impact-assessment`)."""
    vi, en = [], []
    if sensitive:
        vi.append(f"xử lý dữ liệu nhạy cảm ({', '.join(sensitive)})")
        en.append(f"processes sensitive data ({', '.join(sensitive)})")
    if abroad:
        vi.append(f"chuyển dữ liệu ra nước ngoài (cho {', '.join(abroad)})")
        en.append(f"transfers data abroad (to {', '.join(abroad)})")
    return {"vi": " và ".join(vi), "en": " and ".join(en)}


def _missing(
    rule_id: str, filing: Rule | None, path: str, recipient: str = "", why: Param = ""
) -> Finding:
    """A dossier not recorded: with the profile's filing period when it has one. `recipient`
    names the recipient abroad of a transfer dossier, `why` what makes an impact assessment
    due; each text uses the one it names."""
    if filing is None or filing.amount is None or filing.unit is None:
        return finding(rule_id, "policy_undated", path=path, recipient=recipient, why=why)
    amount, unit = filing.amount, _UNIT_WORDS[filing.unit]
    return finding(
        rule_id, "policy", path=path, amount=amount, unit=unit, recipient=recipient, why=why
    )


def _stale(dossier: Dossier, periodic: Rule | None, day: dt.date) -> bool:
    """Whether the periodic update of `dossier` fell due before `day` (the policy's
    `last_updated`), counted from its last filing per the Civil Code; never without a rule."""
    if periodic is None or periodic.amount is None:
        return False
    return day > _update_due(dossier, periodic)


def _update_due(dossier: Dossier, periodic: Rule) -> dt.date:
    tz = vietnam_tz()
    start = dt.datetime.combine(dossier.last_filed(), dt.time(), tzinfo=tz)
    return last_day(periodic.due(start, load_vn_calendar(), tz=tz), tz)


def _late(
    rule_id: str, dossier: Dossier, periodic: Rule | None, path: str, recipient: str = ""
) -> Finding:
    """A dossier whose periodic update is overdue at the policy's date."""
    assert periodic is not None and periodic.amount is not None and periodic.unit is not None
    return finding(
        rule_id,
        "policy",
        path=path,
        last=f"{dossier.last_filed():%d/%m/%Y}",
        due=f"{_update_due(dossier, periodic):%d/%m/%Y}",
        amount=periodic.amount,
        unit=_UNIT_WORDS[periodic.unit],
        recipient=recipient,
    )


def _rights(rights: list[str], sep: str) -> dict[str, str]:
    """["access", "correct"] -> {"vi": "xem / chỉnh sửa", "en": "view / correct"}."""
    return {lang: sep.join(_RIGHT_WORDS[r][lang] for r in rights) for lang in ("vi", "en")}


def _at(*loc: str | int) -> str:
    path: Loc = loc
    return format_loc(path)
