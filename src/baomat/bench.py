"""`baomat bench`: figures measured side by side in one run, printed as `BENCH name value unit`.

Each ratio divides baomat's time by a plain baseline measured on the same
machine in the same run, so the figure does not depend on how fast the
machine is.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from baomat import bootstrap
from baomat.config import Settings
from baomat.domain.consent import Consent
from baomat.domain.decision import EVERY_PURPOSE, DecisionTable, SubjectState, decide
from baomat.policy.model import Policy
from baomat.services import audit, subjects, tenants

BATCH = 1000

_BENCH_POLICY = {
    "format": "baomat/policy@1",
    "tenant": "bench",
    "version": 1,
    "last_updated": "2026-01-01",
    "organisation": {
        "name": {"vi": "Công ty Đo", "en": "Bench Co"},
        "address": {"vi": "Hà Nội", "en": "Hanoi"},
    },
    "subject_types": [
        {
            "id": "customer",
            "name": {"vi": "Khách hàng", "en": "Customer"},
            "fields": [
                {"id": fid, "label": {"vi": fid, "en": fid}, "type": ftype,
                 "category": cat, "sensitivity": "basic", "required": True, "searchable": True}
                for fid, ftype, cat in (
                    ("full_name", "text", "name"),
                    ("phone", "phone", "contact"),
                    ("email", "email", "contact"),
                    ("address", "address", "address"),
                    ("citizen_id", "citizen_id", "identification"),
                )
            ],
        }
    ],
    "purposes": [
        {"id": "service", "text": {"vi": "Cung cấp dịch vụ", "en": "Provide the service"},
         "legal_basis": "contract", "consent": "not_needed",
         "fields": ["full_name", "phone", "email", "address", "citizen_id"]}
    ],
    "retention": [{"id": "until_cancelled", "trigger": "until_cancelled"}],
    "subject_access": {"mode": "self_service", "identity_proof": "login"},
    "complaints": {},
    "change_notice": {"mode": "email_on_material_change"},
}  # fmt: skip


def _records(n: int, seed: int = 7) -> list[dict[str, str]]:
    """Generated, never real: Vietnamese-looking names, mobiles, emails, addresses, CCCDs."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
    given = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Linh", "Minh", "Ngọc"]
    streets = ["Lê Văn Lương", "Ngô Quyền", "Hồng Lĩnh", "Kim Giang", "Lê Thánh Tôn"]
    out = []
    for i in range(n):
        out.append(
            {
                "full_name": f"{rng.choice(family)} Văn {rng.choice(given)}",
                "phone": f"09{rng.choice('0134678')}{rng.randrange(10**7):07d}",
                "email": f"khach{i}@example.vn",
                "address": f"{rng.randrange(1, 300)} {rng.choice(streets)}, Hà Nội",
                "citizen_id": f"001{rng.choice('01')}{rng.randrange(40, 100):02d}{i % 10**6:06d}",
            }
        )
    return out


