"""Comparers of the terms: organisation, languages, retention, subject access, complaints,
change notice, security and service locks.

Each takes the old and the new Policy and yields `Change`s in file order
(`policy.diff.diff`).
"""

from __future__ import annotations

from collections.abc import Iterator

from baomat.policy._diff_common import (
    LANGS,
    added_removed,
    by_id,
    length_text,
    local,
    named,
    named_list,
    types_scope,
    words,
)
from baomat.policy._lengths import Length, compare, compare_amounts
from baomat.policy.change import EVERYONE, Change, Scope, Text, texts
from baomat.policy.model import (
    ChangeNoticeMode,
    ComplaintDeadline,
    Duration,
    IdentityProof,
    LocalText,
    Policy,
    RetentionRule,
)
from baomat.policy.render import label

# --- organisation, languages, law profile ------------------------------------


def organisation(old: Policy, new: Policy) -> Iterator[Change]:
    a, b = old.organisation, new.organisation
    if a.tax_code and b.tax_code and a.tax_code != b.tax_code:
        yield Change(
            "controller_changed",
            "organisation.tax_code",
            {"old": f"{a.name.vi} ({a.tax_code})", "new": _controller(b.name, b.tax_code)},
        )
    elif a != b:
        yield Change("organisation_changed", "organisation", {"name": local(b.name)})
    if old.law_profile != new.law_profile:
        yield Change(
            "law_profile_changed",
            "law_profile",
            {"old": old.law_profile, "new": new.law_profile},
        )


def _controller(name: LocalText, tax_code: str) -> dict[str, str]:
    return {"vi": f"{name.vi} ({tax_code})", "en": f"{name.en} ({tax_code})"}


def languages(old: Policy, new: Policy) -> Iterator[Change]:
    for lang in old.languages:
        if lang not in new.languages:
            yield Change("language_removed", "languages", {"language": lang})
    for lang in new.languages:
        if lang not in old.languages:
            yield Change("language_added", "languages", {"language": lang})


# --- retention ---------------------------------------------------------------


def retention(old: Policy, new: Policy) -> Iterator[Change]:
    added, removed, kept = added_removed(old.retention, new.retention)
    for rule in added:
        yield Change(
            "retention_rule_added",
            f"retention.{rule.id}",
            {"rule": rule.id},
            (types_scope(rule.subject_types),),
        )
    for rule in removed:
        yield Change(
            "retention_rule_removed",
            f"retention.{rule.id}",
            {"rule": rule.id},
            (types_scope(rule.subject_types),),
        )
    for rule_id in kept:
        before = by_id(old.retention)[rule_id]
        after = by_id(new.retention)[rule_id]
        yield from _rule(before, after)


def _rule(a: RetentionRule, b: RetentionRule) -> Iterator[Change]:
    path = f"retention.{b.id}"
    params: dict[str, Text] = {"rule": b.id}
    # Data of every type either version's rule covers may be kept otherwise.
    if a.subject_types is None or b.subject_types is None:
        scope = EVERYONE
    else:
        scope = Scope(frozenset(a.subject_types) | frozenset(b.subject_types))
    scopes = (scope,)
    if a.trigger != b.trigger:
        yield Change(
            "retention_trigger_changed",
            f"{path}.trigger",
            {**params, "old": _trigger(a), "new": _trigger(b)},
            scopes,
        )
    if a.subject_types != b.subject_types:
        yield Change("retention_scope_changed", f"{path}.subject_types", params, scopes)
    # A longer period, review interval or minimum keeps data longer; so does a higher maximum.
    for key in ("period", "review_every", "min_keep", "max_keep"):
        yield from _kept(path, key, getattr(a, key), getattr(b, key), params, scopes)
    if a.note != b.note and b.note is not None:
        yield words(f"{path}.note")


def _trigger(rule: RetentionRule) -> dict[str, str]:
    """How a rule keeps data, as the notice says it: "for 1 year after your account is closed"."""
    out: dict[str, str] = {}
    for lang in LANGS:
        period = length_text(rule.period.amount, rule.period.unit)[lang] if rule.period else ""
        review = (
            length_text(rule.review_every.amount, rule.review_every.unit)[lang]
            if rule.review_every
            else ""
        )
        text = label(f"trigger.{rule.trigger}", lang).format(period=period, review=review)
        out[lang] = (
            text
            if review or "{review}" not in label(f"trigger.{rule.trigger}", lang)
            else text.split(",")[0]
        )
    return out


