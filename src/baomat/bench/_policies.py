"""The bench tenant's policies: five encrypted, indexed fields of one subject type.

`STORE` serves the store and audit figures; `DECISIONS` adds an opt-in
purpose, a legal obligation and two recipients, so that decisions reach
every rule; `RETENTION` keeps closed accounts a year, at least two years
and at most ten from creation, so that the sweep meets every branch.
"""

from __future__ import annotations

import yaml

from baomat.policy.loader import parse_policy
from baomat.policy.model import Policy

STORE: dict[str, object] = {
    "format": "baomat/policy@1",
    "tenant": "bench",
    "version": 1,
    "last_updated": "2026-01-01",
    "organisation": {
        "name": {"vi": "Công ty Đo", "en": "Bench Co"},
        "address": {"vi": "Hà Nội", "en": "Hanoi"},
    },
    "subject_types": [
        {
            "id": "customer",
            "name": {"vi": "Khách hàng", "en": "Customer"},
            "fields": [
                {"id": fid, "label": {"vi": fid, "en": fid}, "type": ftype,
                 "category": cat, "sensitivity": "basic", "required": True, "searchable": True}
                for fid, ftype, cat in (
                    ("full_name", "text", "name"),
                    ("phone", "phone", "contact"),
                    ("email", "email", "contact"),
                    ("address", "address", "address"),
                    ("citizen_id", "citizen_id", "identification"),
                )
            ],
        }
    ],
    "purposes": [
        {"id": "service", "text": {"vi": "Cung cấp dịch vụ", "en": "Provide the service"},
         "legal_basis": "contract", "consent": "not_needed",
         "fields": ["full_name", "phone", "email", "address", "citizen_id"]}
    ],
    "retention": [{"id": "until_cancelled", "trigger": "until_cancelled"}],
    "subject_access": {"mode": "self_service", "identity_proof": "login"},
    "complaints": {},
    "change_notice": {"mode": "email_on_material_change"},
}  # fmt: skip

DECISIONS: dict[str, object] = {
    **STORE,
    "purposes": [
        {"id": "service", "text": {"vi": "Cung cấp dịch vụ", "en": "Provide the service"},
         "legal_basis": "contract", "consent": "not_needed",
         "fields": ["full_name", "phone", "email", "address", "citizen_id"]},
        {"id": "marketing_email", "text": {"vi": "Gửi thư quảng cáo", "en": "Marketing email"},
         "legal_basis": "consent", "consent": "opt_in", "fields": ["full_name", "email"]},
        {"id": "authority_requests",
         "text": {"vi": "Cung cấp cho cơ quan có thẩm quyền", "en": "Answer authorities"},
         "legal_basis": "legal_obligation", "consent": "not_needed",
         "fields": ["full_name", "phone", "email", "address", "citizen_id"]},
    ],
    "recipients": [
        {"id": "mail_partner", "name": {"vi": "Đối tác gửi thư", "en": "Mailing partner"},
         "kind": "partner", "fields": ["full_name", "email"], "purposes": ["marketing_email"],
         "contract": {"reference": "HD-1", "valid_from": "2025-01-01",
                      "valid_until": "2027-12-31"}},
        {"id": "police", "name": {"vi": "Công an", "en": "Police"}, "kind": "state_agency",
         "fields": "all", "purposes": ["authority_requests"], "on_request_only": True},
    ],
}  # fmt: skip

RETENTION: dict[str, object] = {
    **STORE,
    "retention": [
        {"id": "year_after_closure", "trigger": "after_closure",
         "period": {"amount": 1, "unit": "years"},
         "min_keep": {"amount": 2, "unit": "years"}, "max_keep": {"amount": 10, "unit": "years"}},
    ],
}  # fmt: skip


def document(data: dict[str, object]) -> tuple[Policy, str]:
    """A policy as data → (the Policy, its YAML text), as a server parses it back from the store."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return parse_policy(text, f"{data['tenant']}.yaml"), text
