"""A policy as the plain-text privacy notice people read, in Vietnamese or English.

The sections follow what Decree 52/2013 Art. 69 and Decree 13 Art. 13 ask a
notice to say (LAW.md "What a privacy policy must contain"): who collects and
how to reach them, what is collected (sensitive data marked), why and on what
legal basis, who receives it (abroad too), how long it is kept, how to see and
change it, complaints, changes, security, and when the policy last changed.

    render(policy, "en") -> "Privacy policy — Demo Shop Co., Ltd.\\n=====...\\n\\n1. Who ..."
"""

from __future__ import annotations

from typing import Literal

from baomat.policy.model import (
    ComplaintDeadline,
    Duration,
    LocalText,
    Policy,
    RetentionRule,
    RetentionTrigger,
    Sensitivity,
)

Lang = Literal["vi", "en"]

_LABELS: dict[str, dict[Lang, str]] = {
    "title": {"vi": "Chính sách bảo vệ dữ liệu cá nhân", "en": "Privacy policy"},
    "who": {"vi": "Đơn vị thu thập và quản lý dữ liệu", "en": "Who collects and manages your data"},
    "address": {"vi": "Địa chỉ", "en": "Address"},
    "tax_code": {"vi": "Mã số thuế", "en": "Tax code"},
    "contact_unit": {"vi": "Bộ phận liên hệ", "en": "Contact"},
    "phones": {"vi": "Điện thoại", "en": "Phone"},
    "emails": {"vi": "Email", "en": "Email"},
    "website": {"vi": "Trang web", "en": "Website"},
    "representative": {"vi": "Người đại diện theo pháp luật", "en": "Legal representative"},
    "data": {"vi": "Dữ liệu chúng tôi thu thập", "en": "Data we collect"},
    "required": {"vi": "bắt buộc", "en": "required"},
    "optional": {"vi": "không bắt buộc", "en": "optional"},
    "sensitive": {"vi": "NHẠY CẢM", "en": "SENSITIVE"},
    "sensitive_note": {
        "vi": "Dữ liệu đánh dấu NHẠY CẢM là dữ liệu cá nhân nhạy cảm theo pháp luật Việt Nam.",
        "en": "Data marked SENSITIVE is sensitive personal data under Vietnamese law.",
    },
    "purposes": {"vi": "Mục đích sử dụng dữ liệu", "en": "Why we use your data"},
    "legal_basis": {"vi": "Cơ sở pháp lý", "en": "Legal basis"},
    "consent": {"vi": "Sự đồng ý", "en": "Consent"},
    "data_used": {"vi": "Dữ liệu sử dụng", "en": "Data used"},
    "channels": {"vi": "Kênh liên lạc", "en": "Channels"},
    "recipients": {"vi": "Ai được nhận dữ liệu của bạn", "en": "Who may receive your data"},
    "no_recipients": {
        "vi": "Chúng tôi không chia sẻ dữ liệu của bạn với bên nào khác.",
        "en": "We share your data with no one else.",
    },
    "all_data": {"vi": "toàn bộ dữ liệu", "en": "all data"},
    "under_contract": {"vi": "theo hợp đồng", "en": "under contract"},
    "on_request_only": {"vi": "chỉ khi có yêu cầu chính thức", "en": "only on a formal request"},
    "abroad": {"vi": "chuyển ra nước ngoài", "en": "sent abroad"},
    "retention": {"vi": "Thời gian lưu trữ", "en": "How long we keep your data"},
    "applies_to": {"vi": "áp dụng cho", "en": "applies to"},
    "at_least": {"vi": "tối thiểu", "en": "at least"},
    "at_most": {"vi": "tối đa", "en": "at most"},
    "access": {"vi": "Xem và chỉnh sửa dữ liệu của bạn", "en": "Seeing and changing your data"},
    "how": {"vi": "Cách thực hiện", "en": "How"},
    "identity": {"vi": "Xác minh danh tính", "en": "Identity check"},
    "rights": {"vi": "Bạn có quyền", "en": "You may"},
    "complaints": {"vi": "Khiếu nại", "en": "Complaints"},
    "deadline": {"vi": "Thời hạn trả lời", "en": "Answered within"},
    "steps": {"vi": "Cách giải quyết", "en": "How complaints are settled"},
    "changes": {"vi": "Thay đổi chính sách", "en": "Changes to this policy"},
    "security": {"vi": "Bảo vệ dữ liệu", "en": "How we protect your data"},
    "breach_authority": {
        "vi": "Khi xảy ra sự cố lộ, mất dữ liệu, chúng tôi báo cho cơ quan có thẩm quyền.",
        "en": "If your data is leaked or lost, we report it to the authorities.",
    },
    "breach_subjects": {
        "vi": "Khi xảy ra sự cố lộ, mất dữ liệu, chúng tôi thông báo cho bạn.",
        "en": "If your data is leaked or lost, we tell you.",
    },
    "no_tracking": {
        "vi": "Không có bên thứ ba nào theo dõi bạn trên trang của chúng tôi.",
        "en": "No third party tracks you on our pages.",
    },
    "tracking": {
        "vi": "Trang của chúng tôi có công cụ theo dõi của bên thứ ba.",
        "en": "Our pages carry third-party tracking.",
    },
    "last_updated": {"vi": "Cập nhật lần cuối", "en": "Last updated"},
    "version": {"vi": "phiên bản", "en": "version"},
    # enum values, keyed by their value in the policy file
    "consent.opt_in": {"vi": "chỉ khi bạn đồng ý", "en": "only if you agree"},
    "consent.not_needed": {"vi": "không cần", "en": "not needed"},
    "basis.consent": {"vi": "sự đồng ý của bạn", "en": "your consent"},
    "basis.contract": {"vi": "thực hiện hợp đồng với bạn", "en": "our contract with you"},
    "basis.legal_obligation": {"vi": "nghĩa vụ theo pháp luật", "en": "a legal obligation"},
    "basis.vital_interest": {
        "vi": "bảo vệ tính mạng, sức khỏe",
        "en": "protecting life and health",
    },
    "basis.public_interest": {"vi": "lợi ích công cộng", "en": "the public interest"},
    "basis.state_function": {"vi": "hoạt động của cơ quan nhà nước", "en": "state functions"},
    "kind.internal": {"vi": "bộ phận nội bộ", "en": "internal department"},
    "kind.processor": {"vi": "bên xử lý dữ liệu", "en": "processor"},
    "kind.partner": {"vi": "đối tác", "en": "partner"},
    "kind.state_agency": {"vi": "cơ quan nhà nước", "en": "state agency"},
    "kind.integrated_third_party": {"vi": "bên thứ ba tích hợp", "en": "integrated third party"},
    "unit.hours": {"vi": "giờ", "en": "hour|hours"},
    "unit.days": {"vi": "ngày", "en": "day|days"},
    "unit.working_days": {"vi": "ngày làm việc", "en": "working day|working days"},
    "unit.months": {"vi": "tháng", "en": "month|months"},
    "unit.years": {"vi": "năm", "en": "year|years"},
    "trigger.until_cancelled": {
        "vi": "cho đến khi bạn hủy tài khoản hoặc yêu cầu hủy",
        "en": "until you cancel your account or ask us to",
    },
    "trigger.after_closure": {
        "vi": "thêm {period} sau khi tài khoản đóng",
        "en": "for {period} after your account is closed",
    },
    "trigger.while_needed": {
        "vi": "trong thời gian còn cần cho mục đích sử dụng, xem xét lại mỗi {review}",
        "en": "as long as it is needed, reviewed every {review}",
    },
    "mode.self_service": {"vi": "bạn tự thực hiện", "en": "yourself"},
    "mode.assisted": {"vi": "qua nhân viên của chúng tôi", "en": "through our staff"},
    "mode.both": {"vi": "tự thực hiện hoặc qua nhân viên", "en": "yourself or through our staff"},
    "proof.login": {"vi": "đăng nhập tài khoản", "en": "signing in to your account"},
    "proof.verified_by_staff": {"vi": "nhân viên xác minh", "en": "checked by our staff"},
    "proof.legal_right": {
        "vi": "chứng minh quyền hợp pháp đối với dữ liệu",
        "en": "proof of your legal right to the data",
    },
    "right.access": {"vi": "xem", "en": "see"},
    "right.export": {"vi": "tải về", "en": "export"},
    "right.correct": {"vi": "chỉnh sửa", "en": "correct"},
    "right.delete": {"vi": "xóa", "en": "delete"},
    "right.withdraw": {"vi": "rút lại sự đồng ý", "en": "withdraw consent"},
    "right.restrict": {"vi": "hạn chế xử lý", "en": "restrict processing"},
    "right.object": {"vi": "phản đối xử lý", "en": "object to processing"},
    "channel.hotline": {"vi": "Đường dây nóng", "en": "Hotline"},
    "channel.email": {"vi": "Email", "en": "Email"},
    "channel.post": {"vi": "Thư", "en": "Post"},
    "channel.in_person": {"vi": "Trực tiếp", "en": "In person"},
    "channel.web": {"vi": "Trang web", "en": "Website"},
    "via.email": {"vi": "email", "en": "email"},
    "via.post": {"vi": "thư", "en": "post"},
    "via.phone": {"vi": "điện thoại", "en": "phone"},
    "via.sms": {"vi": "tin nhắn SMS", "en": "SMS"},
    "via.web": {"vi": "trang web", "en": "website"},
    "via.app": {"vi": "ứng dụng", "en": "app"},
    "step.negotiation": {"vi": "thương lượng", "en": "negotiation"},
    "step.mediation": {"vi": "hòa giải", "en": "mediation"},
    "step.court": {"vi": "tòa án", "en": "court"},
    "change.email_on_material_change": {
        "vi": "Khi có thay đổi quan trọng, chúng tôi gửi email báo cho bạn.",
        "en": "We email you about every material change.",
    },
    "change.continued_use": {
        "vi": "Thay đổi được đăng trên trang; tiếp tục sử dụng dịch vụ là chấp nhận thay đổi.",
        "en": "Changes are posted on the site; using the service afterwards accepts them.",
    },
    "change.fresh_consent": {
        "vi": "Khi chính sách thay đổi, chúng tôi xin lại sự đồng ý của bạn.",
        "en": "When the policy changes, we ask for your consent again.",
    },
}


