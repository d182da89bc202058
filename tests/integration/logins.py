"""Staff and subjects who log in, for tests: accounts, tokens and a notifier that keeps codes.

token = staff_token(app, "shop", "lan", Role.DPO)            # bs_<id>_<secret>
app.notifier = notifier = CapturingNotifier()
subject_login.request_code(app.uow(), "shop", subject_id, notifier, AT); notifier.codes[-1]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from baomat import bootstrap
from baomat.domain.roles import Role
from baomat.services import staff, subject_login
from baomat.store.uow import UnitOfWork
from tests.integration.shop import AT

PASSWORD = "mật khẩu đủ dài 2026"


@dataclass
class CapturingNotifier:
    """Keeps every code it is asked to send, with whom and in which language."""

    sent: list[tuple[str, str, str, str]] = field(default_factory=list)

    def check_configured(self) -> None:
        """Always configured: it delivers to this list."""

    def send_login_code(
        self,
        uow: UnitOfWork,
        tenant: str,
        subject_id: str,
        code: str,
        language: str,
        at: dt.datetime,
    ) -> None:
        self.sent.append((tenant, subject_id, code, language))

    @property
    def codes(self) -> list[str]:
        return [code for _, _, code, _ in self.sent]


def staff_token(
    app: bootstrap.App, tenant: str, staff_id: str, role: Role = Role.DPO, password: str = PASSWORD
) -> str:
    """Creates the account and logs it in → its session token."""
    staff.create_staff(app.uow(), tenant, staff_id, role, password, "test", AT)
    return staff.login_staff(app.uow(), tenant, staff_id, password, AT).token


def subject_token(
    app: bootstrap.App, tenant: str, subject_id: str, password: str = PASSWORD
) -> str:
    """Gives the subject a password and logs it in → its session token."""
    subject_login.set_password(app.uow(), tenant, subject_id, password, "test", AT)
    return subject_login.login_subject_password(app.uow(), tenant, subject_id, password, AT).token
