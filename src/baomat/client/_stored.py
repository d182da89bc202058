"""What the API answers on storing a subject's values, as plain objects.

Stored.from_json({"id": "9f2c...", "pii_found": {"review": {"handling": "flag",
                                                 "counts": {"phone": 1}}}})
-> Stored(id="9f2c...", fields=[], pii_found={"review": PiiInField("flag", {"phone": 1})})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PiiInField:
    """The personal data found in one free-text field: kinds and counts, never a value."""

    handling: str
    """`flag`: stored as written; `redact`: each find stored as `[kind]`."""
    counts: dict[str, int]
    """Kind (`phone`, `email`, `citizen_id`, ...) → how many were found."""


@dataclass(frozen=True)
class Stored:
    """A subject stored or updated: its id, the fields set or cleared (on update), and per
    free-text field the personal data found in it (empty when none was)."""

    id: str
    fields: list[str] = field(default_factory=list)
    pii_found: dict[str, PiiInField] = field(default_factory=dict)

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> Stored:
        found = body.get("pii_found") or {}
        return cls(
            id=str(body["id"]),
            fields=[str(f) for f in body.get("fields", [])],
            pii_found={
                str(name): PiiInField(
                    str(pii["handling"]), {str(k): int(n) for k, n in pii["counts"].items()}
                )
                for name, pii in found.items()
            },
        )
