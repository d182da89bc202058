"""Use cases about tenants: loading a policy file as a tenant's published version."""

from __future__ import annotations

import datetime as dt
import hashlib

from baomat.domain.audit import AuditEvent
from baomat.domain.errors import Conflict
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
