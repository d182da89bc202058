"""`Client`: one method per API call; an error answer becomes an `ApiError`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx


class ApiError(Exception):
    """An error answer: its status and code, and for bad input the field and the rule broken.

    `ApiError(422, "invalid", "fields", "phone not used by purpose 'x'")`.
    Failing to reach the server at all raises httpx's own `TransportError`.
    """

    def __init__(
        self,
        status: int,
        code: str,
        field: str | None = None,
        rule: str | None = None,
        message: str = "",
    ) -> None:
        super().__init__(f"{status} {code}: {message}" if message else f"{status} {code}")
        self.status = status
        self.code = code
        self.field = field
        self.rule = rule
        self.message = message


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
        body = {"subject_type": subject_type, "values": dict(values)}
        return str(self._call("POST", "/subjects", json=body)["id"])

    def read_subject(self, subject_id: str, purpose: str, fields: Sequence[str]) -> dict[str, str]:
        """The named fields' values, read for a purpose of the policy that uses them all."""
        params = {"purpose": purpose, "fields": ",".join(fields)}
        values = self._call("GET", _subject(subject_id), params=params)["values"]
        return {str(k): str(v) for k, v in values.items()}

    def erase_subject(self, subject_id: str) -> None:
        """Erases the subject for good (their request)."""
        self._call("DELETE", _subject(subject_id))

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
        response = self._http.request(method, path, **kwargs)
        if response.is_success:
            return {} if response.status_code == 204 else _json(response)
        error = _json(response).get("error")
        if not isinstance(error, dict):
            raise ApiError(response.status_code, "http_error", message=response.reason_phrase)
        raise ApiError(
            response.status_code,
            str(error.get("code", "error")),
            error.get("field"),
            error.get("rule"),
            str(error.get("message", "")),
        )


def _subject(subject_id: str) -> str:
    # An id is one path segment, whatever it holds.
    return "/subjects/" + quote(subject_id, safe="")


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
