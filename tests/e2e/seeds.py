"""A seed tenant on a fresh store, used as its website, its staff and its customers use it.

    with open_seed(settings, "wesale") as seed:
        seller = seed.api.create_subject("seller", {...})   # the website's backend, API key
        seed.consent(seller, "marketing_email")             # the customer's own opt-in
        request = seed.member(seller).file_request("delete")  # the customer, logged in
        seed.support().fulfil(request["id"])                # staff, logged in
        seed.remains(seller)                                # what the store still holds

The tenant's policy is its example file (`examples/policies/<tenant>.yaml`),
published as a YAML document. The website calls through `baomat.client.Client`
with a fresh API key; staff (two dpos and a support agent) and data subjects
log in over HTTP and call with their session tokens. Everything runs in
process (`tests.asgi.SyncASGITransport`) on the clock `seed.clock`, which the
tests move forward. Staff accounts are created by the services the CLI calls
(no HTTP route creates them); a subject's password is set by the website
(`Client.set_password`); the retention report is the CLI's.

Promise ids in the tests (`WS-3`) number the bullets of each seed's section
in `shared/seeds/PROMISES.md`, in order: WS Wesale (000), WF WeSoft (001),
WC Wecan (002), CG Clever Group (003), EC ecomviet (004).

People come from Faker's vi_VN locale, seeded per tenant: never real people.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from faker import Faker
from sqlalchemy import func, select
from typer.testing import CliRunner

from baomat import bootstrap
from baomat.api.app import create_app
from baomat.cli.main import app as cli
from baomat.client import Client
from baomat.config import Settings
from baomat.domain import identifiers
from baomat.domain.calendar import load_vn_calendar
from baomat.domain.consent import shown_text_sha256
from baomat.domain.periods import vietnam_tz
from baomat.domain.roles import Role
from baomat.policy.loader import load_policy
from baomat.policy.model import Policy
from baomat.services import api_keys, retention, staff, tenants
from baomat.store.tables import attachments, field_values, subjects, tombstones
from tests.asgi import SyncASGITransport
from tests.conftest import EXAMPLES

VN = vietnam_tz()
PASSWORD = "một mật khẩu đủ dài cho thử nghiệm"
DPO, SECOND_DPO, SUPPORT = "dpo.an", "dpo.binh", "support.lan"


def vn_time(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A wall-clock time in Vietnam (UTC+7)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


def end_of_day(day: dt.date) -> dt.datetime:
    """The exclusive instant a deadline falling on `day` ends: next midnight in Vietnam."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), VN)


def instant(text: str) -> dt.datetime:
    """An ISO time from a JSON answer → an aware datetime, to compare with any zone's."""
    return dt.datetime.fromisoformat(text)


class Clock:
    """The app's clock, moved by the test: `clock.advance(days=3)`."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now

    def set(self, now: dt.datetime) -> dt.datetime:
        assert now >= self.now, "the clock only moves forward"
        self.now = now
        return now


class People:
    """Made-up Vietnamese customers (Faker vi_VN), in the forms a website's form sends."""

    def __init__(self, seed: int) -> None:
        self.fake = Faker("vi_VN")
        self.fake.seed_instance(seed)

    def name(self) -> str:
        return str(self.fake.name())

    def address(self) -> str:
        return str(self.fake.address()).replace("\n", ", ")

    def email(self) -> str:
        return str(self.fake.unique.email())

    def mobile(self) -> tuple[str, str]:
        """A Vietnamese mobile number as typed (`0912 345 678`) and as stored (E.164)."""
        digits = f"09{self.fake.random_element('0134678')}{self.fake.numerify('#######')}"
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}", "+84" + digits[1:]

    def landline(self) -> tuple[str, str]:
        """A Ho Chi Minh City fixed line as typed (`028 3829 1234`) and as stored (E.164)."""
        digits = f"0283{self.fake.numerify('#######')}"
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}", "+84" + digits[1:]

    def birth_date(self) -> dt.date:
        born: dt.date = self.fake.date_of_birth(minimum_age=20, maximum_age=70)
        return born

    def cccd(self, born: dt.date) -> str:
        """A 12-digit citizen ID of the right structure: province, century and sex, year."""
        province = self.fake.random_element(sorted(identifiers.province_codes()))
        century = 2 * (born.year // 100 - 19) + self.fake.random_int(0, 1)
        return f"{province}{century}{born.year % 100:02d}{self.fake.numerify('######')}"

    def card_number(self) -> str:
        return str(self.fake.credit_card_number(card_type="visa16"))

    def sentence(self) -> str:
        return str(self.fake.sentence(nb_words=12))


class Session:
    """One login's calls over HTTP: each checks the status and gives the JSON answer."""

    def __init__(self, http: httpx.Client, token: str) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, status: int, **kwargs: Any) -> Any:
        response = self.raw(method, path, **kwargs)
        assert response.status_code == status, (
            f"{method} {path}: {response.status_code} {response.text}"
        )
        return response.json() if response.content else None

    def raw(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, "/v1" + path, headers=self.headers, **kwargs)