def label(key: str, lang: Lang) -> str:
    """("deadline", "vi") -> "Thời hạn trả lời"."""
    return _LABELS[key][lang]


def render(policy: Policy, lang: Lang) -> str:
    """A Policy -> its privacy notice as plain text in `lang`, ending with a newline."""
    title = f"{label('title', lang)} — {policy.organisation.name.in_(lang)}"
    sections = [
        ("who", _organisation(policy, lang)),
        ("data", _data(policy, lang)),
        ("purposes", _purposes(policy, lang)),
        ("recipients", _recipients(policy, lang)),
        ("retention", [_retention(rule, policy, lang) for rule in policy.retention]),
        ("access", _access(policy, lang)),
        ("complaints", _complaints(policy, lang)),
        ("changes", _changes(policy, lang)),
        ("security", _security(policy, lang)),
    ]
    out = [title, "=" * len(title)]
    for number, (key, lines) in enumerate(sections, start=1):
        out += ["", f"{number}. {label(key, lang)}", *(f"   {line}" for line in lines)]
    updated = policy.last_updated
    when = updated.strftime("%d/%m/%Y") if lang == "vi" else updated.isoformat()
    out += [
        "",
        f"{label('last_updated', lang)}: {when} ({label('version', lang)} {policy.version})",
    ]
    return "\n".join(out) + "\n"


