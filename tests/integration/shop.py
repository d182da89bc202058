"""A small tenant for store tests: one subject type, two purposes."""

from __future__ import annotations

import datetime as dt

AT = dt.datetime(2026, 2, 13, 9, 30, tzinfo=dt.UTC)

SHOP = {
    "format": "baomat/policy@1",
    "tenant": "shop",
    "version": 1,
    "last_updated": "2026-01-01",
    "organisation": {
        "name": {"vi": "Cửa hàng Thử", "en": "Test Shop"},
        "address": {"vi": "25 Ngô Quyền, Hà Nội", "en": "25 Ngo Quyen, Hanoi"},
    },
    "subject_types": [
        {
            "id": "member",
            "name": {"vi": "Thành viên", "en": "Member"},
            "fields": [
                {"id": "full_name", "label": {"vi": "Họ tên", "en": "Full name"},
                 "type": "text", "category": "name", "sensitivity": "basic", "required": True},
                {"id": "email", "label": {"vi": "Thư điện tử", "en": "Email"}, "type": "email",
                 "category": "contact", "sensitivity": "basic", "required": True,
                 "searchable": True},
                {"id": "phone", "label": {"vi": "Điện thoại", "en": "Phone"}, "type": "phone",
                 "category": "contact", "sensitivity": "basic", "searchable": True},
            ],
        }
    ],
    "purposes": [
        {"id": "service", "text": {"vi": "Cung cấp dịch vụ", "en": "Provide the service"},
         "legal_basis": "contract", "consent": "not_needed",
         "fields": ["full_name", "email", "phone"]},
        {"id": "marketing_email", "text": {"vi": "Gửi thư quảng cáo", "en": "Marketing email"},
         "legal_basis": "consent", "consent": "opt_in", "fields": ["email"]},
    ],
    "retention": [{"id": "until_cancelled", "trigger": "until_cancelled"}],
    "subject_access": {"mode": "self_service", "identity_proof": "login"},
    "complaints": {},
    "change_notice": {"mode": "email_on_material_change"},
}  # fmt: skip
