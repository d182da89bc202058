"""Use cases about tenants: publishing a policy version, and the policy currently in force."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass

from baomat.domain.audit import AuditEvent
from baomat.domain.errors import Conflict, NotFound
from baomat.domain.periods import vietnam_tz
from baomat.policy.change import Change
from baomat.policy.diff import diff
from baomat.policy.loader import parse_policy
from baomat.policy.model import Policy
from baomat.services import policy_changes
from baomat.store.tenants import PolicyVersionRecord, TenantRecord
from baomat.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Publication:
    """What publishing a policy file did: the outcome, what changed, and who was told."""

    outcome: str
    """'created' (a new tenant), 'published' (a new version) or 'unchanged'."""
    version: int
    previous_version: int | None = None
    last_updated: dt.date | None = None
    """The "last updated" date shown for the version: the day it was published, Vietnam time."""
    changes: tuple[Change, ...] = ()
    notice_mode: str | None = None
    """How subjects learn of the changes: the mode of the version they were under."""
    notices: tuple[policy_changes.NoticeRun, ...] = ()


def publish_policy(
    uow: UnitOfWork, policy: Policy, document: str, actor: str, at: dt.datetime
) -> str:
    """Validated policy + its YAML text → 'created', 'published' or 'unchanged' (see `publish`)."""
    return publish(uow, policy, document, actor, at).outcome


def publish(
    uow: UnitOfWork, policy: Policy, document: str, actor: str, at: dt.datetime
) -> Publication:
    """A policy and the YAML text it was read from → the Publication; nothing on any error.

    A new tenant is created at the file's version. A higher version is published
    as the tenant's current one, with its changes from the version in force
    classified and stored (`policy_changes.record`), then the subjects told as the
    notice mode asks (`policy_changes.tell`). The same version with other content
    is refused: a published version never changes, it is superseded.

    The text is what the store keeps and serves, so it is checked in full first: a
    document that fails the loader's checks (PolicyError, every problem with its
    line) or that reads as another policy than `policy` (Invalid) publishes
    nothing. The version's "last updated" date is the day it is published in
    Vietnam, whatever the file says: it then moves with every publish, as WeSoft
    promises, and can never claim a change older or newer than the one in force.
    """
    checked = policy_changes.checked(policy, document)
    sha = hashlib.sha256(document.encode()).hexdigest()
    shown = at.astimezone(vietnam_tz()).date()
    version = PolicyVersionRecord(checked.tenant, checked.version, document, sha, shown)
    with uow:
        tenant = uow.tenants.get(checked.tenant)
        previous: Policy | None = None
        if tenant is None:
            uow.tenants.add(
                TenantRecord(checked.tenant, checked.organisation.name.vi, checked.law_profile, 0),
                at,
            )
            outcome = "created"
        else:
            if _already_published(uow, checked, sha, tenant.current_version):
                return Publication("unchanged", checked.version)
            previous = policy_changes.stored(uow, checked.tenant, tenant.current_version)
            outcome = "published"
        uow.tenants.add_version(version, at, actor)
        changes = policy_changes.record(uow, previous, checked, at)
        events = [AuditEvent(actor, "tenant.create")] if outcome == "created" else []
        events.append(_published(actor, checked, previous, sha, shown, changes))
        uow.audit.append(checked.tenant, events, at)
        uow.commit()
    runs = policy_changes.tell(uow, checked.tenant, at, policies={checked.version: checked})
    return Publication(
        outcome,
        checked.version,
        None if previous is None else previous.version,
        shown,
        tuple(changes),
        None if previous is None else previous.change_notice.mode.value,
        tuple(runs),
    )


def _already_published(uow: UnitOfWork, checked: Policy, sha: str, current: int) -> bool:
    """True when this very document is the tenant's version already; Conflict when the version
    was published with other content, or is older than the one in force (`current`)."""
    existing = uow.tenants.version(checked.tenant, checked.version)
    if existing is not None:
        if existing.sha256 == sha:
            return True
        raise Conflict(
            f"version: tenant '{checked.tenant}' already published version "
            f"{checked.version} with other content; raise the version to publish a change"
        )
    if checked.version < current:
        raise Conflict(
            f"version: tenant '{checked.tenant}' is at version {current}; "
            f"version {checked.version} is older"
        )
    return False


def preview(uow: UnitOfWork, policy: Policy, document: str) -> Publication:
    """What `publish` would record, without publishing: the changes from the version in force.

    Checks the document as `publish` does; `outcome` is what publishing would answer.
    """
    checked = policy_changes.checked(policy, document)
    sha = hashlib.sha256(document.encode()).hexdigest()
    with uow:
        tenant = uow.tenants.get(checked.tenant)
        if tenant is None:
            return Publication("created", checked.version)
        if _already_published(uow, checked, sha, tenant.current_version):
            return Publication("unchanged", checked.version)
        previous = policy_changes.stored(uow, checked.tenant, tenant.current_version)
    return Publication(
        "published",
        checked.version,
        previous.version,
        None,
        tuple(diff(previous, checked)),
        previous.change_notice.mode.value,
    )


def _published(
    actor: str,
    policy: Policy,
    previous: Policy | None,
    sha: str,
    shown: dt.date,
    changes: list[Change],
) -> AuditEvent:
    material = [c.code for c in changes if c.material]
    return AuditEvent(
        actor,
        "policy.publish",
        detail={
            "version": policy.version,
            "sha256": sha,
            "law_profile": policy.law_profile,
            "last_updated": shown.isoformat(),
            "previous_version": None if previous is None else previous.version,
            "changes": len(changes),
            "material": ",".join(dict.fromkeys(material)),
        },
    )


class PolicyCache:
    """A tenant's current policy, parsed from the store once per published version.

    `policies.current(uow, "wesale")` → the Policy of wesale's current version.
    A published version never changes (`publish_policy` refuses other content
    under the same number), so a parse keyed by (tenant, version) stays right;
    only the current version number is read from the store on each call, which
    is how a version published by another process is picked up at once. Holds
    at most `size` parsed versions, dropping the oldest first.
    """

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._parsed: dict[tuple[str, int], Policy] = {}
        self._lock = threading.Lock()

    def current(self, uow: UnitOfWork, tenant: str) -> Policy:
        with uow:
            return self.within(uow, tenant)

    def within(self, uow: UnitOfWork, tenant: str) -> Policy:
        """`current` in a unit of work the caller has open: what a decision's transaction reads."""
        record = uow.tenants.get(tenant)
        if record is None:
            raise NotFound(f"tenant '{tenant}' does not exist")
        return self.of_version(uow, tenant, record.current_version)

    def of_version(self, uow: UnitOfWork, tenant: str, number: int) -> Policy:
        """The tenant's version `number`, parsed once: for a caller that read which is in force."""
        key = (tenant, number)
        cached = self._parsed.get(key)
        if cached is not None:
            return cached
        version = uow.tenants.version(tenant, number)
        if version is None:
            raise NotFound(f"tenant '{tenant}' has no published policy")
        # A stored document was validated when published; failing here is a fault, not input.
        policy = parse_policy(version.document, f"{tenant} policy version {version.version}")
        if policy.last_updated != version.last_updated:
            # The date shown is the day the version was published (`publish`).
            policy = policy.model_copy(update={"last_updated": version.last_updated})
        with self._lock:
            if len(self._parsed) >= self._size:
                del self._parsed[next(iter(self._parsed))]
            self._parsed[key] = policy
        return policy
