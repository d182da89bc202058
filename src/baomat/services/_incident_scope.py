"""Whom a breach touched: the affected subjects, the fields involved and their data categories.

    found = find(uow, policy, Scope(actors=("staff:mallory",)), window)
    found.affected -> [Affected("9f2c…", ("email", "full_name"), ("contact", "name"), reads=1), …]

Two ways in, joined when both are given:

- **by actor**: every subject whose values one of the actors obtained within
  the window, both ends included, as the audit log records it: an `ok`
  entry of a read action (`domain.incidents.READ_ACTIONS`: reads for a
  purpose, file downloads, releases to recipients, approved agency requests,
  opened complaints). Denied reads obtained nothing and do not count. The
  fields are those the entries name.
- **by subject type**: every subject of the type whose data the store held
  during the window (stored by its end, not erased before its start), with
  every field the type declares: a copied database or a stolen backup.

A field's category is the one the tenant's policy gives it (`FieldSpec.category`),
in the current version or, for a field since removed, the newest version
that declared it; a complaint's parts count as contact details and the
person's own writing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from baomat.domain.errors import NotFound
from baomat.domain.incidents import COMPLAINT_FIELDS, Scope, Window
from baomat.policy.model import SENSITIVE_CATEGORIES, Policy
from baomat.services import policy_changes
from baomat.store.incidents import Affected
from baomat.store.uow import UnitOfWork

UNCLASSIFIED = "unclassified"
SENSITIVE = frozenset(c.value for c in SENSITIVE_CATEGORIES)


@dataclass(frozen=True, slots=True)
class Scoped:
    affected: list[Affected]
    erased: frozenset[str]
    """Affected subjects erased since: counted, but nothing can be held or sent to them."""


@dataclass
class _Hit:
    fields: set[tuple[str, str]] = field(default_factory=set)
    """(action, field) pairs: a complaint's parts are categorised by the action."""
    reads: int = 0


def find(uow: UnitOfWork, policy: Policy, scope: Scope, window: Window) -> Scoped:
    """Inside an open unit of work → the affected subjects, in id order."""
    tenant = policy.tenant
    hits: dict[str, _Hit] = {}
    for read in uow.incidents.reads(tenant, scope.actors, window):
        hit = hits.setdefault(read.subject, _Hit())
        hit.fields.update((read.action, f) for f in read.fields)
        hit.reads += 1
    kinds = uow.incidents.kinds(tenant, hits.keys())
    for subject, subject_type, status in uow.incidents.held_in(tenant, scope.subject_types, window):
        declared = policy.subject_type(subject_type)
        hit = hits.setdefault(subject, _Hit())
        if declared is not None:
            hit.fields.update(("held", f.id) for f in declared.fields)
        kinds.setdefault(subject, (subject_type, status))
    categories = _Categories(uow, policy)
    affected = []
    erased = set()
    for subject in sorted(hits):
        if subject not in kinds:
            continue  # not this tenant's: the audit log never names one, but be sure
        subject_type, status = kinds[subject]
        hit = hits[subject]
        if status == "erased":
            erased.add(subject)
        names = sorted({f for _, f in hit.fields})
        kinds_of = sorted({categories.of(subject_type, action, f) for action, f in hit.fields})
        affected.append(Affected(subject, tuple(names), tuple(kinds_of), hit.reads))
    return Scoped(affected, frozenset(erased))


class _Categories:
    """(subject type, field) → its category, through the policy's versions, newest first."""

    def __init__(self, uow: UnitOfWork, policy: Policy) -> None:
        self._uow = uow
        self._policies = [policy]
        self._older = list(range(policy.version - 1, 0, -1))
        self._known: dict[tuple[str, str, str], str] = {}

    def of(self, subject_type: str, action: str, field_id: str) -> str:
        key = (subject_type, action, field_id)
        found = self._known.get(key)
        if found is None:
            found = self._look_up(subject_type, action, field_id)
            self._known[key] = found
        return found

    def _look_up(self, subject_type: str, action: str, field_id: str) -> str:
        if action == "complaint.read":
            return COMPLAINT_FIELDS.get(field_id, UNCLASSIFIED)
        index = 0
        while True:
            while index < len(self._policies):
                spec = self._policies[index].field(subject_type, field_id)
                if spec is not None:
                    return spec.category.value
                index += 1
            if not self._older:
                return UNCLASSIFIED
            try:
                self._policies.append(
                    policy_changes.stored(self._uow, self._policies[0].tenant, self._older.pop(0))
                )
            except NotFound:
                continue
