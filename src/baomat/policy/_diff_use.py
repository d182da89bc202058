"""Comparers of what data is used and who gets it: subject types and fields, purposes, recipients.

Each takes the old and the new Policy and yields `Change`s in file order
(`policy.diff.diff`).
"""

from __future__ import annotations

from collections.abc import Iterator

from baomat.policy._diff_common import (
    added_removed,
    by_id,
    local,
    named,
    named_list,
    purpose_scope,
    purposes_scopes,
    words,
)
from baomat.policy.change import Change, Scope, Text
from baomat.policy.model import (
    ConsentMode,
    FieldSpec,
    PiiHandling,
    Policy,
    Purpose,
    Recipient,
    SubjectType,
)

# --- subject types and fields ------------------------------------------------

EVERY_KIND = {"vi": "mọi loại", "en": "every kind"}


def subject_types(old: Policy, new: Policy) -> Iterator[Change]:
    added, removed, kept = added_removed(old.subject_types, new.subject_types)
    for st in added:
        yield Change(
            "subject_type_added",
            f"subject_types.{st.id}",
            {"subject_type": st.id, "name": local(st.name)},
            (Scope(frozenset({st.id})),),
        )
    for st in removed:
        yield Change(
            "subject_type_removed",
            f"subject_types.{st.id}",
            {"subject_type": st.id, "name": local(st.name)},
            (Scope(frozenset({st.id})),),
        )
    for type_id in kept:
        before, after = old.subject_type(type_id), new.subject_type(type_id)
        assert before is not None and after is not None
        if before.name != after.name:
            yield words(f"subject_types.{type_id}.name")
        yield from _fields(new, before, after)


def _fields(new: Policy, before: SubjectType, after: SubjectType) -> Iterator[Change]:
    scope = (Scope(frozenset({after.id})),)
    base = f"subject_types.{after.id}"
    added, removed, kept = added_removed(before.fields, after.fields)
    for f in added:
        yield Change(
            "field_added",
            f"{base}.fields.{f.id}",
            {"field": f.id, "label": local(f.label), "subject_type": after.id},
            scope,
        )
    old_categories = {f.category for f in before.fields}
    for category in dict.fromkeys(f.category for f in after.fields):
        if category not in old_categories:
            yield Change(
                "category_added",
                f"{base}.fields",
                {"category": category.value, "subject_type": after.id},
                scope,
            )
    for f in removed:
        yield Change(
            "field_removed", f"{base}.fields.{f.id}", {"field": f.id, "label": local(f.label)}
        )
    for field_id in kept:
        yield from _field(new, base, scope, by_id(before.fields)[field_id], after, field_id)


def _field(
    new: Policy,
    base: str,
    scope: tuple[Scope, ...],
    a: FieldSpec,
    after: SubjectType,
    field_id: str,
) -> Iterator[Change]:
    b = by_id(after.fields)[field_id]
    path = f"{base}.fields.{field_id}"
    params: dict[str, Text] = {"field": field_id, "label": local(b.label)}
    # The purposes that use the field now use data described otherwise: fresh consent.
    using = frozenset(p.id for p in new.purposes if field_id in p.fields)
    if a.category != b.category:
        yield Change(
            "field_category_changed",
            f"{path}.category",
            {**params, "old": a.category.value, "new": b.category.value},
            scope,
            using,
        )
    if a.sensitivity != b.sensitivity:
        yield Change(
            "field_sensitivity_changed",
            f"{path}.sensitivity",
            {**params, "old": a.sensitivity.value, "new": b.sensitivity.value},
            scope,
            using,
        )
    if a.required != b.required:
        code = "field_now_required" if b.required else "field_no_longer_required"
        yield Change(code, f"{path}.required", params, scope)
    if a.label != b.label:
        yield words(f"{path}.label")
    format_keys = (
        "type", "validator", "max_length", "choices", "file", "free_text", "searchable", "unique",
    )  # fmt: skip
    pii_before, pii_after = _pii(a), _pii(b)
    unredacted = pii_before is PiiHandling.REDACT and pii_after is not PiiHandling.REDACT
    if unredacted:
        # Personal data written into the field was removed before storing; now it is kept.
        yield Change("field_pii_kept", f"{path}.pii", params, scope, using)
    pii_changed = pii_before != pii_after and not unredacted
    if pii_changed or any(getattr(a, k) != getattr(b, k) for k in format_keys):
        yield Change("field_format_changed", path, params, scope)