def _kept(
    path: str,
    key: str,
    a: Duration | None,
    b: Duration | None,
    params: dict[str, Text],
    scopes: tuple[Scope, ...],
) -> Iterator[Change]:
    where = f"{path}.{key}"
    tagged: dict[str, Text] = {**params, "what": texts()[f"retention.{key}"]}
    if a is None and b is None:
        return
    if a is None and b is not None:
        if key == "max_keep":
            yield Change(
                "retention_bounded", where, {**tagged, "new": length_text(b.amount, b.unit)}
            )
        elif key == "min_keep":
            yield Change(
                "retention_longer",
                where,
                {**tagged, "old": "-", "new": length_text(b.amount, b.unit)},
                scopes,
            )
        return
    if b is None:
        assert a is not None
        if key == "max_keep":
            yield Change(
                "retention_unbounded",
                where,
                {**tagged, "old": length_text(a.amount, a.unit)},
                scopes,
            )
        return
    assert a is not None
    length = compare(a, b)
    if length is Length.SAME:
        return
    code = {
        Length.LONGER: "retention_longer",
        Length.MAYBE_LONGER: "retention_may_be_longer",
        Length.SHORTER: "retention_shorter",
    }[length]
    lengths = {"old": length_text(a.amount, a.unit), "new": length_text(b.amount, b.unit)}
    yield Change(code, where, {**tagged, **lengths}, scopes)


# --- subject access, complaints, change notice, security ---------------------

_PROOF_RANK = {
    IdentityProof.LOGIN: 0,
    IdentityProof.VERIFIED_BY_STAFF: 1,
    IdentityProof.LEGAL_RIGHT: 2,
}
"""How much a requester must show, least first."""

_WAYS = {
    "self_service": {"self_service"},
    "assisted": {"assisted"},
    "both": {"self_service", "assisted"},
}


def access(old: Policy, new: Policy) -> Iterator[Change]:
    a, b = old.subject_access, new.subject_access
    if a.mode != b.mode:
        lost = _WAYS[a.mode] - _WAYS[b.mode]
        code = "access_narrowed" if lost else "access_widened"
        yield Change(
            code,
            "subject_access.mode",
            {"old": named(f"mode.{a.mode}"), "new": named(f"mode.{b.mode}")},
        )
    if a.identity_proof != b.identity_proof:
        stricter = _PROOF_RANK[b.identity_proof] > _PROOF_RANK[a.identity_proof]
        yield Change(
            "identity_proof_stricter" if stricter else "identity_proof_relaxed",
            "subject_access.identity_proof",
            {
                "old": named(f"proof.{a.identity_proof}"),
                "new": named(f"proof.{b.identity_proof}"),
            },
        )
    lost_rights = [r for r in a.rights if r not in b.rights]
    gained_rights = [r for r in b.rights if r not in a.rights]
    if lost_rights:
        yield Change(
            "rights_removed", "subject_access.rights", {"rights": named_list("right", lost_rights)}
        )
    if gained_rights:
        yield Change(
            "rights_added", "subject_access.rights", {"rights": named_list("right", gained_rights)}
        )
    if a.note != b.note and b.note is not None:
        yield words("subject_access.note")


def _longest(d: ComplaintDeadline) -> int:
    """The longest a deadline may run: its amount, or the top of its range."""
    return d.amount if d.amount is not None else (d.max or 0)


def complaints(old: Policy, new: Policy) -> Iterator[Change]:
    a, b = old.complaints, new.complaints
    if a.deadline is not None and b.deadline is None:
        yield Change("complaint_deadline_removed", "complaints.deadline")
    elif a.deadline is None and b.deadline is not None:
        yield Change(
            "complaint_deadline_added", "complaints.deadline", {"new": _deadline_text(b.deadline)}
        )
    elif a.deadline is not None and b.deadline is not None and a.deadline != b.deadline:
        length = compare_amounts(
            (_longest(a.deadline), a.deadline.unit), (_longest(b.deadline), b.deadline.unit)
        )
        code = {
            Length.LONGER: "complaint_deadline_longer",
            Length.MAYBE_LONGER: "complaint_deadline_may_be_longer",
            Length.SHORTER: "complaint_deadline_shorter",
            Length.SAME: "complaint_deadline_shorter",  # same longest, a range tightened from below
        }[length]
        yield Change(
            code,
            "complaints.deadline",
            {"old": _deadline_text(a.deadline), "new": _deadline_text(b.deadline)},
        )
    old_channels = {(c.kind, c.value) for c in a.channels}
    new_channels = {(c.kind, c.value) for c in b.channels}
    for c in a.channels:
        if (c.kind, c.value) not in new_channels:
            yield Change(
                "complaint_channel_removed",
                "complaints.channels",
                {"channel": _channel(c.kind, c.value)},
            )
    for c in b.channels:
        if (c.kind, c.value) not in old_channels:
            yield Change(
                "complaint_channel_added",
                "complaints.channels",
                {"channel": _channel(c.kind, c.value)},
            )
    lost_steps = [s for s in a.steps if s not in b.steps]
    gained_steps = [s for s in b.steps if s not in a.steps]
    if lost_steps:
        yield Change(
            "complaint_step_removed", "complaints.steps", {"steps": named_list("step", lost_steps)}
        )
    if gained_steps:
        yield Change(
            "complaint_step_added", "complaints.steps", {"steps": named_list("step", gained_steps)}
        )
    if a.categories != b.categories:
        yield Change("complaint_categories_changed", "complaints.categories")
    if a.note != b.note and b.note is not None:
        yield words("complaints.note")


