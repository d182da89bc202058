"""Helpers the policy comparers share: texts in both languages, matching by id, scopes.

`policy._diff_use` and `policy._diff_terms` compare the sections of two
policy versions with them; `policy.diff.diff` runs both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from baomat.policy.change import EVERYONE, Change, Scope
from baomat.policy.model import (
    ConsentMode,
    FieldSpec,
    LocalText,
    Measure,
    Policy,
    Purpose,
    Recipient,
    RetentionRule,
    SubjectType,
    Violation,
)
from baomat.policy.render import Lang, label

_T = TypeVar("_T", Purpose, Recipient, RetentionRule, SubjectType, FieldSpec, Measure, Violation)
LANGS: tuple[Lang, ...] = ("vi", "en")


def local(text: LocalText) -> dict[str, str]:
    return {"vi": text.vi, "en": text.en}


def named(key: str) -> dict[str, str]:
    """A label of the rendered notice (`data/labels/notice.yaml`) in both languages."""
    return {lang: label(key, lang) for lang in LANGS}


def named_list(prefix: str, values: Sequence[str]) -> dict[str, str]:
    return {lang: ", ".join(label(f"{prefix}.{v}", lang) for v in values) for lang in LANGS}


def length_text(amount: int | str, unit: str) -> dict[str, str]:
    """(6, "months") → {"vi": "6 tháng", "en": "6 months"}."""
    out: dict[str, str] = {}
    for lang in LANGS:
        singular, _, plural = label(f"unit.{unit}", lang).partition("|")
        out[lang] = f"{amount} {singular if amount == 1 or not plural else plural}"
    return out


def by_id(items: Sequence[_T]) -> dict[str, _T]:
    return {item.id: item for item in items}


def added_removed(old: Sequence[_T], new: Sequence[_T]) -> tuple[list[_T], list[_T], list[str]]:
    """→ (added, in new order; removed, in old order; ids in both, in new order)."""
    before, after = by_id(old), by_id(new)
    added = [item for item in new if item.id not in before]
    removed = [item for item in old if item.id not in after]
    kept = [item.id for item in new if item.id in before]
    return added, removed, kept


def types_scope(types: Sequence[str] | None) -> Scope:
    return EVERYONE if types is None else Scope(frozenset(types))


def purpose_scope(purpose: Purpose, *, gated: bool = True) -> Scope:
    """Subjects a change to `purpose` touches: of its types and, when it takes opt-in consent
    (and `gated`), only those who consented, since no one else's data is used for it."""
    types = None if purpose.subject_types is None else frozenset(purpose.subject_types)
    consented = frozenset({purpose.id}) if gated and purpose.consent is ConsentMode.OPT_IN else None
    return Scope(types, consented or frozenset())


def purposes_scopes(policy: Policy, ids: Sequence[str]) -> tuple[Scope, ...]:
    """Scopes of the purposes `ids` of `policy`; everyone when none is declared."""
    found = [p for p in (policy.purpose(i) for i in ids) if p is not None]
    return tuple(purpose_scope(p) for p in found) or (EVERYONE,)


def words(path: str) -> Change:
    """A change of wording only, named by where it is: `purposes.marketing_email.text`."""
    return Change("wording_changed", path, {"what": path})