def _plain_sql_insert(path: Path, records: list[dict[str, str]], at: dt.datetime) -> float:
    """The baseline: the same rows, plaintext, through the sqlite3 driver → seconds."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(
        """
        CREATE TABLE subjects (tenant_id TEXT, id TEXT, subject_type TEXT, policy_version INT,
            status TEXT, created_at TEXT, updated_at TEXT, PRIMARY KEY (tenant_id, id));
        CREATE TABLE field_values (tenant_id TEXT, subject_id TEXT, field TEXT, value TEXT,
            PRIMARY KEY (tenant_id, subject_id, field));
        CREATE INDEX ix_lookup ON field_values (tenant_id, field, value);
        CREATE TABLE audit_entries (tenant_id TEXT, seq INT, at TEXT, actor TEXT, action TEXT,
            subject TEXT, fields TEXT, PRIMARY KEY (tenant_id, seq));
        """
    )
    stamp = at.isoformat()
    start = time.perf_counter()
    seq = 0
    for lo in range(0, len(records), BATCH):
        chunk = records[lo : lo + BATCH]
        ids = [os.urandom(16).hex() for _ in chunk]
        db.execute("BEGIN IMMEDIATE")
        db.executemany(
            "INSERT INTO subjects VALUES ('bench', ?, 'customer', 1, 'active', ?, ?)",
            [(sid, stamp, stamp) for sid in ids],
        )
        db.executemany(
            "INSERT INTO field_values VALUES ('bench', ?, ?, ?)",
            [(sid, k, v) for sid, rec in zip(ids, chunk, strict=True) for k, v in rec.items()],
        )
        rows = []
        for sid, rec in zip(ids, chunk, strict=True):
            seq += 1
            rows.append((seq, stamp, "bench", "subject.create", sid, ",".join(sorted(rec))))
        db.executemany("INSERT INTO audit_entries VALUES ('bench', ?, ?, ?, ?, ?, ?)", rows)
        db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(quick: bool, out: TextIO) -> None:
    """Runs every figure; `quick` uses sizes that finish in well under a minute."""
    n = 10_000 if quick else 100_000
    records = _records(n)
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    policy = Policy.model_validate(_BENCH_POLICY)
    with tempfile.TemporaryDirectory(prefix="baomat-bench-") as tmp:
        home = Path(tmp)
        baseline = _plain_sql_insert(home / "plain.sqlite3", records, at)

        settings = Settings(home=home / "home")
        bootstrap.ensure_keys(settings, env={})
        app = bootstrap.build(settings, env={})
        try:
            tenants.publish_policy(app.uow(), policy, "bench", "bench", at)

            def store_all() -> None:
                for lo in range(0, n, BATCH):
                    subjects.register(
                        app.uow(), policy, "customer", records[lo : lo + BATCH], "bench", at
                    )

            ours = _timed(store_all)
            out.write(f"BENCH store.subjects {n} subjects\n")
            out.write(f"BENCH store.baomat_s {ours:.3f} s\n")
            out.write(f"BENCH store.plain_sql_s {baseline:.3f} s\n")
            out.write(f"BENCH store.overhead_ratio {ours / baseline:.2f} ratio\n")
            out.flush()

            start = time.perf_counter()
            checked, broken = audit.verify(app.uow())
            verify_s = time.perf_counter() - start
            if broken is not None:
                raise RuntimeError(f"bench audit chain broken: {broken}")
            out.write(f"BENCH audit.verify_entries {checked} entries\n")
            out.write(f"BENCH audit.verify_per_s {checked / verify_s:.0f} entries/s\n")
            out.flush()
        finally:
            app.close()
    asked = 200_000 if quick else 1_000_000
    per_s = _decisions_per_s(n, asked, at)
    out.write(f"BENCH decision.decisions {asked} decisions\n")
    out.write(f"BENCH decision.inproc_per_s {per_s:.0f} decisions/s\n")
    out.flush()


_DECISION_POLICY: dict[str, object] = {
    **_BENCH_POLICY,
    "purposes": [
        {"id": "service", "text": {"vi": "Cung cấp dịch vụ", "en": "Provide the service"},
         "legal_basis": "contract", "consent": "not_needed",
         "fields": ["full_name", "phone", "email", "address", "citizen_id"]},
        {"id": "marketing_email", "text": {"vi": "Gửi thư quảng cáo", "en": "Marketing email"},
         "legal_basis": "consent", "consent": "opt_in", "fields": ["full_name", "email"]},
        {"id": "authority_requests",
         "text": {"vi": "Cung cấp cho cơ quan có thẩm quyền", "en": "Answer authorities"},
         "legal_basis": "legal_obligation", "consent": "not_needed",
         "fields": ["full_name", "phone", "email", "address", "citizen_id"]},
    ],
    "recipients": [
        {"id": "mail_partner", "name": {"vi": "Đối tác gửi thư", "en": "Mailing partner"},
         "kind": "partner", "fields": ["full_name", "email"], "purposes": ["marketing_email"],
         "contract": {"reference": "HD-1", "valid_from": "2025-01-01",
                      "valid_until": "2027-12-31"}},
        {"id": "police", "name": {"vi": "Công an", "en": "Police"}, "kind": "state_agency",
         "fields": "all", "purposes": ["authority_requests"], "on_request_only": True},
    ],
}  # fmt: skip

_ASKS: list[tuple[str, tuple[str, ...], str | None]] = [
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


def _decisions_per_s(subjects_n: int, asked: int, at: dt.datetime, seed: int = 11) -> float:
    """In-process decisions per second on one core, the policy compiled once as services keep it.

    Generated subjects: half opted in to marketing email, a tenth of those
    withdrew since, one in fifty restricted processing; each decision is one
    of `_ASKS` about a random subject, so every rule of the order is reached.
    """
    table = DecisionTable.build(Policy.model_validate(_DECISION_POLICY))
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
        purpose, fields, recipient = rng.choice(_ASKS)
        queries.append((states[i], held[i], purpose, fields, recipient))
    start = time.perf_counter()
    for subject, consents, purpose, fields, recipient in queries:
        decide(table, subject, consents, purpose, fields, recipient, at)
    return asked / (time.perf_counter() - start)
