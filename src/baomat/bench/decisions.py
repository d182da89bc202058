"""`decision.*` in process: decisions per second on one core, the policy compiled once."""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from typing import TextIO

from baomat.bench import _policies
from baomat.domain.consent import Consent
from baomat.domain.decision import EVERY_PURPOSE, DecisionTable, SubjectState, decide
from baomat.policy.model import Policy

ASKS: list[tuple[str, tuple[str, ...], str | None]] = [
    ("service", ("full_name", "phone"), None),
    ("marketing_email", ("email",), None),
    ("marketing_email", ("full_name", "email"), "mail_partner"),
    ("marketing_email", ("phone",), None),
    ("marketing_email", ("email", "phone"), "mail_partner"),
    ("authority_requests", ("citizen_id",), "police"),
    ("service", ("email",), "mail_partner"),
    ("resale", ("email",), None),
]
"""What the bench asks: allowed and refused uses, with and without a recipient."""


def measure(subjects_n: int, asked: int, at: dt.datetime, out: TextIO) -> None:
    """`asked` decisions about `subjects_n` generated subjects → `decision.*` lines."""
    per_s = _decisions_per_s(subjects_n, asked, at)
    out.write(f"BENCH decision.decisions {asked} decisions\n")
    out.write(f"BENCH decision.inproc_per_s {per_s:.0f} decisions/s\n")
    out.flush()


def _decisions_per_s(subjects_n: int, asked: int, at: dt.datetime, seed: int = 11) -> float:
    """In-process decisions per second on one core, the policy compiled once as services keep it.

    Generated subjects: half opted in to marketing email, a tenth of those
    withdrew since, one in fifty restricted processing; each decision is one
    of `ASKS` about a random subject, so every rule of the order is reached.
    """
    table = DecisionTable.build(Policy.model_validate(_policies.DECISIONS))
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    states: list[SubjectState] = []
    held: list[list[Consent]] = []
    for _ in range(subjects_n):
        sid = os.urandom(16).hex()
        limited = frozenset({EVERY_PURPOSE}) if rng.random() < 0.02 else frozenset()
        states.append(SubjectState(sid, "customer", restricted=limited))
        consents = []
        if rng.random() < 0.5:
            consent = Consent(os.urandom(16).hex(), sid, "marketing_email", 1, "0" * 64, "vi",
                              "web", at - dt.timedelta(days=30))  # fmt: skip
            if rng.random() < 0.1:
                consent.withdraw(at - dt.timedelta(days=1))
            consents.append(consent)
        held.append(consents)
    queries = []
    for i in rng.choices(range(subjects_n), k=asked):
        purpose, fields, recipient = rng.choice(ASKS)
        queries.append((states[i], held[i], purpose, fields, recipient))
    start = time.perf_counter()
    for subject, consents, purpose, fields, recipient in queries:
        decide(table, subject, consents, purpose, fields, recipient, at)
    return asked / (time.perf_counter() - start)
