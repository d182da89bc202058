"""Who may do what: the permission table, read as the table it is."""

from __future__ import annotations

import pytest

from baomat.domain.errors import Forbidden
from baomat.domain.roles import PERMISSIONS, Permission, Role, allows, permissions_of, require

TABLE = """
permission                     admin  dpo  support  auditor
manage_staff                   x      .    .        .
manage_api_keys                x      .    .        .
read_audit                     .      x    .        x
read_registers                 .      x    .        x
read_subject_data              .      x    x        .
record_assisted_request        .      x    x        .
work_requests                  .      x    x        .
decide_requests                .      x    .        .
record_disclosure              .      x    x        .
approve_authority_disclosure   .      x    .        .
handle_complaints              .      x    x        .
handle_alerts                  .      x    x        .
manage_incidents               .      x    .        .
manage_legal_holds             .      x    .        .
lock_accounts                  .      x    x        .
run_retention                  .      x    .        .
publish_policy                 .      x    .        .
"""


def _table() -> dict[Permission, frozenset[Role]]:
    header, *rows = TABLE.strip().splitlines()
    roles = [Role(name) for name in header.split()[1:]]
    table = {}
    for row in rows:
        name, *marks = row.split()
        table[Permission(name)] = frozenset(
            r for r, m in zip(roles, marks, strict=True) if m == "x"
        )
    return table


def test_the_permission_table_is_exactly_the_one_written_here() -> None:
    assert _table() == dict(PERMISSIONS)
    assert set(PERMISSIONS) == set(Permission)


def test_only_the_dpo_approves_a_state_agencys_request() -> None:
    assert [r for r in Role if allows(r, Permission.APPROVE_AUTHORITY_DISCLOSURE)] == [Role.DPO]


def test_support_records_assisted_requests_and_the_auditor_does_not() -> None:
    assert allows(Role.SUPPORT, Permission.RECORD_ASSISTED_REQUEST)
    assert not allows(Role.AUDITOR, Permission.RECORD_ASSISTED_REQUEST)


def test_the_auditor_only_reads_the_audit_trail_and_the_registers() -> None:
    assert permissions_of(Role.AUDITOR) == {Permission.READ_AUDIT, Permission.READ_REGISTERS}


def test_the_admin_manages_staff_and_keys_and_reads_no_personal_data() -> None:
    assert permissions_of(Role.ADMIN) == {Permission.MANAGE_STAFF, Permission.MANAGE_API_KEYS}
    assert not allows(Role.ADMIN, Permission.READ_SUBJECT_DATA)


def test_require_refuses_naming_the_role_and_the_permission() -> None:
    require(Role.DPO, Permission.PUBLISH_POLICY)
    with pytest.raises(Forbidden, match="the support role may not approve authority disclosure"):
        require(Role.SUPPORT, Permission.APPROVE_AUTHORITY_DISCLOSURE)


def test_a_data_subject_holds_no_staff_permission() -> None:
    assert not any(allows(None, p) for p in Permission)
    with pytest.raises(Forbidden, match="a data subject may not"):
        require(None, Permission.READ_AUDIT)
