"""Reviews of whether a subject's data is still needed (`while_needed` retention), and the sweep
counting the next review from the last one, over a real store."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from sqlalchemy import text

from baomat.bootstrap import App
from baomat.domain.calendar import load_vn_calendar
from baomat.domain.errors import Conflict, Invalid, NotFound
from baomat.domain.periods import end_of_day, vietnam_tz
from baomat.domain.retention import Action
from baomat.policy.model import Policy
from baomat.services import holds, retention, subjects, tenants
from tests.integration.shop import AT, SHOP

CALENDAR = load_vn_calendar()
TZ = vietnam_tz()
NEEDED = {
    **SHOP,
    "tenant": "studio",
    "retention": [
        {"id": "while_serving", "trigger": "while_needed",
         "review_every": {"amount": 6, "unit": "months"},
         "min_keep": {"amount": 1, "unit": "years"}},
    ],
}  # fmt: skip
"""The shop, keeping data while needed: reviewed every 6 months, kept at least a year."""

REGISTERED = AT  # Fri 13 Feb 2026
REVIEW_DUE = end_of_day(dt.date(2026, 8, 13), TZ)  # six months later, Thu 13 Aug
REVIEWED = dt.datetime(2026, 8, 20, 10, 0, tzinfo=TZ)


@pytest.fixture
def studio(app: App) -> Policy:
    policy = Policy.model_validate(NEEDED)
    document = yaml.safe_dump(NEEDED, allow_unicode=True)
    tenants.publish_policy(app.uow(), policy, document, "test", AT)
    return policy


def _member(app: App, policy: Policy, email: str = "khoi@example.vn") -> str:
    record = {"full_name": "Đỗ Minh Khôi", "email": email}
    return subjects.register(app.uow(), policy, "member", [record], "test", REGISTERED)[0]


def _reviews_due(app: App, at: dt.datetime) -> list[tuple[str, dt.datetime | None]]:
    report = retention.sweep(app.uow, "studio", at, CALENDAR, dry_run=True, actor="test")
    return [(v.subject, v.due) for v in report.verdicts if v.action is Action.REVIEW]


def test_a_kept_review_stops_the_sweep_asking_until_review_every_after_it(
    app: App, studio: Policy
) -> None:
    member = _member(app, studio)
    assert _reviews_due(app, REVIEW_DUE) == [(member, REVIEW_DUE)]
    assert _reviews_due(app, REVIEWED) == [(member, REVIEW_DUE)]  # asked every day till then

    done = retention.review(app.uow(), studio, member, "keep", "staff:dpo.an", REVIEWED, CALENDAR)
    next_due = end_of_day(dt.date(2027, 2, 22), TZ)  # Sat 20 Feb 2027 → Mon 22 Feb
    assert (done.rule, done.outcome, done.reviewed_at, done.next_review) == (
        "while_serving", "keep", REVIEWED, next_due,
    )  # fmt: skip
    assert _reviews_due(app, REVIEWED + dt.timedelta(days=1)) == []
    assert _reviews_due(app, next_due - dt.timedelta(seconds=1)) == []
    assert _reviews_due(app, next_due) == [(member, next_due)]
    with app.uow() as uow:
        last = uow.audit.entries("studio", subject=member)[-1]
        record = uow.subjects.get("studio", member)
    assert (last["action"], last["actor"]) == ("retention.review", "staff:dpo.an")
    assert last["detail"] == '{"outcome":"keep","rule":"while_serving"}'
    assert record is not None and record.reviewed_at == REVIEWED


def test_an_erase_review_erases_as_the_sweep_does_unless_held_or_kept_at_least(
    app: App, studio: Policy
) -> None:
    member = _member(app, studio)
    with pytest.raises(Conflict, match="kept at least 1 years, until the end of 2027-02-15"):
        retention.review(app.uow(), studio, member, "erase", "dpo", REVIEWED, CALENDAR)
    later = dt.datetime(2027, 3, 1, 10, 0, tzinfo=TZ)
    hold = holds.place(app.uow(), "studio", member, "complaint", "KN-1", "dpo", AT)
    with pytest.raises(Conflict, match="legal hold"):
        retention.review(app.uow(), studio, member, "erase", "dpo", later, CALENDAR)
    with app.uow() as uow:
        assert uow.audit.entries("studio", subject=member)[-1]["action"] == "hold.place"
    holds.release(app.uow(), "studio", hold, "dpo", AT)

    done = retention.review(app.uow(), studio, member, "erase", "dpo", later, CALENDAR)
    assert (done.outcome, done.next_review) == ("erase", None)
    with app.engine.connect() as conn:
        reason = conn.execute(
            text("SELECT reason FROM tombstones WHERE subject_id = :s"), {"s": member}
        ).scalar_one()
    assert reason == "review:while_serving"
    assert app.keystore.get("studio", member) is None
    with pytest.raises(NotFound):
        retention.review(app.uow(), studio, member, "keep", "dpo", later, CALENDAR)


def test_a_review_is_refused_where_the_rule_has_none_or_the_account_is_closed(
    app: App, shop: Policy, studio: Policy
) -> None:
    [customer] = subjects.register(
        app.uow(), shop, "member", [{"full_name": "An", "email": "an@example.vn"}], "test", AT
    )
    with pytest.raises(Conflict, match="'until_cancelled' \\(until_cancelled\\) has no reviews"):
        retention.review(app.uow(), shop, customer, "keep", "dpo", REVIEWED, CALENDAR)
    member = _member(app, studio)
    with pytest.raises(Invalid, match="outcome: must be one of keep, erase"):
        retention.review(app.uow(), studio, member, "later", "dpo", REVIEWED, CALENDAR)
    subjects.close_account(app.uow(), "studio", member, "web", AT)
    with pytest.raises(Conflict, match="the account is closed"):
        retention.review(app.uow(), studio, member, "keep", "dpo", REVIEWED, CALENDAR)
    with pytest.raises(NotFound):
        retention.review(app.uow(), studio, "no-such-subject", "keep", "dpo", REVIEWED, CALENDAR)
