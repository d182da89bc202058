"""Comparers of what a policy records beside its terms: the dossiers filed with the authority
and the data-protection notice texts.

    filings(v1, v2) -> [Change("dossier_recorded", "impact_assessment", {...}),
                        Change("wording_changed", "notice.possible_harm", ...)]

None is material: a dossier filed or updated (Law 91 Arts. 20-22), or one no
longer recorded, changes nothing about how the subjects' data is used, and a
notice text describes processing the other sections already define. They
are recorded with the version so its history shows when each was filed.
"""

from __future__ import annotations

from collections.abc import Iterator

from baomat.policy._diff_common import LANGS, words
from baomat.policy.change import Change, Text, texts
from baomat.policy.model import Dossier, LocalText, Policy

NOTICE_ITEMS = ("processing_method", "possible_harm")
"""The keys of `notice`, in file order."""


def filings(old: Policy, new: Policy) -> Iterator[Change]:
    """Recipients' transfer dossiers, the notice texts and the impact assessment, in file order.

    A recipient new in `new` brings its dossier with it; one removed takes its dossier along
    (`recipient_removed` says so), so only a dossier's own change is reported here.
    """
    for rec in new.recipients:
        before = old.recipient(rec.id)
        if before is not None:
            what = _what("transfer_dossier", recipient=rec.id)
            path = f"recipients.{rec.id}.transfer_dossier"
            yield from _dossier(path, what, before.transfer_dossier, rec.transfer_dossier)
    for item in NOTICE_ITEMS:
        yield from _notice_text(item, getattr(old.notice, item), getattr(new.notice, item))
    what = _what("impact_assessment")
    yield from _dossier("impact_assessment", what, old.impact_assessment, new.impact_assessment)


def _dossier(path: str, what: Text, a: Dossier | None, b: Dossier | None) -> Iterator[Change]:
    if a == b:
        return
    if b is None:
        yield Change("dossier_removed", path, {"what": what})
        return
    params: dict[str, Text] = {
        "what": what,
        "reference": b.reference,
        "filed_on": f"{b.filed_on:%d/%m/%Y}",
        "last": f"{b.last_filed():%d/%m/%Y}",
    }
    yield Change("dossier_recorded", path, params)


def _notice_text(item: str, a: LocalText | None, b: LocalText | None) -> Iterator[Change]:
    path = f"notice.{item}"
    if a == b:
        return
    if b is None:
        yield Change("notice_text_removed", path, {"what": _what(path)})
    else:
        yield words(path)


def _what(key: str, **params: str) -> dict[str, str]:
    """The name of a dossier or notice item in both languages (`data/policy_changes.yaml`)."""
    name = key if "." in key else f"dossier.{key}"
    return {lang: texts()[name][lang].format(**params) for lang in LANGS}
