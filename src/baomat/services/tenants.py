"""Use cases about tenants: publishing a policy version, and the policy currently in force."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

from baomat.domain.audit import AuditEvent
from baomat.domain.errors import Conflict, NotFound
from baomat.policy.loader import parse_policy
from baomat.policy.model import Policy
from baomat.store.tenants import PolicyVersionRecord, TenantRecord
from baomat.store.uow import UnitOfWork


def publish_policy(
    uow: UnitOfWork, policy: Policy, document: str, actor: str, at: dt.datetime
) -> str:
    """Validated policy + its YAML text → 'created', 'published' or 'unchanged'.

    A new tenant is created at the file's version. A higher version is published
    as the tenant's current one. The same version with other content is refused:
    a published version never changes, it is superseded.
    """
    sha = hashlib.sha256(document.encode()).hexdigest()
    version = PolicyVersionRecord(policy.tenant, policy.version, document, sha, policy.last_updated)
    with uow:
        tenant = uow.tenants.get(policy.tenant)
        if tenant is None:
            uow.tenants.add(
                TenantRecord(policy.tenant, policy.organisation.name.vi, policy.law_profile, 0), at
            )
            outcome = "created"
        else:
            existing = uow.tenants.version(policy.tenant, policy.version)
            if existing is not None:
                if existing.sha256 == sha:
                    return "unchanged"
                raise Conflict(
                    f"version: tenant '{policy.tenant}' already published version "
                    f"{policy.version} with other content; raise the version to publish a change"
                )
            if policy.version < tenant.current_version:
                raise Conflict(
                    f"version: tenant '{policy.tenant}' is at version {tenant.current_version}; "
                    f"version {policy.version} is older"
                )
            outcome = "published"
        uow.tenants.add_version(version, at, actor)
        events = [AuditEvent(actor, "tenant.create")] if outcome == "created" else []
        events.append(
            AuditEvent(
                actor,
                "policy.publish",
                detail={
                    "version": policy.version,
                    "sha256": sha,
                    "law_profile": policy.law_profile,
                },
            )
        )
        uow.audit.append(policy.tenant, events, at)
        uow.commit()
    return outcome


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
            record = uow.tenants.get(tenant)
            if record is None:
                raise NotFound(f"tenant '{tenant}' does not exist")
            key = (tenant, record.current_version)
            cached = self._parsed.get(key)
            if cached is not None:
                return cached
            version = uow.tenants.version(tenant, record.current_version)
        if version is None:
            raise NotFound(f"tenant '{tenant}' has no published policy")
        # A stored document was validated when published; failing here is a fault, not input.
        policy = parse_policy(version.document, f"{tenant} policy version {version.version}")
        with self._lock:
            if len(self._parsed) >= self._size:
                del self._parsed[next(iter(self._parsed))]
            self._parsed[key] = policy
        return policy
