"""The words policies use for data fields and cues, mapped onto baomat's types and categories.

    FIELD_TERMS["so dien thoai di dong"] -> ("mobile",)
    FIELDS["mobile"] -> FieldKind("mobile", DataType.PHONE, Category.CONTACT)

Vietnamese terms are written with diacritics and matched folded (see
`baomat.policy.prose.fold`), so that text typed without them matches too. A
term names one field or, like "date and place of issue", several.
"""

from __future__ import annotations

from dataclasses import dataclass

from baomat.policy.model import Category, DataType
from baomat.policy.prose import fold


@dataclass(frozen=True)
class FieldKind:
    """A field baomat knows by name: its id, the type of its values and its data category."""

    id: str
    type: DataType
    category: Category


# id, type, category, terms (vi and en, any order)
_FIELDS: tuple[tuple[str, DataType, Category, tuple[str, ...]], ...] = (
    ("full_name", DataType.TEXT, Category.NAME,
     ("họ và tên", "họ tên", "tên", "full name", "name")),
    ("alias", DataType.TEXT, Category.NAME, ("bí danh", "alias", "nickname")),
    ("birth_date", DataType.DATE, Category.BIRTH_DATE,
     ("ngày tháng năm sinh", "ngày sinh", "date of birth", "birth date", "birthday")),
    ("age", DataType.INTEGER, Category.BIRTH_DATE, ("độ tuổi", "tuổi", "age")),
    ("gender", DataType.CHOICE, Category.GENDER, ("giới tính", "gender", "sex")),
    ("nationality", DataType.TEXT, Category.NATIONALITY, ("quốc tịch", "nationality")),
    ("address", DataType.ADDRESS, Category.ADDRESS,
     ("địa chỉ liên lạc", "địa chỉ liên hệ", "địa chỉ nhà", "địa chỉ giao hàng", "địa chỉ",
      "home address", "postal address", "delivery address", "shipping address", "address")),
    ("email", DataType.EMAIL, Category.CONTACT,
     ("địa chỉ email", "địa chỉ thư điện tử", "thư điện tử", "email", "e-mail", "email address")),
    ("phone", DataType.PHONE, Category.CONTACT,
     ("số điện thoại", "điện thoại", "phone number", "telephone number", "phone", "telephone")),
    ("mobile", DataType.PHONE, Category.CONTACT,
     ("số điện thoại di động", "điện thoại di động", "số di động", "mobile phone number",
      "mobile number", "mobile phone")),
    ("fax", DataType.PHONE, Category.CONTACT, ("số fax", "fax", "fax number")),
    ("national_id", DataType.CITIZEN_ID, Category.IDENTIFICATION,
     ("số cmnd", "cmnd", "số cccd", "cccd", "số cmnd/cccd", "chứng minh nhân dân",
      "căn cước công dân", "id card number", "identity card number", "national id number",
      "national id", "citizen id")),
    ("passport", DataType.TEXT, Category.IDENTIFICATION,
     ("số hộ chiếu", "hộ chiếu", "passport number", "passport")),
    ("tax_code", DataType.TAX_CODE, Category.IDENTIFICATION,
     ("mã số thuế", "tax code", "tax identification number")),
    ("id_issue_date", DataType.DATE, Category.IDENTIFICATION,
     ("ngày cấp", "date of issue", "issue date")),
    ("id_issue_place", DataType.TEXT, Category.IDENTIFICATION, ("nơi cấp", "place of issue")),
    ("company_name", DataType.TEXT, Category.PROFESSIONAL,
     ("tên công ty", "tên doanh nghiệp", "company name")),
    ("company_address", DataType.ADDRESS, Category.PROFESSIONAL,
     ("địa chỉ công ty", "company address")),
    ("position", DataType.TEXT, Category.PROFESSIONAL, ("chức vụ", "job title", "position")),
    ("occupation", DataType.TEXT, Category.PROFESSIONAL, ("nghề nghiệp", "occupation")),
    ("interests", DataType.TEXT, Category.PREFERENCE, ("sở thích", "interests", "preferences")),
    ("credit_card", DataType.CARD_NUMBER, Category.FINANCIAL,
     ("số thẻ tín dụng", "thẻ tín dụng", "credit card number", "credit card")),
    ("bank_account", DataType.TEXT, Category.FINANCIAL,
     ("số tài khoản ngân hàng", "tài khoản ngân hàng", "bank account number", "bank account")),
    ("username", DataType.TEXT, Category.ACCOUNT,
     ("tên đăng nhập", "tên tài khoản", "username", "user name")),
    ("password", DataType.TEXT, Category.ACCOUNT, ("mật khẩu", "password")),
    ("reviews", DataType.LONG_TEXT, Category.USER_CONTENT,
     ("đánh giá", "reviews", "product reviews")),
    ("votes", DataType.JSON, Category.USER_CONTENT, ("bình chọn", "votes")),
    ("comments", DataType.LONG_TEXT, Category.USER_CONTENT, ("bình luận", "comments")),
    ("survey_answers", DataType.LONG_TEXT, Category.USER_CONTENT,
     ("trả lời các bảng điều tra", "bảng điều tra", "phiếu khảo sát", "survey answers",
      "survey responses")),
    ("other_declared", DataType.LONG_TEXT, Category.USER_CONTENT,
     ("thông tin khai báo khác", "other declared information")),
    ("login_times", DataType.JSON, Category.BEHAVIOUR,
     ("thời gian đăng nhập", "login times", "login time")),
    ("purchase_history", DataType.JSON, Category.BEHAVIOUR,
     ("nhật ký mua, bán hàng hóa", "nhật ký mua", "lịch sử mua hàng", "purchase history",
      "order history")),
    ("pages_viewed", DataType.JSON, Category.BEHAVIOUR,
     ("trang web thành viên đã xem", "trang đã xem", "pages viewed", "browsing history")),
    ("device_name", DataType.TEXT, Category.DEVICE, ("tên thiết bị", "device name")),
    ("operating_system", DataType.TEXT, Category.DEVICE, ("hệ điều hành", "operating system")),
    ("screen_size", DataType.TEXT, Category.DEVICE, ("kích thước màn hình", "screen size")),
    ("language", DataType.TEXT, Category.DEVICE, ("ngôn ngữ", "language")),
    ("ip_address", DataType.TEXT, Category.DEVICE, ("địa chỉ ip", "ip address")),
    ("location", DataType.TEXT, Category.LOCATION, ("vị trí", "định vị", "location")),
    ("photo", DataType.FILE, Category.IMAGE, ("ảnh chân dung", "hình ảnh cá nhân", "photo")),
    ("property_info", DataType.LONG_TEXT, Category.PROPERTY,
     ("thông tin bất động sản", "information about the seller's real estate",
      "information about the property")),
    ("legal_documents", DataType.FILE, Category.DOCUMENT,
     ("giấy tờ pháp lý", "related legal documents", "legal documents")),
    ("health", DataType.LONG_TEXT, Category.HEALTH,
     ("tình trạng sức khỏe", "thông tin sức khỏe", "health information", "medical history")),
)  # fmt: skip

FIELDS: dict[str, FieldKind] = {i: FieldKind(i, t, c) for i, t, c, _ in _FIELDS}

_COMBINED: dict[str, tuple[str, ...]] = {
    "date and place of issue": ("id_issue_date", "id_issue_place"),
    "ngày và nơi cấp": ("id_issue_date", "id_issue_place"),
    "ngày cấp, nơi cấp": ("id_issue_date", "id_issue_place"),
}

FIELD_TERMS: dict[str, tuple[str, ...]] = {
    **{fold(term): (i,) for i, _, _, terms in _FIELDS for term in terms},
    **{fold(term): ids for term, ids in _COMBINED.items()},
}
"""Folded term -> the fields it names; matched longest first, as whole words."""

COLLECTION_CUES = tuple(
    fold(cue)
    for cue in ("thu thập", "bao gồm", "các thông tin như", "collect", "including", "such as")
)
"""A sentence holding one of these (folded) lists the data a site collects."""
