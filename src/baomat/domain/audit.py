"""The audit chain: append-only entries, each carrying the SHA-256 of the one before.

An entry records who did what to whom and why, never a value: the subject is
its pseudonymous id and fields are named, not shown. Each tenant has its own
chain (so the store can be sharded by tenant); the tenant row keeps the head,
so a deleted tail is noticed too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

GENESIS = "0" * 64
"""`prev_hash` of a tenant's first entry."""

_SEP = "\x1f"  # unit separator between the columns of an entry's canonical text


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """What a use case wants recorded; the store gives it a place in the chain."""

    actor: str
    action: str
    subject: str | None = None
    fields: tuple[str, ...] = ()
    purpose: str | None = None
    outcome: str = "ok"
    detail: Mapping[str, str | int | bool | None] = field(default_factory=dict)


def canonical_time(at: dt.datetime) -> str:
    """Aware (or naive UTC) datetime → `2026-02-13T01:02:03.000004Z`.

    Entries store and hash this one text form: it sorts like the time it
    names and reads back alike from every database.
    """
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds") + "Z"


def encode_fields(fields: Iterable[str]) -> str:
    """('phone', 'email') → 'email,phone': order-free, so the same set hashes alike."""
    return ",".join(sorted(set(fields)))


def encode_detail(detail: Mapping[str, str | int | bool | None]) -> str:
    return json.dumps(dict(detail), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_text(
    tenant: str,
    seq: int,
    at: str,
    actor: str,
    action: str,
    subject: str | None,
    fields: str,
    purpose: str | None,
    outcome: str,
    detail: str,
    prev_hash: str,
) -> str:
    """Every column of an entry, joined by U+001F (NULL as ''), ending with the previous hash."""
    return _SEP.join(
        (tenant, str(seq), at, actor, action, subject or "", fields, purpose or "",
         outcome, detail, prev_hash)
    )  # fmt: skip


def entry_hash(text: str) -> str:
    """SHA-256 of an entry's canonical text, as hex."""
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Break:
    """The first broken link of a chain, in words a person can act on."""

    tenant: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"tenant {self.tenant}: audit entry {self.seq}: {self.reason}"


Row = tuple[int, str, str, str, str | None, str, str | None, str, str, str]
"""(seq, at, actor, action, subject, fields, purpose, outcome, detail, hash).

No prev_hash: verification joins in the hash it expects (the previous
entry's), so a changed link shows as a mismatch at once; `stored_prev` is
asked only then, to tell a reordered entry from an edited one.
"""


def verify_chain(
    tenant: str,
    rows: Iterable[Row],
    head_seq: int,
    head_hash: str | None,
    stored_prev: Callable[[int], str | None],
    *,
    start_seq: int = 1,
    start_prev: str = GENESIS,
) -> tuple[int, Break | None]:
    """Rows `start_seq`..`head_seq` in order → (rows checked, the first broken link or None).

    Tells apart an edited entry (its hash no longer matches its contents), a
    deleted one (a gap in seq), a reordered or replaced one (the prev_hash it
    stores is not the hash of the entry before it) and a deleted tail (the
    chain stops short of the head kept on the tenant row). A slice of a chain
    starts from the stored hash of the entry before it (`start_prev`) and,
    when it is not the last slice, has no head hash to meet (`head_hash=None`):
    the next slice checks that link. The canonical text is joined inline, as
    `canonical_text` joins it, since this loop is the whole cost.
    """
    sha256, join = hashlib.sha256, _SEP.join
    expected_seq = start_seq
    prev = start_prev
    for seq, at, actor, action, subject, fields, purpose, outcome, detail, h in rows:
        if seq != expected_seq:
            return expected_seq - start_seq, Break(
                tenant, expected_seq, f"is missing: the chain jumps to entry {seq}"
            )
        text = join(
            (tenant, str(seq), at, actor, action, subject or "", fields, purpose or "",
             outcome, detail, prev)
        )  # fmt: skip
        if sha256(text.encode()).hexdigest() != h:
            checked = expected_seq - start_seq + 1
            if stored_prev(seq) != prev:
                reason = "does not follow the entry before it (reordered or replaced)"
            else:
                reason = "was edited: its hash does not match its contents"
            return checked, Break(tenant, seq, reason)
        prev = h
        expected_seq += 1
    checked = expected_seq - start_seq
    if expected_seq - 1 != head_seq or (head_hash is not None and prev != head_hash):
        return checked, Break(
            tenant,
            expected_seq,
            f"is missing: the chain ends at entry {expected_seq - 1} but its head says {head_seq}",
        )
    return checked, None