class Staff(Session):
    """A staff member logged in: works rights requests and state agencies' requests."""

    def enter_request(
        self,
        subject_id: str,
        kind: str,
        identity_method: str | None,
        detail: Mapping[str, Any] | None = None,
        status: int = 201,
    ) -> Any:
        """A request the subject made by phone, post or at the desk, after checking who asks."""
        body = {"subject_id": subject_id, "kind": kind, "detail": detail}
        if identity_method is not None:
            body["identity_method"] = identity_method
        return self.call("POST", "/requests", status, json=body)

    def queue(self) -> list[dict[str, Any]]:
        requests: list[dict[str, Any]] = self.call("GET", "/requests", 200)["requests"]
        return requests

    def fulfil(
        self, request_id: str, values: Mapping[str, str] | None = None, status: int = 200
    ) -> Any:
        body = None if values is None else {"values": dict(values)}
        return self.call("POST", f"/requests/{request_id}/fulfil", status, json=body)

    def extend(self, request_id: str, reason: str, status: int = 200) -> Any:
        return self.call("POST", f"/requests/{request_id}/extend", status, json={"reason": reason})

    def refuse(self, request_id: str, reason: str, status: int = 200) -> Any:
        return self.call("POST", f"/requests/{request_id}/refuse", status, json={"reason": reason})

    def review_retention(self, subject_id: str, outcome: str, status: int = 200) -> Any:
        """Records whether the subject's data is still needed: `keep` or `erase`."""
        path = f"/subjects/{subject_id}/retention-review"
        return self.call("POST", path, status, json={"outcome": outcome})

    def record_authority_request(
        self,
        subject_id: str,
        recipient: str,
        fields: Sequence[str],
        *,
        body: str,
        document_number: str,
        document_date: dt.date,
        legal_basis: str = "legal_obligation",
        confidential: bool = False,
        status: int = 201,
    ) -> Any:
        """A state agency's formal request, as entered from its letter."""
        request = {
            "subject_id": subject_id,
            "recipient": recipient,
            "body": body,
            "document_number": document_number,
            "document_date": document_date.isoformat(),
            "legal_basis": legal_basis,
            "fields": list(fields),
            "confidential": confidential,
        }
        return self.call("POST", "/authority-requests", status, json=request)

    def pending(self) -> list[str]:
        """Ids of the state agencies' requests awaiting a dpo."""
        return [d["id"] for d in self.call("GET", "/authority-requests", 200)["disclosures"]]

    def approve(self, disclosure_id: str, status: int = 200) -> Any:
        return self.call("POST", f"/authority-requests/{disclosure_id}/approve", status)

    def reject(self, disclosure_id: str, reason: str, status: int = 200) -> Any:
        path = f"/authority-requests/{disclosure_id}/reject"
        return self.call("POST", path, status, json={"reason": reason})