def _organisation(policy: Policy, lang: Lang) -> list[str]:
    org = policy.organisation
    lines = [org.name.in_(lang), f"{label('address', lang)}: {org.address.in_(lang)}"]
    if org.tax_code:
        lines.append(f"{label('tax_code', lang)}: {org.tax_code}")
    if org.legal_representative:
        lines.append(f"{label('representative', lang)}: {org.legal_representative}")
    if org.contact_unit:
        lines.append(f"{label('contact_unit', lang)}: {org.contact_unit.in_(lang)}")
    for key, values in (("phones", org.phones), ("emails", org.emails)):
        if values:
            lines.append(f"{label(key, lang)}: {', '.join(values)}")
    if org.website:
        lines.append(f"{label('website', lang)}: {org.website}")
    return lines


def _data(policy: Policy, lang: Lang) -> list[str]:
    lines: list[str] = []
    for st in policy.subject_types:
        lines.append(f"{st.name.in_(lang)}:")
        for spec in st.fields:
            marks = [label("required" if spec.required else "optional", lang)]
            if spec.sensitivity is Sensitivity.SENSITIVE:
                marks.append(label("sensitive", lang))
            lines.append(f"  - {spec.label.in_(lang)} ({', '.join(marks)})")
    if any(
        f.sensitivity is Sensitivity.SENSITIVE for st in policy.subject_types for f in st.fields
    ):
        lines.append(label("sensitive_note", lang))
    return lines


def _field_names(policy: Policy, ids: list[str], lang: Lang) -> str:
    labels: dict[str, LocalText] = {}
    for st in policy.subject_types:
        for spec in st.fields:
            labels.setdefault(spec.id, spec.label)
    return ", ".join(labels[i].in_(lang) if i in labels else i for i in ids)


def _purposes(policy: Policy, lang: Lang) -> list[str]:
    lines: list[str] = []
    for purpose in policy.purposes:
        lines += [
            f"- {purpose.text.in_(lang)}",
            f"  {label('legal_basis', lang)}: {label('basis.' + purpose.legal_basis, lang)}; "
            f"{label('consent', lang)}: {label('consent.' + purpose.consent, lang)}",
            f"  {label('data_used', lang)}: {_field_names(policy, purpose.fields, lang)}",
        ]
        if purpose.channels:
            via = ", ".join(label("via." + c, lang) for c in purpose.channels)
            lines.append(f"  {label('channels', lang)}: {via}")
    return lines


