"""What an imported draft leaves for a person to decide, in Vietnamese and English.

    review(draft) -> [Review("organisation.tax_code", "the text states no tax code ...",
                             "văn bản không nêu mã số thuế ...", None), ...]

An item is flagged when the text does not state it, states it ambiguously, or
when the policy format asks for a decision prose never records (a legal basis,
the subject types, the texts in the other language).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from baomat.policy.importer import Draft


@dataclass(frozen=True)
class Review:
    """One thing to check or decide: the policy key, the reason in both languages, the line."""

    key: str
    en: str
    vi: str
    line: int | None = None


def review(draft: Draft) -> Iterator[Review]:
    """Every review item of `draft`, in the order of the policy file's keys."""
    yield Review("tenant", "choose the tenant id", "chọn mã tenant")
    yield Review("last_updated", "give the date of this version", "ghi ngày của phiên bản này")
    other = "en" if draft.language == "vi" else "vi"
    yield Review(
        "languages",
        f"every text is in '{draft.language}' only: write the '{other}' texts",
        f"mọi văn bản chỉ có bản '{draft.language}': cần viết bản '{other}'",
    )
    yield from _contact(draft)
    yield from _fields(draft)
    yield from _purposes(draft)
    yield from _recipients(draft)
    yield from _retention(draft)
    yield from _complaints(draft)
    yield from _access(draft)
    yield Review(
        "change_notice",
        "choose how people are told of changes (change_notice.mode)",
        "chọn cách báo cho mọi người khi chính sách thay đổi (change_notice.mode)",
    )


_CONTACT_ITEMS = {
    "organisation": ("organisation.name", "organisation name", "tên tổ chức"),
    "address": ("organisation.address", "organisation address", "địa chỉ tổ chức"),
    "tax_code": ("organisation.tax_code", "tax code", "mã số thuế"),
}


def _contact(draft: Draft) -> Iterator[Review]:
    unchecked = draft.contact.unchecked_tax_code
    for attribute, (key, en, vi) in _CONTACT_ITEMS.items():
        if getattr(draft.contact, attribute) is not None:
            continue
        if attribute == "tax_code" and unchecked is not None:
            yield Review(
                key,
                "the number after the tax-code label fails the tax-code check digit: "
                "copy the tax code from the business registration",
                "số sau nhãn mã số thuế sai chữ số kiểm tra: "
                "chép lại mã số thuế từ giấy đăng ký doanh nghiệp",
                unchecked.line,
            )
        else:
            yield Review(key, f"the text states no {en}", f"văn bản không nêu {vi}")
    for line in draft.contact.hidden_emails:
        yield Review(
            "organisation.emails",
            "an email address is hidden on the page ('[email protected]'): copy it from the site",
            "địa chỉ email bị ẩn trên trang ('[email protected]'): chép lại từ website",
            line,
        )
    if not draft.contact.phones:
        yield Review(
            "organisation.phones",
            "the text states no phone number",
            "văn bản không nêu số điện thoại",
        )
    if not draft.contact.emails and not draft.contact.hidden_emails:
        yield Review(
            "organisation.emails",
            "the text states no email address",
            "văn bản không nêu địa chỉ email",
        )


def _fields(draft: Draft) -> Iterator[Review]:
    if not draft.fields:
        yield Review(
            "subject_types",
            "no data field is named in a collection sentence: list the fields by hand",
            "không câu nào về thu thập nêu trường dữ liệu: cần liệt kê các trường",
        )
        return
    yield Review(
        "subject_types",
        "put the fields under the subject types the text names (one 'subject' for now); "
        "check required, searchable and each type and category",
        "xếp các trường vào đúng loại chủ thể văn bản nêu (tạm gộp trong 'subject'); "
        "kiểm tra required, searchable, kiểu và nhóm dữ liệu của từng trường",
    )


