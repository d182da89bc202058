"""Use cases about tenants' API keys: create one, revoke one, list them, authenticate a caller.

A key reads `bm_<id>_<secret>`: `id` is 16 random hex characters and names
the key (in listings and as the audit actor), `secret` is 32 random bytes in
url-safe base64. Only the SHA-256 of the secret is stored, so the full key is
shown once, when it is created, and never again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from baomat.domain.audit import AuditEvent
from baomat.domain.errors import Conflict, Invalid, NotFound, Unauthenticated
from baomat.store.api_keys import KeyStanding
from baomat.store.uow import UnitOfWork

_KEY = re.compile(r"bm_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")
MAX_LABEL = 128


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    """What may be shown about a key: never its secret, nor the secret's hash."""

    id: str
    label: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def create(uow: UnitOfWork, tenant: str, label: str, actor: str, at: dt.datetime) -> str:
    """A new key for the tenant → the full key `bm_<id>_<secret>`, returned this once only."""
    label = label.strip()
    if not label:
        raise Invalid("label", "is required")
    if len(label) > MAX_LABEL:
        raise Invalid("label", f"is longer than {MAX_LABEL} characters")
    key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    with uow:
        if uow.tenants.get(tenant) is None:
            raise NotFound(f"tenant '{tenant}' does not exist")
        uow.api_keys.add(tenant, key_id, _digest(secret), label, at)
        uow.audit.append(
            tenant, [AuditEvent(actor, "apikey.create", detail={"key_id": key_id})], at
        )
        uow.commit()
    return f"bm_{key_id}_{secret}"


def revoke(uow: UnitOfWork, tenant: str, key_id: str, actor: str, at: dt.datetime) -> None:
    """Revokes one of the tenant's keys: the next call made with it is refused."""
    with uow:
        keys = uow.api_keys
        record = keys.get(key_id)
        if record is None or record.tenant != tenant:
            raise NotFound(f"tenant '{tenant}' has no API key '{key_id}'")
        if record.revoked_at is not None:
            raise Conflict(f"api key '{key_id}': already revoked")
        keys.revoke(tenant, key_id, at)
        uow.audit.append(
            tenant, [AuditEvent(actor, "apikey.revoke", detail={"key_id": key_id})], at
        )
        uow.commit()


def list_keys(uow: UnitOfWork, tenant: str) -> list[ApiKeyInfo]:
    """The tenant's keys, oldest first, revoked ones included."""
    with uow:
        if uow.tenants.get(tenant) is None:
            raise NotFound(f"tenant '{tenant}' does not exist")
        return [
            ApiKeyInfo(r.id, r.label, r.created_at, r.revoked_at)
            for r in uow.api_keys.for_tenant(tenant)
        ]


def authenticate(uow: UnitOfWork, presented: str) -> str:
    """A presented key → the id of its tenant; Unauthenticated, alike for every failure.

    A malformed, unknown or revoked key, or a wrong secret, all get the same
    error, so a caller learns nothing about which keys exist. The secret's
    hash is compared in constant time.
    """
    with uow:
        return authenticate_within(uow, presented)


def authenticate_within(uow: UnitOfWork, presented: str) -> str:
    """`authenticate` in a unit of work the caller has open → the key's tenant."""
    return standing_within(uow, presented).tenant


def standing_within(uow: UnitOfWork, presented: str) -> KeyStanding:
    """`authenticate_within` → the key's standing, with the policy version its tenant has in
    force, read in the same statement: how a decision checks its key."""
    refused = Unauthenticated("invalid API key")
    match = _KEY.fullmatch(presented)
    if match is None:
        raise refused
    key_id, secret = match.groups()
    standing = uow.api_keys.standing(key_id)
    if standing is None:
        raise refused
    if not hmac.compare_digest(standing.secret_sha256, _digest(secret)):
        raise refused
    if standing.revoked:
        raise refused
    return standing


def actor_of(presented: str) -> str:
    """An authenticated key `bm_<id>_<secret>` → `apikey:<id>`, the actor its audit entries name."""
    return "apikey:" + presented.split("_", 2)[1]


def _digest(secret: str) -> str:
    # 256 random bits need no slow password hash: SHA-256 is as safe and costs no latency.
    return hashlib.sha256(secret.encode()).hexdigest()