def _pii(f: FieldSpec) -> PiiHandling | None:
    """What storing the field does with personal data found in it: None when it is not scanned."""
    return (f.pii or PiiHandling.FLAG) if f.free_text else None


# --- purposes ----------------------------------------------------------------


def purposes(old: Policy, new: Policy) -> Iterator[Change]:
    added, removed, kept = added_removed(old.purposes, new.purposes)
    for p in added:
        # A new purpose touches every subject it may apply to, opt-in or not: each should
        # learn of the new use (and may be asked to consent to it).
        yield Change(
            "purpose_added",
            f"purposes.{p.id}",
            {"purpose": p.id, "text": local(p.text)},
            (purpose_scope(p, gated=False),),
            frozenset({p.id}),
        )
    for p in removed:
        yield Change(
            "purpose_removed",
            f"purposes.{p.id}",
            {"purpose": p.id, "text": local(p.text)},
            (purpose_scope(p),),
        )
    for purpose_id in kept:
        before, after = old.purpose(purpose_id), new.purpose(purpose_id)
        assert before is not None and after is not None
        yield from _purpose(before, after)


def _purpose(a: Purpose, b: Purpose) -> Iterator[Change]:
    path = f"purposes.{b.id}"
    params: dict[str, Text] = {"purpose": b.id, "text": local(b.text)}
    touched = frozenset({b.id})
    gated = (purpose_scope(b),)
    everyone_it_may_apply_to = (purpose_scope(b, gated=False),)
    if a.legal_basis != b.legal_basis:
        yield Change(
            "purpose_legal_basis_changed",
            f"{path}.legal_basis",
            {
                **params,
                "old": named(f"basis.{a.legal_basis}"),
                "new": named(f"basis.{b.legal_basis}"),
            },
            everyone_it_may_apply_to,
            touched,
        )
    if a.consent != b.consent:
        if b.consent is ConsentMode.NOT_NEEDED:
            # No consent asked any longer: every subject the purpose applies to is now in it.
            yield Change(
                "purpose_consent_weakened",
                f"{path}.consent",
                params,
                everyone_it_may_apply_to,
                touched,
            )
        else:
            yield Change("purpose_consent_strengthened", f"{path}.consent", params, gated)
    more = [f for f in b.fields if f not in a.fields]
    fewer = [f for f in a.fields if f not in b.fields]
    if more:
        yield Change(
            "purpose_fields_added",
            f"{path}.fields",
            {**params, "fields": ", ".join(more)},
            gated,
            touched,
        )
    if fewer:
        yield Change(
            "purpose_fields_removed",
            f"{path}.fields",
            {**params, "fields": ", ".join(fewer)},
            gated,
        )
    yield from _purpose_types(a, b, path, params, touched)
    new_channels = [c for c in b.channels if c not in a.channels]
    dropped_channels = [c for c in a.channels if c not in b.channels]
    if new_channels:
        yield Change(
            "purpose_channels_added",
            f"{path}.channels",
            {**params, "channels": named_list("via", new_channels)},
            gated,
            touched,
        )
    if dropped_channels:
        yield Change(
            "purpose_channels_removed",
            f"{path}.channels",
            {**params, "channels": named_list("via", dropped_channels)},
            gated,
        )
    if a.text != b.text:
        yield words(f"{path}.text")


def _purpose_types(
    a: Purpose, b: Purpose, path: str, params: dict[str, Text], touched: frozenset[str]
) -> Iterator[Change]:
    if a.subject_types == b.subject_types:
        return
    if b.subject_types is None:
        gained: frozenset[str] | None = None  # every type now, as against some
    elif a.subject_types is None:
        gained = frozenset()  # some types now, as against every one
    else:
        gained = frozenset(b.subject_types) - frozenset(a.subject_types)
    if gained is None or gained:
        # For the subjects it now reaches the purpose is new: each should hear of it.
        named: Text = EVERY_KIND if gained is None else ", ".join(sorted(gained))
        yield Change(
            "purpose_subject_types_widened",
            f"{path}.subject_types",
            {**params, "subject_types": named},
            (Scope(gained),),
            touched,
        )
    elif a.subject_types is None or set(a.subject_types) - set(b.subject_types or ()):
        yield Change("purpose_subject_types_narrowed", f"{path}.subject_types", params)


# --- recipients --------------------------------------------------------------