def _recipients(policy: Policy, lang: Lang) -> list[str]:
    if not policy.recipients:
        return [label("no_recipients", lang)]
    lines: list[str] = []
    for rec in policy.recipients:
        notes = [label("kind." + rec.kind, lang)]
        if rec.contract is not None:
            notes.append(label("under_contract", lang))
        if rec.on_request_only:
            notes.append(label("on_request_only", lang))
        if rec.abroad:
            notes.append(f"{label('abroad', lang)}: {', '.join(rec.countries)}")
        scope = (
            label("all_data", lang)
            if rec.fields == "all"
            else _field_names(policy, rec.fields, lang)
        )
        lines += [f"- {rec.name.in_(lang)} ({'; '.join(notes)})", f"  {scope}"]
    return lines


def _duration(duration: Duration, lang: Lang) -> str:
    """({amount: 1, unit: years}, "en") -> "1 year"; ("vi") -> "1 năm"."""
    return _count(duration.amount, str(duration.unit), lang)


def _count(amount: int | str, unit: str, lang: Lang) -> str:
    singular, _, plural = label("unit." + unit, lang).partition("|")
    return f"{amount} {singular if amount == 1 or not plural else plural}"


def _retention(rule: RetentionRule, policy: Policy, lang: Lang) -> str:
    period = _duration(rule.period, lang) if rule.period else ""
    review = _duration(rule.review_every, lang) if rule.review_every else ""
    text = label("trigger." + rule.trigger, lang).format(period=period, review=review)
    if rule.trigger is RetentionTrigger.WHILE_NEEDED and not review:
        # only a policy that skipped the rules lacks it; drop the ", reviewed every" clause
        text = text.split(",")[0]
    extra = [
        f"{label(key, lang)} {_duration(d, lang)}"
        for key, d in (("at_least", rule.min_keep), ("at_most", rule.max_keep))
        if d is not None
    ]
    if rule.subject_types:
        names = [t.name.in_(lang) for t in policy.subject_types if t.id in rule.subject_types]
        extra.append(f"{label('applies_to', lang)}: {', '.join(names)}")
    note = f" {rule.note.in_(lang)}" if rule.note else ""
    text = text[:1].upper() + text[1:]
    return f"- {text}" + (f" ({'; '.join(extra)})" if extra else "") + "." + note


def _access(policy: Policy, lang: Lang) -> list[str]:
    access = policy.subject_access
    rights = ", ".join(label("right." + r, lang) for r in access.rights)
    lines = [
        f"{label('rights', lang)}: {rights}.",
        f"{label('how', lang)}: {label('mode.' + access.mode, lang)}; "
        f"{label('identity', lang)}: {label('proof.' + access.identity_proof, lang)}.",
    ]
    return lines + ([access.note.in_(lang)] if access.note else [])


def _deadline(deadline: ComplaintDeadline, lang: Lang) -> str:
    if deadline.amount is not None:
        return _count(deadline.amount, str(deadline.unit), lang)
    return _count(f"{deadline.min}–{deadline.max}", str(deadline.unit), lang)


def _complaints(policy: Policy, lang: Lang) -> list[str]:
    complaints = policy.complaints
    lines = [
        f"- {label('channel.' + c.kind, lang)}" + (f": {c.value}" if c.value else "")
        for c in complaints.channels
    ]
    if complaints.deadline is not None:
        lines.append(f"{label('deadline', lang)}: {_deadline(complaints.deadline, lang)}")
    if complaints.steps:
        steps = " → ".join(label("step." + s, lang) for s in complaints.steps)
        lines.append(f"{label('steps', lang)}: {steps}")
    return lines + ([complaints.note.in_(lang)] if complaints.note else [])


def _changes(policy: Policy, lang: Lang) -> list[str]:
    notice = policy.change_notice
    lines = [label("change." + notice.mode, lang)]
    return lines + ([notice.note.in_(lang)] if notice.note else [])


def _security(policy: Policy, lang: Lang) -> list[str]:
    security = policy.security
    lines = [f"- {m.text.in_(lang)}" for m in security.measures]
    breach = security.breach
    if breach is not None:
        if breach.notify_authority:
            lines.append(label("breach_authority", lang))
        if breach.notify_subjects:
            lines.append(label("breach_subjects", lang))
        if breach.text:
            lines.append(breach.text.in_(lang))
    lines.append(label("tracking" if security.third_party_tracking else "no_tracking", lang))
    return lines
