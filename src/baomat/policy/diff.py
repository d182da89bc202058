"""What changed between two versions of a tenant's policy, and which changes are material.

    diff(v1, v2) -> [Change(code="purpose_added", path="purposes.loyalty", material=True, ...),
                     Change(code="wording_changed", path="purposes.marketing_email.text",
                            material=False, ...)]

A change is *material* when it may cost the subjects something: their data
used for more, by more people, in more places, for longer, on a weaker
ground, with fewer ways to complain or to reach it. Those changes are what
a tenant's `change_notice` promises to tell (an email, fresh consent, a
notice at the next login); wording, removals and anything that only
narrows or shortens are recorded but not material, and so are the dossiers
filed with the authority and the notice texts (`_diff_filings`). Each change carries a
code (the reason: `MATERIAL` lists the material ones), the path of what
changed, and the ids, names and lengths its text needs, so it reads in
Vietnamese and English (`text(lang)`, texts in `data/policy_changes.yaml`);
the model of one change is `policy.change`.

Whom a change touches (`Change.touches`) is part of it: a change to an
opt-in purpose, or to a recipient serving one, touches only the subjects
who consented to that purpose, since no one else's data is used for it; a
new purpose, a field or a retention rule touches every subject of the types
it concerns; anything else about the policy (complaints, access, security,
change notice) touches everyone. `purposes` names the purposes whose use a
change alters, the ones that need fresh consent (`consent_from`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from baomat.policy import _diff_filings, _diff_terms, _diff_use
from baomat.policy.change import MATERIAL, NOT_MATERIAL, Change
from baomat.policy.model import Policy

__all__ = ["MATERIAL", "NOT_MATERIAL", "Summary", "consent_from", "diff", "summary", "touching"]


def diff(old: Policy, new: Policy) -> list[Change]:
    """Two versions of one tenant's policy → every change from `old` to `new`, in file order.

    Parts are matched by id: a purpose, recipient, field or retention rule
    whose id changed reads as one removed and one added. The version number
    and the file's own `last_updated` are not changes.
    """
    return [
        *_diff_terms.organisation(old, new),
        *_diff_terms.languages(old, new),
        *_diff_use.subject_types(old, new),
        *_diff_use.purposes(old, new),
        *_diff_use.recipients(old, new),
        *_diff_terms.retention(old, new),
        *_diff_terms.access(old, new),
        *_diff_terms.complaints(old, new),
        *_diff_terms.change_notice(old, new),
        *_diff_terms.security(old, new),
        *_diff_terms.service_locks(old, new),
        *_diff_filings.filings(old, new),
    ]


def touching(
    changes: Sequence[Change], subject_type: str, consented: Collection[str]
) -> list[Change]:
    """The material changes that touch a subject of `subject_type` holding consents in force
    to the purposes `consented`: what that subject is told."""
    return [c for c in changes if c.material and c.touches(subject_type, consented)]


def consent_from(
    previous: Mapping[str, int], changes: Sequence[Change], new: Policy, *, fresh: bool
) -> dict[str, int]:
    """Purpose → the oldest policy version a consent to it must cite, under `new`.

    Carried over from the previous version's map (`previous`) for purposes
    that go on; when `fresh` (the change-notice mode `fresh_consent`), every
    purpose a material change alters, or that is new, needs consent citing
    `new.version`. A purpose not in the map takes a consent of any version.

        consent_from({}, [Change("purpose_added", purposes={"loyalty"}, ...)], v2, fresh=True)
        -> {"loyalty": 2}
    """
    declared = {p.id for p in new.purposes}
    out = {p: v for p, v in previous.items() if p in declared}
    if fresh:
        for change in changes:
            if change.material:
                for purpose in change.purposes & declared:
                    out[purpose] = new.version
    return dict(sorted(out.items()))


@dataclass(frozen=True, slots=True)
class Summary:
    """How many changes, and how many of them material."""

    total: int
    material: int
    by_code: Mapping[str, int] = field(default_factory=dict)


def summary(changes: Sequence[Change]) -> Summary:
    """[changes] → Summary(total, material, by_code)."""
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.code] = counts.get(change.code, 0) + 1
    return Summary(len(changes), sum(c.material for c in changes), dict(sorted(counts.items())))
