"""Hot statements on the driver's cursor read and write what SQLAlchemy's execution would."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, insert, select, update

from baomat.bootstrap import App
from baomat.store import _driver
from baomat.store.tables import api_keys, tenants
from tests.integration.shop import AT

_KEYS = select(
    api_keys.c.id,
    api_keys.c.created_at,
    api_keys.c.revoked_at,
    api_keys.c.revoked_at.is_not(None),
    tenants.c.current_version,
).join(tenants, tenants.c.id == api_keys.c.tenant_id)
_OF_TENANT = _KEYS.where(api_keys.c.tenant_id == bindparam("tenant")).order_by(api_keys.c.id)
_FIRST = _OF_TENANT.limit(1)  # a value compiled into the statement
_REVOKE = (
    update(api_keys)
    .where(api_keys.c.id == bindparam("key_id"))
    .values(revoked_at=bindparam("at", type_=api_keys.c.revoked_at.type))
)


def _add_keys(app: App) -> None:
    with app.uow() as uow:
        for n in (1, 2):
            uow.conn.execute(
                insert(api_keys).values(
                    tenant_id="shop",
                    id=f"k{n}",
                    secret_sha256="0" * 64,
                    label=f"key {n}",
                    created_at=AT + dt.timedelta(seconds=n),
                )
            )
        uow.commit()


def test_rows_convert_each_column_as_sqlalchemy_does(app: App) -> None:
    _add_keys(app)
    later = AT + dt.timedelta(hours=1, microseconds=7)
    with app.uow() as uow:
        assert _driver.execute(uow.conn, _REVOKE, {"key_id": "k2", "at": later}) == 1
        uow.commit()

    with app.uow(read_only=True) as uow:
        expected = [tuple(row) for row in uow.conn.execute(_OF_TENANT, {"tenant": "shop"})]
        found = _driver.rows(uow.conn, _OF_TENANT, {"tenant": "shop"})
        first = _driver.rows(uow.conn, _FIRST, {"tenant": "shop"})
        none = _driver.rows(uow.conn, _OF_TENANT, {"tenant": "elsewhere"})

    assert found == expected
    assert found == [
        ("k1", AT + dt.timedelta(seconds=1), None, False, 1),
        ("k2", AT + dt.timedelta(seconds=2), later, True, 1),
    ]
    assert found[1][1].tzinfo == dt.UTC
    assert first == found[:1]
    assert none == []


def test_statements_run_inside_the_unit_of_works_transaction(app: App) -> None:
    _add_keys(app)
    with app.uow() as uow:
        _driver.execute(uow.conn, _REVOKE, {"key_id": "k1", "at": AT})
        assert _driver.rows(uow.conn, _FIRST, {"tenant": "shop"})[0][3] is True
        # leaves without commit: rolled back with the unit of work

    with app.uow(read_only=True) as uow:
        assert _driver.rows(uow.conn, _FIRST, {"tenant": "shop"})[0][2:4] == (None, False)