def recipients(old: Policy, new: Policy) -> Iterator[Change]:
    added, removed, kept = added_removed(old.recipients, new.recipients)
    for r in added:
        params: dict[str, Text] = {"recipient": r.id, "name": local(r.name)}
        scopes = purposes_scopes(new, r.purposes)
        serves = frozenset(r.purposes)
        yield Change("recipient_added", f"recipients.{r.id}", params, scopes, serves)
        if r.abroad:
            yield Change(
                "transfer_abroad",
                f"recipients.{r.id}.abroad",
                {**params, "countries": ", ".join(r.countries) or "?"},
                scopes,
                serves,
            )
    for r in removed:
        yield Change(
            "recipient_removed",
            f"recipients.{r.id}",
            {"recipient": r.id, "name": local(r.name)},
            purposes_scopes(old, r.purposes),
        )
    for recipient_id in kept:
        before, after = old.recipient(recipient_id), new.recipient(recipient_id)
        assert before is not None and after is not None
        yield from _recipient(new, before, after)


def _recipient(new: Policy, a: Recipient, b: Recipient) -> Iterator[Change]:
    path = f"recipients.{b.id}"
    params: dict[str, Text] = {"recipient": b.id, "name": local(b.name)}
    scopes = purposes_scopes(new, b.purposes)
    serves = frozenset(b.purposes)
    yield from _recipient_reach(a, b, path, params, scopes, serves)
    if a.fields != b.fields:
        if b.fields == "all" or (a.fields != "all" and set(b.fields) - set(a.fields)):
            gained = (
                "*" if b.fields == "all" else ", ".join(f for f in b.fields if f not in a.fields)
            )
            yield Change(
                "recipient_fields_added",
                f"{path}.fields",
                {**params, "fields": gained},
                scopes,
                serves,
            )
        elif a.fields == "all" or set(a.fields) - set(b.fields):
            yield Change("recipient_fields_removed", f"{path}.fields", params, scopes)
    more = [p for p in b.purposes if p not in a.purposes]
    if more:
        yield Change(
            "recipient_purposes_added",
            f"{path}.purposes",
            {**params, "purposes": ", ".join(more)},
            purposes_scopes(new, more),
            frozenset(more),
        )
    if [p for p in a.purposes if p not in b.purposes]:
        yield Change("recipient_purposes_removed", f"{path}.purposes", params, scopes)
    if a.contract != b.contract:
        yield Change("recipient_contract_changed", f"{path}.contract", params, scopes)
    if a.name != b.name or a.website != b.website:
        yield Change("recipient_details_changed", path, params, scopes)


def _recipient_reach(
    a: Recipient,
    b: Recipient,
    path: str,
    params: dict[str, Text],
    scopes: tuple[Scope, ...],
    serves: frozenset[str],
) -> Iterator[Change]:
    """Where the data goes and how openly: abroad, its kind, routine or on request, told or not."""
    if b.abroad and not a.abroad:
        countries = ", ".join(b.countries) or "?"
        yield Change(
            "transfer_abroad", f"{path}.abroad", {**params, "countries": countries}, scopes, serves
        )
    elif a.abroad and not b.abroad:
        yield Change("transfer_abroad_ended", f"{path}.abroad", params, scopes)
    elif b.abroad:
        gained = [c for c in b.countries if c not in a.countries]
        if gained:
            yield Change(
                "transfer_countries_added",
                f"{path}.countries",
                {**params, "countries": ", ".join(gained)},
                scopes,
                serves,
            )
        if [c for c in a.countries if c not in b.countries]:
            yield Change("transfer_countries_removed", f"{path}.countries", params, scopes)
    if a.kind != b.kind:
        yield Change(
            "recipient_kind_changed",
            f"{path}.kind",
            {**params, "old": named(f"kind.{a.kind}"), "new": named(f"kind.{b.kind}")},
            scopes,
            serves,
        )
    if a.on_request_only != b.on_request_only:
        if b.on_request_only:
            yield Change("recipient_on_request_only", f"{path}.on_request_only", params, scopes)
        else:
            yield Change("recipient_routine", f"{path}.on_request_only", params, scopes, serves)
    if a.confidential != b.confidential:
        if b.confidential:
            yield Change("recipient_confidential", f"{path}.confidential", params, scopes, serves)
        else:
            yield Change("recipient_not_confidential", f"{path}.confidential", params, scopes)