def _deadline_text(d: ComplaintDeadline) -> dict[str, str]:
    amount: int | str = d.amount if d.amount is not None else f"{d.min}–{d.max}"
    return length_text(amount, str(d.unit))


def _channel(kind: str, value: str | None) -> dict[str, str]:
    kind_text = named(f"channel.{kind}")
    return {lang: f"{text}: {value}" if value else text for lang, text in kind_text.items()}


_NOTICE_RANK = {
    ChangeNoticeMode.CONTINUED_USE: 0,
    ChangeNoticeMode.EMAIL_ON_MATERIAL_CHANGE: 1,
    ChangeNoticeMode.FRESH_CONSENT: 2,
}
"""How much a subject must be told or asked when the policy changes, least first."""


def change_notice(old: Policy, new: Policy) -> Iterator[Change]:
    a, b = old.change_notice, new.change_notice
    if a.mode != b.mode:
        weaker = _NOTICE_RANK[b.mode] < _NOTICE_RANK[a.mode]
        yield Change(
            "change_notice_weakened" if weaker else "change_notice_strengthened",
            "change_notice.mode",
            {"old": named(f"change.{a.mode}"), "new": named(f"change.{b.mode}")},
        )
    if a.note != b.note and b.note is not None:
        yield words("change_notice.note")


def security(old: Policy, new: Policy) -> Iterator[Change]:
    a, b = old.security, new.security
    before, after = by_id(a.measures), by_id(b.measures)
    for m in a.measures:
        if m.id not in after:
            yield Change(
                "security_measure_removed", f"security.measures.{m.id}", {"measure": local(m.text)}
            )
    for m in b.measures:
        if m.id not in before:
            yield Change(
                "security_measure_added", f"security.measures.{m.id}", {"measure": local(m.text)}
            )
        elif before[m.id].text != m.text:
            yield words(f"security.measures.{m.id}")
    told_before = (
        (a.breach.notify_authority, a.breach.notify_subjects) if a.breach else (False, False)
    )
    told_after = (
        (b.breach.notify_authority, b.breach.notify_subjects) if b.breach else (False, False)
    )
    if any(x and not y for x, y in zip(told_before, told_after, strict=True)):
        yield Change("breach_notice_weakened", "security.breach")
    elif told_before != told_after:
        yield Change("breach_notice_strengthened", "security.breach")
    if a.third_party_tracking != b.third_party_tracking:
        code = (
            "third_party_tracking_allowed"
            if b.third_party_tracking
            else "third_party_tracking_stopped"
        )
        yield Change(code, "security.third_party_tracking")


# --- service locks -------------------------------------------------------------


def service_locks(old: Policy, new: Policy) -> Iterator[Change]:
    """A new violation, or a lock stopping more purposes, costs the subjects: material."""
    a, b = old.service_locks, new.service_locks
    before = by_id(a.violations) if a else {}
    after = by_id(b.violations) if b else {}
    for v in a.violations if a else []:
        if v.id not in after:
            path = f"service_locks.violations.{v.id}"
            yield Change("lock_violation_removed", path, {"text": local(v.text)})
    for v in b.violations if b else []:
        path = f"service_locks.violations.{v.id}"
        if v.id not in before:
            yield Change("lock_violation_added", path, {"text": local(v.text)})
        elif before[v.id].text != v.text:
            yield words(path)
    stopped = list(a.blocks_purposes) if a else []
    stops = list(b.blocks_purposes) if b else []
    if lost := [p for p in stopped if p not in stops]:
        yield Change(
            "lock_purposes_removed", "service_locks.blocks_purposes", {"purposes": ", ".join(lost)}
        )
    if gained := [p for p in stops if p not in stopped]:
        yield Change(
            "lock_purposes_added", "service_locks.blocks_purposes", {"purposes": ", ".join(gained)}
        )
