"""Alerts to staff: raised once per key, listed, acknowledged. No personal data in them."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, RowMapping, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from baomat.domain.alerts import Alert
from baomat.store.tables import alerts


class AlertRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def raise_new(self, tenant: str, candidates: Sequence[Alert]) -> list[Alert]:
        """Stores the candidates this tenant has not raised yet (by id: `Alert.once` derives
        it from the key) → those stored.

        Callers hold what the alerts are about (the sweep locks its complaints),
        so the ids read first stay free; the primary key is the last word all
        the same: an alert raised meanwhile is skipped, never doubled.
        """
        if not candidates:
            return []
        c = alerts.c
        taken = set(
            self.conn.execute(
                select(c.id).where(c.tenant_id == tenant, c.id.in_([a.id for a in candidates]))
            ).scalars()
        )
        fresh: dict[str, Alert] = {}
        for alert in candidates:
            if alert.id not in taken:
                fresh.setdefault(alert.id, alert)
        if not fresh:
            return []
        sql, order, stamp = _insert_sql(self.conn.dialect)
        rows = []
        for alert in fresh.values():
            row = {
                "tenant_id": tenant,
                "id": alert.id,
                "kind": alert.kind,
                "reference": alert.reference,
                "raised_at": stamp(alert.raised_at),
                "acknowledged_at": None,
                "acknowledged_by": None,
                "incident_id": alert.incident_id,
                "detail": json.dumps(dict(alert.detail), sort_keys=True, separators=(",", ":")),
            }
            rows.append(row if order is None else tuple(row[name] for name in order))
        # A sweep may raise thousands: straight to the driver, as `store.bulk` inserts.
        self.conn.exec_driver_sql(sql, rows)
        return list(fresh.values())

    def get(self, tenant: str, alert_id: str, *, lock: bool = False) -> Alert | None:
        query = select(alerts).where(alerts.c.tenant_id == tenant, alerts.c.id == alert_id)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return None if row is None else _alert(row._mapping)

    def listed(
        self,
        tenant: str,
        *,
        open_only: bool = True,
        kind: str | None = None,
        reference: str | None = None,
        limit: int = 500,
    ) -> list[Alert]:
        """The tenant's alerts, newest first: open ones only unless asked; of `kind` if given,
        a whole kind (`complaint.overdue`) or a family (`complaint`: every `complaint.*`)."""
        c = alerts.c
        query = select(alerts).where(c.tenant_id == tenant)
        if open_only:
            query = query.where(c.acknowledged_at.is_(None))
        if kind is not None:
            query = query.where(or_(c.kind == kind, c.kind.startswith(kind + ".", autoescape=True)))
        if reference is not None:
            query = query.where(c.reference == reference)
        query = query.order_by(c.raised_at.desc(), c.id).limit(limit)
        return [_alert(row._mapping) for row in self.conn.execute(query)]

    def save(self, tenant: str, alert: Alert) -> None:
        """Writes what acknowledging and linking change."""
        self.conn.execute(
            update(alerts)
            .where(alerts.c.tenant_id == tenant, alerts.c.id == alert.id)
            .values(
                acknowledged_at=alert.acknowledged_at,
                acknowledged_by=alert.acknowledged_by,
                incident_id=alert.incident_id,
            )
        )


@functools.lru_cache(maxsize=8)
def _insert_sql(
    dialect: Dialect,
) -> tuple[str, tuple[str, ...] | None, Callable[[dt.datetime], Any]]:
    """INSERT … ON CONFLICT DO NOTHING of every column, compiled once per dialect → its SQL,
    the order of its parameters (positional styles), and how `raised_at` goes to the driver."""
    module = postgresql if dialect.name == "postgresql" else sqlite
    compiled = module.insert(alerts).on_conflict_do_nothing().compile(dialect=dialect)
    order = tuple(compiled.positiontup or ()) if compiled.positional else None
    process = alerts.c.raised_at.type.dialect_impl(dialect).bind_processor(dialect)
    stamp: Callable[[dt.datetime], Any] = process if process is not None else (lambda v: v)
    return str(compiled), order, stamp


def _alert(m: RowMapping) -> Alert:
    return Alert(
        id=m["id"],
        kind=m["kind"],
        reference=m["reference"],
        raised_at=m["raised_at"],
        detail=json.loads(m["detail"]),
        acknowledged_at=m["acknowledged_at"],
        acknowledged_by=m["acknowledged_by"],
        incident_id=m["incident_id"],
    )
