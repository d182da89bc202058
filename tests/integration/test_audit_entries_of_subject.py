"""One subject's audit entries, as its access report and export list them."""

from __future__ import annotations

from sqlalchemy import event

from baomat.bootstrap import App
from baomat.policy.model import Policy
from baomat.services import subjects
from tests.integration.shop import AT


def _register(app: App, shop: Policy, n: int) -> list[str]:
    members = [{"full_name": f"Thành viên {i}", "email": f"m{i}@example.vn"} for i in range(n)]
    return subjects.register(app.uow(), shop, "member", members, "test", AT)


def test_a_subjects_entries_are_its_own_in_chain_order(app: App, shop: Policy) -> None:
    first = _register(app, shop, 3)
    later = _register(app, shop, 2)
    subjects.close_account(app.uow(), "shop", first[1], "test", AT)

    with app.uow() as uow:
        entries = uow.audit.entries("shop", subject=first[1])
        everything = uow.audit.entries("shop")

    assert [e["action"] for e in entries] == ["subject.create", "subject.close"]
    assert {e["subject"] for e in entries} == {first[1]}
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    assert len(everything) == 2 + 3 + 2 + 1  # tenant, policy, five subjects, the closing
    assert later[0] not in str(entries)


def test_a_subjects_entries_are_found_through_its_index_not_the_whole_chain(
    app: App, shop: Policy
) -> None:
    if app.engine.dialect.name != "sqlite":
        return  # PostgreSQL plans from its statistics; the trap is SQLite's, without them
    sid = _register(app, shop, 1)[0]
    ran: list[tuple[str, object]] = []

    def keep(conn: object, cursor: object, statement: str, params: object, *_: object) -> None:
        ran.append((statement, params))

    event.listen(app.engine, "before_cursor_execute", keep)
    try:
        with app.uow() as uow:
            uow.audit.entries("shop", subject=sid)
    finally:
        event.remove(app.engine, "before_cursor_execute", keep)
    statement, params = next((s, p) for s, p in ran if "FROM audit_entries" in s)
    with app.engine.connect() as conn:
        plan = [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)]

    assert any("INDEX ix_audit_entries_subject (tenant_id=? AND subject=?)" in s for s in plan)
    assert "SEARCH audit_entries USING PRIMARY KEY (tenant_id=?)" not in plan
