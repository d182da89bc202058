"""Data subjects' rights requests (Law 91 Art. 4), with their deadlines and state.

A request's `detail` column holds its non-personal parameters as JSON (the
purpose of a withdrawal, the names of fields to correct), never a value.
"""

from __future__ import annotations

import json
from collections.abc import Collection

from sqlalchemy import Connection, RowMapping, bindparam, insert, select, update

from baomat.domain.rights import Channel, Kind, RightsRequest, State
from baomat.store.tables import rights_requests

_c = rights_requests.c
_CHANGING = (
    "state",
    "acknowledge_due",
    "due",
    "extended_due",
    "extension_reason",
    "refusal_reason",
    "updated_at",
    "completed_at",
)
"""The columns a request's transitions change (`_changing`)."""

# Built once: every step of every request runs them, and building one costs more than running it.
_GET = select(rights_requests).where(
    _c.tenant_id == bindparam("tenant"), _c.id == bindparam("request")
)
_GET_LOCKED = _GET.with_for_update()
_SAVE = (
    update(rights_requests)
    .where(_c.tenant_id == bindparam("tenant"), _c.id == bindparam("request"))
    .values({name: bindparam(f"new_{name}") for name in _CHANGING})
)


class RightsRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, tenant: str, request: RightsRequest) -> None:
        self.conn.execute(
            insert(rights_requests).values(
                tenant_id=tenant,
                id=request.id,
                subject_id=request.subject,
                kind=request.kind.value,
                channel=request.channel.value,
                law_profile=request.law_profile,
                received_at=request.received_at,
                identity_verified_by=request.identity_verified_by,
                identity_method=request.identity_method,
                detail=_detail(request),
                **_changing(request),
            )
        )

    def get(self, tenant: str, request_id: str, *, lock: bool = False) -> RightsRequest | None:
        """The request, or None; `lock` holds its row until the transaction ends."""
        query = _GET_LOCKED if lock else _GET
        row = self.conn.execute(query, {"tenant": tenant, "request": request_id}).first()
        return None if row is None else _request(row._mapping)

    def save(self, tenant: str, request: RightsRequest) -> None:
        """Writes what a request's transitions change: state, deadlines, reasons, times."""
        changed = {f"new_{name}": value for name, value in _changing(request).items()}
        self.conn.execute(_SAVE, {"tenant": tenant, "request": request.id, **changed})

    def in_states(self, tenant: str, states: Collection[State]) -> list[RightsRequest]:
        """The tenant's requests in these states, by completion deadline."""
        rows = self.conn.execute(
            select(rights_requests)
            .where(
                rights_requests.c.tenant_id == tenant,
                rights_requests.c.state.in_([s.value for s in states]),
            )
            .order_by(rights_requests.c.due, rights_requests.c.id)
        )
        return [_request(row._mapping) for row in rows]

    def for_subject(self, tenant: str, subject_id: str) -> list[RightsRequest]:
        """A subject's requests, oldest first."""
        rows = self.conn.execute(
            select(rights_requests)
            .where(
                rights_requests.c.tenant_id == tenant,
                rights_requests.c.subject_id == subject_id,
            )
            .order_by(rights_requests.c.received_at, rights_requests.c.id)
        )
        return [_request(row._mapping) for row in rows]


def _changing(request: RightsRequest) -> dict[str, object]:
    # Exactly the columns of `_CHANGING`: `_SAVE` sets those and no others.
    return {
        "state": request.state.value,
        "acknowledge_due": request.acknowledge_due,
        "due": request.due_at,
        "extended_due": request.extended_due,
        "extension_reason": request.extension_reason,
        "refusal_reason": request.refusal_reason,
        "updated_at": request.updated_at or request.received_at,
        "completed_at": request.completed_at,
    }


def _detail(request: RightsRequest) -> str:
    detail: dict[str, object] = {}
    if request.purpose is not None:
        detail["purpose"] = request.purpose
    if request.fields:
        detail["fields"] = list(request.fields)
    return json.dumps(detail, sort_keys=True, separators=(",", ":"))


def _request(m: RowMapping) -> RightsRequest:
    detail = json.loads(m["detail"])
    return RightsRequest(
        id=m["id"],
        subject=m["subject_id"],
        kind=Kind(m["kind"]),
        channel=Channel(m["channel"]),
        law_profile=m["law_profile"],
        received_at=m["received_at"],
        due_at=m["due"],
        acknowledge_due=m["acknowledge_due"],
        state=State(m["state"]),
        purpose=detail.get("purpose"),
        fields=tuple(detail.get("fields", ())),
        identity_method=m["identity_method"],
        identity_verified_by=m["identity_verified_by"],
        extended_due=m["extended_due"],
        extension_reason=m["extension_reason"],
        refusal_reason=m["refusal_reason"],
        updated_at=m["updated_at"],
        completed_at=m["completed_at"],
    )
