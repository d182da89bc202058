"""Use case: may these fields of a subject be used for a purpose, by a recipient?

    decide(uow, wesale, "9f2c…", "marketing_email", ["email"], None, "crm", now)
    -> Decision(allowed=False, reason="no_consent", ...)

The rules are `baomat.domain.decision`'s; this layer loads what they read (the
subject, its restrictions and objections, its consents) and records every
decision, allowed or refused, as one audit entry: action `decision`, outcome
`allow` or `deny`, the reason code and policy version in its detail (PRODUCT.md
"Use": every use answers to a declared purpose, and leaves proof). Reading
values (`services.subjects.read`) goes through the same decision.

The audit entry holds only what the policy declares: the subject's id when it
is a live subject of this tenant, the purpose, fields and recipient when the
policy declares them. A caller's other text never enters the chain.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Collection, Mapping
from concurrent.futures import Future
from typing import TYPE_CHECKING

from baomat.domain.audit import AuditEvent
from baomat.domain.consent import Consent
from baomat.domain.decision import (
    EVERY_PURPOSE,
    NOT_FOUND_REASONS,
    OBJECTED,
    RESTRICTED,
    Decision,
    DecisionTable,
    SubjectState,
)
from baomat.domain.decision import decide as _decide
from baomat.policy.model import Policy
from baomat.services import api_keys
from baomat.store import group_commit
from baomat.store.uow import UnitOfWork

if TYPE_CHECKING:  # tenants imports consents, which imports this module
    from baomat.services.tenants import PolicyCache

_TABLES_KEPT = 256
_tables: dict[tuple[str, int], tuple[Policy, DecisionTable]] = {}
_tables_lock = threading.Lock()


def table_for(policy: Policy) -> DecisionTable:
    """The policy compiled for decisions, built once per policy object and kept.

    Keyed by (tenant, version) and checked by identity, so a different Policy
    object of the same version (a test's edited copy) is compiled afresh.
    """
    key = (policy.tenant, policy.version)
    kept = _tables.get(key)
    if kept is not None and kept[0] is policy:
        return kept[1]
    table = DecisionTable.build(policy)
    with _tables_lock:
        if key not in _tables and len(_tables) >= _TABLES_KEPT:
            del _tables[next(iter(_tables))]
        _tables[key] = (policy, table)
    return table


def decide(
    uow: UnitOfWork,
    policy: Policy,
    subject_id: str,
    purpose: str,
    fields: Collection[str],
    recipient: str | None,
    actor: str,
    at: dt.datetime,
) -> Decision:
    """Decides and audits in one unit of work → the Decision (refusals are answers, not errors).

    `policy` is the tenant's current version; a subject of another tenant is
    `subject_not_found`.
    """
    with uow:
        decision = decide_within(uow, policy, subject_id, purpose, fields, recipient, actor, at)
        uow.commit()
    return decision


def decide_for_key(
    uow: UnitOfWork,
    policies: PolicyCache,
    api_key: str,
    subject_id: str,
    purpose: str,
    fields: Collection[str],
    recipient: str | None,
    at: dt.datetime,
) -> Future[Decision]:
    """`decide`, asked with a tenant's API key → the Decision once committed, as a future.

    What `POST /v1/decisions` runs. One transaction authenticates the key,
    reads the tenant's policy in force and the subject, decides and appends
    the audit entry, so a key revoked, or a policy version published, before
    it began is seen. When the store's writer is free it runs at once on the
    calling thread and the future comes back resolved; otherwise it is
    committed with the decisions asked at the same time (`store.group_commit`).
    Either way the future resolves only after that commit.
    Unauthenticated, alike for every bad key, as `api_keys.authenticate`.
    """

    def work(u: UnitOfWork) -> Decision:
        key = api_keys.standing_within(u, api_key)  # and its tenant's policy version, one read
        policy = policies.of_version(u, key.tenant, key.policy_version)
        actor = api_keys.actor_of(api_key)
        return decide_within(u, policy, subject_id, purpose, fields, recipient, actor, at)

    return group_commit.submit(uow, work, at_once_if_free=True)


def decide_within(
    uow: UnitOfWork,
    policy: Policy,
    subject_id: str,
    purpose: str,
    fields: Collection[str],
    recipient: str | None,
    actor: str,
    at: dt.datetime,
    *,
    action: str = "decision",
    outcomes: tuple[str, str] = ("allow", "deny"),
    about: Mapping[str, str] | None = None,
) -> Decision:
    """`decide` inside a unit of work the caller opened and commits; appends the audit entry.

    `action` and `outcomes` (allowed, refused) name the entry, so a read can
    record itself as `subject.read` with `ok` / `denied`; `about` adds ids the
    caller has checked exist (`{"attachment": id}`) to the entry's detail.
    """
    table = table_for(policy)
    subject, consents = load_state(uow, policy.tenant, subject_id, lockable(policy))
    fresh = uow.policy_changes.consent_from(policy.tenant, policy.version)  # kept in memory
    decision = _decide(table, subject, consents, purpose, fields, recipient, at, fresh)
    live = decision.reason not in NOT_FOUND_REASONS
    detail: dict[str, str | int | bool | None] = {
        "reason": decision.reason,
        "policy_version": decision.policy_version,
    }
    if recipient is not None and recipient in table.recipients:
        detail["recipient"] = recipient
    if about:
        detail.update(about)
    event = AuditEvent(
        actor,
        action,
        subject_id if live else None,
        tuple(f for f in fields if f in table.field_ids),
        purpose if purpose in table.purposes else None,
        outcomes[0] if decision.allowed else outcomes[1],
        detail,
    )
    uow.audit.append(policy.tenant, [event], at)
    return decision


def lockable(policy: Policy) -> frozenset[str]:
    """The purposes a service lock stops under `policy` (key `service_locks.blocks_purposes`)."""
    locks = policy.service_locks
    return frozenset() if locks is None else frozenset(locks.blocks_purposes)


def load_state(
    uow: UnitOfWork, tenant: str, subject_id: str, lockable: frozenset[str] = frozenset()
) -> tuple[SubjectState | None, list[Consent]]:
    """What a decision reads of a subject: its state (None if not this tenant's) and consents.

    `lockable` names the purposes a service lock stops; only when there are
    some is the subject's open lock looked up (one indexed lookup).
    """
    record = uow.subjects.get(tenant, subject_id)
    if record is None:
        return None, []
    if record.status == "erased":
        return SubjectState(record.id, record.subject_type, erased=True), []
    limits = uow.limits.in_force(tenant, subject_id)
    state = SubjectState(
        record.id,
        record.subject_type,
        policy_version=record.policy_version,
        restricted=frozenset(
            limit.purpose or EVERY_PURPOSE for limit in limits if limit.kind == RESTRICTED
        ),
        objected=frozenset(
            limit.purpose or EVERY_PURPOSE for limit in limits if limit.kind == OBJECTED
        ),
        locked=lockable if lockable and uow.locks.is_locked(tenant, subject_id) else frozenset(),
    )
    return state, uow.consents.for_subject(tenant, subject_id)
