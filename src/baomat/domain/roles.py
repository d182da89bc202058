"""Staff roles and what each may do: one permission table, checked by `require`.

    require(Role.SUPPORT, Permission.APPROVE_AUTHORITY_DISCLOSURE)  # raises Forbidden
    allows(Role.DPO, Permission.APPROVE_AUTHORITY_DISCLOSURE)        # True

Least privilege: the admin runs the system and sees no personal data, the
auditor reads the trail and the registers and changes nothing, support works
subjects' requests and complaints, and the DPO decides what only the
organisation's data-protection officer should: disclosures to state agencies,
refusals and extensions, policy versions, incidents and retention.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from baomat.domain.errors import Forbidden


class Role(StrEnum):
    ADMIN = "admin"
    """Manages staff accounts and API keys; reads no personal data."""
    DPO = "dpo"
    """The data-protection officer (or unit): decides, approves, publishes."""
    SUPPORT = "support"
    """Works subjects' requests and complaints, assisted by phone, post or at the desk."""
    AUDITOR = "auditor"
    """Reads the audit trail and the registers; changes nothing."""


class Permission(StrEnum):
    MANAGE_STAFF = "manage_staff"
    """Create and disable staff accounts."""
    MANAGE_API_KEYS = "manage_api_keys"
    """Create and revoke the tenant's API keys."""
    READ_AUDIT = "read_audit"
    """Read and verify the audit trail."""
    READ_REGISTERS = "read_registers"
    """Read the registers: disclosures, rights requests, complaints, incidents, holds."""
    READ_SUBJECT_DATA = "read_subject_data"
    """Read a subject's values to answer their request (access, export, correction)."""
    RECORD_ASSISTED_REQUEST = "record_assisted_request"
    """Record a rights request a subject made by phone, post or in person."""
    WORK_REQUESTS = "work_requests"
    """Acknowledge, verify the requester's identity, carry out and complete a request."""
    DECIDE_REQUESTS = "decide_requests"
    """Refuse a request or extend its deadline, with the reason the law asks for."""
    RECORD_DISCLOSURE = "record_disclosure"
    """Record a disclosure, or a state agency's request that then awaits approval."""
    APPROVE_AUTHORITY_DISCLOSURE = "approve_authority_disclosure"
    """Approve or reject a state agency's request for a subject's data."""
    HANDLE_COMPLAINTS = "handle_complaints"
    """Take in and work complaints, reading their text and the complainant's contact."""
    HANDLE_ALERTS = "handle_alerts"
    """See and acknowledge alerts to staff (a complaint's deadline near or past)."""
    MANAGE_INCIDENTS = "manage_incidents"
    """Record breaches and incidents and send their notifications."""
    MANAGE_LEGAL_HOLDS = "manage_legal_holds"
    """Place and release legal holds."""
    LOCK_ACCOUNTS = "lock_accounts"
    """Lock a subject's service for a violation the policy lists, and unlock it."""
    RUN_RETENTION = "run_retention"
    """Run the retention sweep (and its dry run), and record reviews of whether a subject's
    data is still needed (`while_needed` rules)."""
    PUBLISH_POLICY = "publish_policy"
    """Publish a new version of the tenant's policy."""


_ADMIN, _DPO, _SUPPORT, _AUDITOR = Role.ADMIN, Role.DPO, Role.SUPPORT, Role.AUDITOR

PERMISSIONS: Mapping[Permission, frozenset[Role]] = {
    Permission.MANAGE_STAFF: frozenset({_ADMIN}),
    Permission.MANAGE_API_KEYS: frozenset({_ADMIN}),
    Permission.READ_AUDIT: frozenset({_DPO, _AUDITOR}),
    Permission.READ_REGISTERS: frozenset({_DPO, _AUDITOR}),
    Permission.READ_SUBJECT_DATA: frozenset({_DPO, _SUPPORT}),
    Permission.RECORD_ASSISTED_REQUEST: frozenset({_DPO, _SUPPORT}),
    Permission.WORK_REQUESTS: frozenset({_DPO, _SUPPORT}),
    Permission.DECIDE_REQUESTS: frozenset({_DPO}),
    # Support may take in an agency's letter; only the DPO releases the data.
    Permission.RECORD_DISCLOSURE: frozenset({_DPO, _SUPPORT}),
    Permission.APPROVE_AUTHORITY_DISCLOSURE: frozenset({_DPO}),
    Permission.HANDLE_COMPLAINTS: frozenset({_DPO, _SUPPORT}),
    Permission.HANDLE_ALERTS: frozenset({_DPO, _SUPPORT}),
    Permission.MANAGE_INCIDENTS: frozenset({_DPO}),
    Permission.MANAGE_LEGAL_HOLDS: frozenset({_DPO}),
    Permission.LOCK_ACCOUNTS: frozenset({_DPO, _SUPPORT}),
    Permission.RUN_RETENTION: frozenset({_DPO}),
    Permission.PUBLISH_POLICY: frozenset({_DPO}),
}
"""Permission → the roles that hold it. A permission missing here is held by no one."""


def allows(role: Role | None, permission: Permission) -> bool:
    """Whether `role` holds `permission`; no role (a data subject) holds none."""
    return role is not None and role in PERMISSIONS.get(permission, frozenset())


def require(role: Role | None, permission: Permission) -> None:
    """Returns if `role` holds `permission`, else raises Forbidden naming both."""
    if not allows(role, permission):
        who = "a data subject" if role is None else f"the {role.value} role"
        raise Forbidden(f"{who} may not {permission.value.replace('_', ' ')}")


def require_any(role: Role | None, *permissions: Permission) -> None:
    """Returns if `role` holds one of `permissions` (a reader of a register: who works it,
    or the auditor), else raises Forbidden naming the first."""
    if not any(allows(role, p) for p in permissions):
        require(role, permissions[0])


def permissions_of(role: Role) -> frozenset[Permission]:
    """Every permission `role` holds."""
    return frozenset(p for p, roles in PERMISSIONS.items() if role in roles)
