"""`Client`: one method per API call; an error answer becomes an `ApiError`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from baomat.client._stored import Stored


class ApiError(Exception):
    """An error answer: its status and code, for bad input the field and the rule broken, and
    for a use of data a decision refused its reason code.

    `ApiError(422, "invalid", "fields", "phone not used by purpose 'x'")`,
    `ApiError(403, "denied", reason="no_consent")`.
    Failing to reach the server at all raises httpx's own `TransportError`.
    """

    def __init__(
        self,
        status: int,
        code: str,
        field: str | None = None,
        rule: str | None = None,
        message: str = "",
        *,
        reason: str | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}" if message else f"{status} {code}")
        self.status = status
        self.code = code
        self.field = field
        self.rule = rule
        self.message = message
        self.reason = reason


class Client:
    """baomat's API at `base_url` (e.g. `http://127.0.0.1:8000`), calling with one tenant's key.

    `transport` replaces the network, e.g. with an in-process ASGI app in tests.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 10,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/v1",
            headers={"Authorization": f"Bearer {api_key}", "User-Agent": "baomat-client"},
            timeout=timeout,
            transport=transport,
        )

    def create_subject(self, subject_type: str, values: Mapping[str, str]) -> str:
        """Stores a subject's values → the subject's pseudonymous id."""
        return self.create_subject_scanned(subject_type, values).id

    def create_subject_scanned(self, subject_type: str, values: Mapping[str, str]) -> Stored:
        """Stores a subject's values → its id and the personal data found in its free text."""
        body = {"subject_type": subject_type, "values": dict(values)}
        return Stored.from_json(self._call("POST", "/subjects", json=body))

    def read_subject(self, subject_id: str, purpose: str, fields: Sequence[str]) -> dict[str, str]:
        """The named fields' values, read for a purpose of the policy that uses them all."""
        params = {"purpose": purpose, "fields": ",".join(fields)}
        values = self._call("GET", _subject(subject_id), params=params)["values"]
        return {str(k): str(v) for k, v in values.items()}

    def update_subject(self, subject_id: str, values: Mapping[str, str | None]) -> list[str]:
        """Sets the named fields' values, clearing those given None or "" → the fields changed.

        Checked as at registration; fields not named stay as they are.
        """
        return self.update_subject_scanned(subject_id, values).fields

    def update_subject_scanned(self, subject_id: str, values: Mapping[str, str | None]) -> Stored:
        """As `update_subject` → the fields changed and the personal data found in free text."""
        body = {"values": dict(values)}
        return Stored.from_json(self._call("PATCH", _subject(subject_id), json=body))

    def set_password(self, subject_id: str, password: str) -> None:
        """Sets the password the subject logs in to baomat's self-service with."""
        self._call("POST", _subject(subject_id) + "/password", json={"password": password})

    def erase_subject(self, subject_id: str) -> None:
        """Erases the subject for good (their request)."""
        self._call("DELETE", _subject(subject_id))

    def close_account(self, subject_id: str) -> None:
        """Records that the subject's account closed: retention counted from closure starts."""
        self._call("POST", _subject(subject_id) + "/close")

    def give_consent(
        self,
        subject_id: str,
        purpose: str,
        *,
        policy_version: int,
        text_sha256: str,
        language: str,
        channel: str,
        given: bool,
        preticked: bool | None = None,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> dict[str, Any]:
        """Records the subject's own consent to an opt-in purpose → the consent (id, dates).

        `given` is True only for the subject's affirmative act; `text_sha256`
        is the SHA-256 of the purpose's text as shown, in `language`; `ip` and
        `user_agent` are the subject's client, kept encrypted as proof.
        """
        body = {
            "purpose": purpose,
            "policy_version": policy_version,
            "text_sha256": text_sha256,
            "language": language,
            "channel": channel,
            "given": given,
            "preticked": preticked,
            "ip": ip,
            "user_agent": user_agent,
        }
        return self._call("POST", _subject(subject_id) + "/consents", json=body)

    def withdraw_consent(self, subject_id: str, purpose: str) -> list[dict[str, Any]]:
        """Withdraws the subject's consent to the purpose → the consents withdrawn."""
        path = _subject(subject_id) + "/consents/" + quote(purpose, safe="")
        withdrawn: list[dict[str, Any]] = self._call("DELETE", path)["consents"]
        return withdrawn

    def decide(
        self, subject_id: str, purpose: str, fields: Sequence[str], recipient: str | None = None
    ) -> dict[str, Any]:
        """May these fields be used for the purpose (by the recipient)? → allowed, reason, …"""
        body = {
            "subject_id": subject_id,
            "purpose": purpose,
            "fields": list(fields),
            "recipient": recipient,
        }
        return self._call("POST", "/decisions", json=body)

    def disclose(self, subject_id: str, recipient: str, purpose: str) -> dict[str, Any]:
        """Hands a partner or processor its contract's fields for the purpose, recorded.

        → `{"id", "recipient", "fields", "values"}`: pass on `values`, nothing more.
        """
        body = {"recipient": recipient, "purpose": purpose}
        return self._call("POST", _subject(subject_id) + "/disclosures", json=body)

    def upload_attachment(
        self, subject_id: str, field: str, filename: str, content: bytes, media_type: str
    ) -> dict[str, Any]:
        """Stores a file in one of the subject's file fields → `{"id", "field", "media_type",
        "size", "sha256", "created_at"}`. The file name is sent, never stored."""
        files = {"file": (filename, content, media_type)}
        return self._call(
            "POST", _subject(subject_id) + "/attachments", data={"field": field}, files=files
        )

    def attachments(self, subject_id: str) -> list[dict[str, Any]]:
        """The subject's files, oldest first: descriptions only."""
        path = _subject(subject_id) + "/attachments"
        found: list[dict[str, Any]] = self._call("GET", path)["attachments"]
        return found

    def download_attachment(self, subject_id: str, attachment_id: str, purpose: str) -> bytes:
        """A file's bytes, read for a purpose of the policy that uses its field."""
        path = _subject(subject_id) + "/attachments/" + quote(attachment_id, safe="")
        return self._request("GET", path, params={"purpose": purpose}).content

    def delete_attachment(self, subject_id: str, attachment_id: str) -> None:
        """Deletes one file of the subject."""
        self._call("DELETE", _subject(subject_id) + "/attachments/" + quote(attachment_id, safe=""))

    # -- complaints: a subject's session files and follows; a staff session records and works --

    def file_complaint(
        self,
        category: str,
        description: str,
        *,
        contact_email: str | None = None,
        contact_phone: str | None = None,
        complexity: str | None = None,
        language: str = "vi",
    ) -> dict[str, Any]:
        """With a subject's session: files a complaint → it, with `due_at` and `history`."""
        body = _complaint_body(
            category, description, contact_email, contact_phone, complexity, language
        )
        return self._call("POST", "/me/complaints", json=body)

    def my_complaints(self) -> list[dict[str, Any]]:
        """With a subject's session: their complaints, oldest first, each with its history."""
        found: list[dict[str, Any]] = self._call("GET", "/me/complaints")["complaints"]
        return found

    def my_complaint(self, complaint_id: str) -> dict[str, Any]:
        """With a subject's session: one of their complaints, its status and history."""
        return self._call("GET", "/me/complaints/" + quote(complaint_id, safe=""))

    def record_complaint(
        self,
        subject_id: str,
        channel: str,
        received_at: dt.datetime,
        category: str,
        description: str,
        *,
        contact_email: str | None = None,
        contact_phone: str | None = None,
        complexity: str | None = None,
        language: str = "vi",
    ) -> dict[str, Any]:
        """With a staff session: records a complaint received by `channel` (hotline, email,
        post, in_person) at `received_at` (aware; not in the future) → it."""
        body = _complaint_body(
            category, description, contact_email, contact_phone, complexity, language
        )
        body |= {
            "subject_id": subject_id,
            "channel": channel,
            "received_at": received_at.isoformat(),
        }
        return self._call("POST", "/complaints", json=body)

    def complaint_queue(
        self, state: str | None = None, overdue: bool = False
    ) -> list[dict[str, Any]]:
        """With a staff session: open complaints (or those in `state`), least time left first."""
        params: dict[str, Any] = {"overdue": overdue}
        if state is not None:
            params["state"] = state
        found: list[dict[str, Any]] = self._call("GET", "/complaints", params=params)["complaints"]
        return found

    def complaint(self, complaint_id: str) -> dict[str, Any]:
        """With a staff session: one complaint with its history."""
        return self._call("GET", "/complaints/" + quote(complaint_id, safe=""))

    def complaint_step(
        self, complaint_id: str, action: str, note: str | None = None
    ) -> dict[str, Any]:
        """With a staff session: acknowledge, investigate, resolve, mediate, agree or escalate,
        with the note the complainant is told → the complaint."""
        path = "/complaints/" + quote(complaint_id, safe="") + "/transitions"
        return self._call("POST", path, json={"action": action, "note": note})

    def alerts(
        self, kind: str | None = None, include_acknowledged: bool = False
    ) -> list[dict[str, Any]]:
        """With a staff session: alerts, newest first; open ones unless `include_acknowledged`."""
        params: dict[str, Any] = {"include_acknowledged": include_acknowledged}
        if kind is not None:
            params["kind"] = kind
        found: list[dict[str, Any]] = self._call("GET", "/alerts", params=params)["alerts"]
        return found

    def acknowledge_alert(self, alert_id: str) -> dict[str, Any]:
        """With a staff session: records that you saw the alert → it."""
        return self._call("POST", "/alerts/" + quote(alert_id, safe="") + "/acknowledge")

    # -- service locks: a staff session locks and unlocks; a subject's session reads its own --

    def lock_service(self, subject_id: str, violation: str, evidence: str) -> dict[str, Any]:
        """With a staff session: locks the subject's service for a violation the policy lists,
        with the evidence note → the lock; the subject is emailed why."""
        path = "/subjects/" + quote(subject_id, safe="") + "/locks"
        return self._call("POST", path, json={"violation": violation, "evidence": evidence})

    def unlock_service(self, subject_id: str, lock_id: str, note: str) -> dict[str, Any]:
        """With a staff session: ends the subject's open lock, with a note → the lock."""
        path = f"/subjects/{quote(subject_id, safe='')}/locks/{quote(lock_id, safe='')}/unlock"
        return self._call("POST", path, json={"note": note})

    def service_locks(self, subject_id: str, language: str = "vi") -> list[dict[str, Any]]:
        """With a staff session: the subject's locks, oldest first, with staff's notes."""
        path = "/subjects/" + quote(subject_id, safe="") + "/locks"
        found: list[dict[str, Any]] = self._call("GET", path, params={"language": language})[
            "locks"
        ]
        return found

    def my_locks(self, language: str = "vi") -> list[dict[str, Any]]:
        """With a subject's session: their locks, each with the reason in `language`."""
        found: list[dict[str, Any]] = self._call("GET", "/me/locks", params={"language": language})[
            "locks"
        ]
        return found

    def health(self) -> dict[str, Any]:
        """`{"status": "ok"}` when the server answers."""
        return self._call("GET", "/health")

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self._request(method, path, **kwargs)
        return {} if response.status_code == 204 else _json(response)

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self._http.request(method, path, **kwargs)
        if response.is_success:
            return response
        error = _json(response).get("error")
        if not isinstance(error, dict):
            raise ApiError(response.status_code, "http_error", message=response.reason_phrase)
        raise ApiError(
            response.status_code,
            str(error.get("code", "error")),
            error.get("field"),
            error.get("rule"),
            str(error.get("message", "")),
            reason=error.get("reason"),
        )


def _complaint_body(
    category: str,
    description: str,
    contact_email: str | None,
    contact_phone: str | None,
    complexity: str | None,
    language: str,
) -> dict[str, Any]:
    body: dict[str, Any] = {"category": category, "description": description, "language": language}
    optional = {"contact_email": contact_email, "contact_phone": contact_phone,
                "complexity": complexity}  # fmt: skip
    return body | {k: v for k, v in optional.items() if v is not None}


def _subject(subject_id: str) -> str:
    # An id is one path segment, whatever it holds.
    return "/subjects/" + quote(subject_id, safe="")


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