def _purposes(draft: Draft) -> Iterator[Review]:
    if not draft.purposes:
        yield Review(
            "purposes",
            "no purpose list found: write the purposes",
            "không tìm thấy danh sách mục đích",
        )
        return
    open_ = sum(p.legal_basis is None for p in draft.purposes)
    yield Review(
        "purposes",
        f"choose the fields of every purpose, and the legal basis and consent of {open_} of them",
        f"chọn các trường cho mọi mục đích, và căn cứ pháp lý cùng cách lấy đồng ý "
        f"cho {open_} mục đích",
    )


def _recipients(draft: Draft) -> Iterator[Review]:
    for recipient in draft.recipients:
        if len(recipient.kinds) != 1:
            yield Review(
                "recipients",
                f"the kind of this recipient is unclear ({' or '.join(recipient.kinds)})",
                f"chưa rõ loại bên nhận này ({' hoặc '.join(recipient.kinds)})",
                recipient.name.line,
            )
    if draft.recipients:
        yield Review(
            "recipients",
            "give each recipient's fields and purposes",
            "ghi trường và mục đích cho mỗi bên nhận",
        )
    else:
        yield Review("recipients", "the text names no recipient", "văn bản không nêu bên nhận nào")


def _retention(draft: Draft) -> Iterator[Review]:
    found = draft.retention
    line = found.phrases[0].line if found.phrases else None
    if not found.phrases:
        yield Review(
            "retention", "the text states no retention period", "văn bản không nêu thời hạn lưu trữ"
        )
    elif found.counted_from is not None:
        # RetentionTrigger counts a period only from account closure (after_closure); a last
        # purchase, a contract's end or a visit is another event, and calling it closure would
        # put words in the text's mouth.
        yield Review(
            "retention",
            f"'{found.counted_from.value}': a period counted from an event baomat's retention "
            "rules do not name (they count only from account closure): choose the rule and say "
            "the event in its note",
            f"'{found.counted_from.value}': thời hạn tính từ một sự kiện mà quy tắc lưu trữ của "
            "baomat không có (chỉ tính từ khi đóng tài khoản): chọn quy tắc và ghi sự kiện "
            "vào note",
            found.counted_from.line,
        )
    elif len(found.triggers) != 1:
        yield Review(
            "retention",
            "no single retention rule can be read: " + (", ".join(found.triggers) or "none named"),
            "không đọc được một quy tắc lưu trữ duy nhất: "
            + (", ".join(found.triggers) or "không có"),
            line,
        )
    elif found.triggers == ("after_closure",) and found.period is None:
        yield Review(
            "retention",
            "after closure, but for how long is not stated",
            "sau khi đóng tài khoản, nhưng không nêu bao lâu",
            line,
        )
    elif found.triggers == ("while_needed",):
        yield Review(
            "retention",
            "choose how often the need is reviewed (review_every)",
            "chọn chu kỳ xem xét lại (review_every)",
            line,
        )


def _complaints(draft: Draft) -> Iterator[Review]:
    if not draft.channels:
        yield Review(
            "complaints.channels",
            "the text names no way to complain",
            "văn bản không nêu cách khiếu nại",
        )
    for channel in draft.channels:
        if channel.value is None:
            yield Review(
                "complaints.channels",
                f"the {channel.kind} channel is named without its address or number",
                f"kênh {channel.kind} được nêu mà không có địa chỉ hay số",
                channel.source.line,
            )
    if draft.deadline is None:
        yield Review(
            "complaints.deadline",
            "the text states no deadline for complaints",
            "văn bản không nêu thời hạn giải quyết khiếu nại",
        )


def _access(draft: Draft) -> Iterator[Review]:
    if draft.access.mode is None:
        yield Review(
            "subject_access.mode",
            "the text does not say how people see and correct their data",
            "văn bản không nêu cách người dùng xem và sửa dữ liệu của mình",
        )
    if not draft.access.legal_right:
        yield Review(
            "subject_access.identity_proof",
            "choose how a requester proves who they are",
            "chọn cách người yêu cầu chứng minh danh tính",
        )