class Member(Session):
    """A data subject logged in to the site's account page."""

    def file_request(
        self,
        kind: str,
        detail: Mapping[str, Any] | None = None,
        status: int = 201,
        *,
        values: Mapping[str, str] | None = None,
    ) -> Any:
        """Files a request, carried out at once where the site offers self-service; a
        correction brings its new `values`."""
        body: dict[str, Any] = {"kind": kind, "detail": detail}
        if values is not None:
            body["values"] = dict(values)
        return self.call("POST", "/me/requests", status, json=body)

    def requests(self) -> list[dict[str, Any]]:
        requests: list[dict[str, Any]] = self.call("GET", "/me/requests", 200)["requests"]
        return requests

    def disclosures(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.call("GET", "/me/disclosures", 200)["disclosures"]
        return found

    def export(self, request_id: str) -> Export:
        """Downloads the export (one ZIP) → its parts."""
        response = self.raw("GET", f"/me/requests/{request_id}/export")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            names = archive.namelist()
            return Export(
                data=json.loads(archive.read("data.json")),
                csvs={n: archive.read(n).decode("utf-8-sig") for n in names if n.endswith(".csv")},
                files={n: archive.read(n) for n in names if n.startswith("attachments/")},
            )


@dataclass(frozen=True)
class Export:
    """A subject's export: `data.json`, the CSV files by name, the attached files by path."""

    data: dict[str, Any]
    csvs: dict[str, str]
    files: dict[str, bytes]


@dataclass(frozen=True)
class Remains:
    """What the store still holds of a subject, read behind the API."""

    status: str | None
    tombstone: str | None
    """The tombstone's reason (`request:<id>`, `retention:<rule>`), None without one."""
    values: int
    """Encrypted values still stored."""
    files: int
    """Encrypted attachments still stored."""
    key: bool
    """Whether the subject's data key is still in the key store."""
    audit_actions: list[str]


@dataclass
class Seed:
    """One seed tenant on a fresh store, reached as its website, staff and customers reach it."""

    settings: Settings
    app: bootstrap.App
    policy: Policy
    clock: Clock
    api: Client
    http: httpx.Client
    people: People

    @property
    def tenant(self) -> str:
        return self.policy.tenant

    def consent(self, subject_id: str, purpose: str, language: str = "vi") -> dict[str, Any]:
        """The customer ticks the purpose's box, shown its text in `language` → the consent."""
        spec = self.policy.purpose(purpose)
        assert spec is not None, purpose
        text = spec.text.vi if language == "vi" else spec.text.en
        return self.api.give_consent(
            subject_id,
            purpose,
            policy_version=self.policy.version,
            text_sha256=shown_text_sha256(text),
            language=language,
            channel="web",
            given=True,
            preticked=False,
            ip="203.0.113.24",
            user_agent="Mozilla/5.0 (Linux; Android 14) Mobile",
        )

    def dpo(self) -> Staff:
        return self._staff(DPO)

    def second_dpo(self) -> Staff:
        return self._staff(SECOND_DPO)

    def support(self) -> Staff:
        return self._staff(SUPPORT)

    def member(self, subject_id: str) -> Member:
        """The subject logs in with their password now (set on first use) → their session."""
        with self.app.uow() as uow:
            has_password = uow.credentials.get(self.tenant, subject_id) is not None
        if not has_password:  # the website sets it, as its sign-up page would
            self.api.set_password(subject_id, PASSWORD)
        body = {"tenant": self.tenant, "subject_id": subject_id, "password": PASSWORD}
        login = self.http.post("/v1/subjects/login", json=body)
        assert login.status_code == 200, login.text
        return Member(self.http, login.json()["token"])

    def subject_login_status(self, subject_id: str) -> int:
        """The status of a password login for the subject, e.g. 401 once it is erased."""
        body = {"tenant": self.tenant, "subject_id": subject_id, "password": PASSWORD}
        return self.http.post("/v1/subjects/login", json=body).status_code

    def retention_report(self, as_of: dt.date) -> list[str]:
        """`baomat retention run --dry-run --tenant T --as-of DAY` → its output lines."""
        env = {
            "BAOMAT_HOME": str(self.settings.home),
            "BAOMAT_DATABASE_URL": self.settings.database_url,
            "BAOMAT_KEYSTORE_URL": self.settings.keystore_url,
            "BAOMAT_MASTER_KEY": None,
            "BAOMAT_INDEX_KEY": None,
        }
        args = ["retention", "run", "--dry-run", "--tenant", self.tenant]
        result = CliRunner().invoke(cli, [*args, "--as-of", as_of.isoformat()], env=env)
        assert result.exit_code == 0, result.output
        return result.output.splitlines()

    def retention_run(self) -> retention.Report:
        """The sweep for real at the clock's time, as the daily job runs it.

        Not through the CLI: `--as-of` may not name a future day for a real
        run, and the seeds' clocks run ahead of the wall clock.
        """
        return retention.sweep(
            self.app.uow,
            self.tenant,
            self.clock(),
            load_vn_calendar(),
            dry_run=False,
            actor="job:retention",
        )

    def remains(self, subject_id: str) -> Remains:
        with self.app.engine.connect() as conn:
            status = conn.execute(
                select(subjects.c.status).where(
                    subjects.c.tenant_id == self.tenant, subjects.c.id == subject_id
                )
            ).scalar_one_or_none()
            tombstone = conn.execute(
                select(tombstones.c.reason).where(
                    tombstones.c.tenant_id == self.tenant, tombstones.c.subject_id == subject_id
                )
            ).scalar_one_or_none()
            values = conn.execute(
                select(func.count()).where(
                    field_values.c.tenant_id == self.tenant,
                    field_values.c.subject_id == subject_id,
                )
            ).scalar_one()
            files = conn.execute(
                select(func.count()).where(
                    attachments.c.tenant_id == self.tenant,
                    attachments.c.subject_id == subject_id,
                )
            ).scalar_one()
        with self.app.uow() as uow:
            actions = [str(e["action"]) for e in uow.audit.entries(self.tenant, subject_id)]
        key = self.app.keystore.get(self.tenant, subject_id) is not None
        return Remains(status, tombstone, int(values), int(files), key, actions)

    def _staff(self, staff_id: str) -> Staff:
        body = {"tenant": self.tenant, "staff_id": staff_id, "password": PASSWORD}
        login = self.http.post("/v1/staff/login", json=body)
        assert login.status_code == 200, login.text
        return Staff(self.http, login.json()["token"])


@contextmanager
def open_seed(settings: Settings, tenant: str, start: dt.datetime) -> Iterator[Seed]:
    """A fresh store holding only `tenant`, published at `start`, with its key and staff."""
    path = EXAMPLES / f"{tenant}.yaml"
    policy = load_policy(path)
    clock = Clock(start)
    bootstrap.ensure_keys(settings, env={})
    app = bootstrap.build(settings, env={}, clock=clock)
    try:
        tenants.publish_policy(app.uow(), policy, path.read_text("utf-8"), "test", start)
        key = api_keys.create(app.uow(), tenant, "website backend", "test", start)
        for staff_id, role in ((DPO, Role.DPO), (SECOND_DPO, Role.DPO), (SUPPORT, Role.SUPPORT)):
            staff.create_staff(app.uow(), tenant, staff_id, role, PASSWORD, "test", start)
        transport = SyncASGITransport(create_app(app))
        with (
            Client("http://testserver", key, transport=transport) as api,
            httpx.Client(transport=transport, base_url="http://testserver") as http,
        ):
            seed_number = sum(map(ord, tenant))
            yield Seed(settings, app, policy, clock, api, http, People(seed_number))
    finally:
        app.close()
