"""A labelled corpus of Vietnamese reviews, comments and complaints with personal data in them.

``corpus(2000, seed=5)`` → documents, each a text and the spans of the personal
data it holds (kind, start, end). Every value is generated (Faker vi_VN and
random digits), never a real person's, and checked by the libraries that
define it, not by the scanner under test: libphonenumber for phones,
python-stdnum for tax codes and card numbers, the province table for CCCDs.
Beside the positives sit hard negatives: order ids, dates, prices, times,
quantities, product codes, phone-length numbers no plan knows, 12-digit
numbers with no province code, 16-digit numbers failing Luhn. A quarter of the
documents are typed without diacritics, some only in part.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers
from faker import Faker
from stdnum import luhn
from stdnum.vn import mst

from baomat.domain.identifiers import province_codes

KINDS = (
    "phone", "email", "citizen_id", "cmnd", "tax_code", "card_number", "bank_account", "address",
)  # fmt: skip


@dataclass(frozen=True)
class Label:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    text: str
    labels: tuple[Label, ...]


def strip_diacritics(text: str) -> str:
    """How people type without a Vietnamese keyboard: ``"Địa chỉ"`` → ``"Dia chi"``."""
    bare = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    return unicodedata.normalize("NFC", bare).replace("đ", "d").replace("Đ", "D")


# --- values --------------------------------------------------------------------------

_MOBILE_PREFIXES = (
    "32", "33", "34", "35", "36", "37", "38", "39", "70", "76", "77", "78", "79", "81", "82",
    "83", "84", "85", "86", "88", "89", "90", "91", "93", "94", "96", "97", "98", "99", "56",
    "58", "59",
)  # fmt: skip
_LANDLINES = ("24", "28", "236", "225", "251", "274")


def _valid(number: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse(number, "VN"))


def phone(rng: random.Random) -> str:
    while True:
        if rng.random() < 0.15:
            area = rng.choice(_LANDLINES)
            national = area + "".join(rng.choices("0123456789", k=10 - len(area)))
            national = national[: len(area)] + str(rng.randint(2, 9)) + national[len(area) + 1 :]
        else:
            national = rng.choice(_MOBILE_PREFIXES) + "".join(rng.choices("0123456789", k=7))
        if _valid("0" + national):
            break
    if len(national) == 10:  # landline: (028) 3850 3852 or 028 3850 3852
        area, rest = national[: len(national) - 8], national[-8:]
        return rng.choice([f"(0{area}) {rest[:4]} {rest[4:]}", f"0{area} {rest[:4]} {rest[4:]}"])
    n = national
    return rng.choice(
        [
            f"0{n}", f"0{n[:3]} {n[3:6]} {n[6:]}", f"0{n[:2]} {n[2:5]} {n[5:]}",
            f"0{n[:2]}.{n[2:5]}.{n[5:]}", f"0{n[:3]}.{n[3:6]}.{n[6:]}",
            f"0{n[:3]}-{n[3:6]}-{n[6:]}", f"+84 {n}", f"+84{n}", f"+84 {n[:2]} {n[2:5]} {n[5:]}",
            f"84{n}",
        ]
    )  # fmt: skip


def bad_phone(rng: random.Random) -> str:
    """Ten digits from 0 that no numbering plan knows (01x, 04x, 06x after the 0)."""
    while True:
        number = "0" + rng.choice("146") + "".join(rng.choices("0123456789", k=8))
        if not _valid(number):
            return number


def citizen_id(rng: random.Random) -> str:
    digits = (
        rng.choice(sorted(province_codes())) + rng.choice("0123")
        + f"{rng.randrange(100):02d}" + f"{rng.randrange(10**6):06d}"
    )  # fmt: skip
    return digits if rng.random() < 0.8 else f"{digits[:4]} {digits[4:8]} {digits[8:]}"


def bad_citizen_id(rng: random.Random) -> str:
    """Twelve digits whose first three are no province code."""
    codes = province_codes()
    while True:
        head = f"{rng.randrange(1000):03d}"
        if head not in codes and head[0] != "0":
            return head + "".join(rng.choices("0123456789", k=9))


def cmnd(rng: random.Random) -> str:
    return str(rng.randint(1, 3)) + "".join(rng.choices("0123456789", k=8))


def tax_code(rng: random.Random) -> str:
    while True:
        body = f"{rng.randint(1, 99):02d}" + "".join(rng.choices("0123456789", k=7))
        number = body + mst.calc_check_digit(body)
        if len(number) == 10 and mst.is_valid(number):
            break
    return number if rng.random() < 0.8 else f"{number}-{rng.randint(1, 20):03d}"


def card_number(rng: random.Random) -> str:
    prefix = rng.choice(["4", "51", "52", "55", "35", "9704"])
    body = prefix + "".join(rng.choices("0123456789", k=15 - len(prefix)))
    digits = body + luhn.calc_check_digit(body)
    groups = [digits[i : i + 4] for i in range(0, 16, 4)]
    return rng.choice([digits, " ".join(groups), "-".join(groups)])


def bad_card_number(rng: random.Random) -> str:
    while True:
        digits = "".join(rng.choices("0123456789", k=16))
        if not luhn.is_valid(digits):
            return digits


def bank_account(rng: random.Random) -> str:
    return str(rng.randint(1, 9)) + "".join(rng.choices("0123456789", k=rng.randint(7, 13)))


# --- sentences -------------------------------------------------------------------------

# "{}" is where the value goes.
_POSITIVE: dict[str, tuple[str, ...]] = {
    "phone": (
        "sđt của mình {}",
        "gọi {} trước khi giao nhé",
        "liên hệ {}",
        "zalo {}",
        "shop gọi lại cho em số {} với",
        "có gì alo {}",
        "{} là số của chị, giao giờ hành chính",
        "Hotline: {}",
        "Số điện thoại người nhận: {}",
        "call me at {}",
        "my phone is {}",
    ),
    "email": (
        "email của mình là {}",
        "gửi hóa đơn về {} giúp em",
        "mail: {}",
        "liên hệ qua {} nhé",
        "{} - đây là email cũ",
        "please reply to {}",
    ),
    "citizen_id": (
        "CCCD {}",
        "số căn cước: {}",
        "Căn cước công dân của tôi là {}",
        "shop cần {} để xuất hóa đơn à",
        "số định danh cá nhân {}",
        "national ID {}",
    ),
    "cmnd": (
        "CMND {}",
        "số CMND: {}",
        "chứng minh nhân dân {}",
        "CMT của mình {}",
        "giấy chứng minh thư số {}",
    ),
    "tax_code": (
        "MST {}",
        "mã số thuế: {}",
        "xuất hóa đơn VAT, MST công ty {}",
        "Mã số thuế cá nhân {}",
        "tax code {}",
    ),
    "card_number": (
        "thẻ {} bị trừ tiền 2 lần",
        "số thẻ: {}",
        "thanh toán bằng thẻ visa {}",
        "{} là thẻ của mẹ mình",
        "card number {}",
        "thẻ tín dụng {} chưa được hoàn tiền",
    ),
    "bank_account": (
        "STK {} Vietcombank",
        "số tài khoản: {}",
        "chuyển khoản vào tk {} techcombank",
        "hoàn tiền về {} - MB Bank giúp em",
        "stk {} chủ tk Nguyễn Văn A",
        "account number {}",
        "tài khoản ngân hàng {} BIDV",
    ),
    "address": (
        "địa chỉ: {}",
        "giao hàng đến {}",
        "Địa chỉ nhận hàng: {}",
        "nhà mình ở {}",
        "{}",
        "ship tới {}",
        "address {}",
        "gửi về {} giúp mình",
    ),
}
_VALUES: dict[str, Callable[[random.Random, Faker], str]] = {
    "phone": lambda rng, fake: phone(rng),
    "email": lambda rng, fake: fake.email() if rng.random() < 0.5 else _name_email(rng, fake),
    "citizen_id": lambda rng, fake: citizen_id(rng),
    "cmnd": lambda rng, fake: cmnd(rng),
    "tax_code": lambda rng, fake: tax_code(rng),
    "card_number": lambda rng, fake: card_number(rng),
    "bank_account": lambda rng, fake: bank_account(rng),
    "address": lambda rng, fake: _address(rng, fake),
}

_NEGATIVE: tuple[Callable[[random.Random], str], ...] = (
    lambda rng: f"đơn hàng DH{rng.randrange(10**9):09d} giao chậm 3 ngày",
    lambda rng: f"mã đơn #{rng.randrange(10**5, 10**6)}",
    lambda rng: f"mã vận đơn {bad_citizen_id(rng)} mãi không cập nhật",
    lambda rng: f"mã giao dịch {bad_card_number(rng)}",
    lambda rng: (
        f"đặt ngày {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024, "
        f"nhận ngày {rng.randint(1, 28)}-{rng.randint(1, 12):02d}-2025"
    ),
    lambda rng: f"ngày {rng.randint(2020, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
    lambda rng: f"giá {rng.randint(1, 9)}.{rng.randrange(1000):03d}.000đ mà chất lượng kém",
    lambda rng: f"tổng {rng.randint(100, 999)}.000 VND, ship {rng.randint(10, 50)}k",
    lambda rng: f"hoàn {rng.randint(1, 20)}.{rng.randrange(1000):03d}.000 đồng chưa thấy",
    lambda rng: f"giao lúc {rng.randint(7, 21)}:{rng.choice(['00', '15', '30', '45'])} hôm qua",
    lambda rng: f"mua {rng.randint(2, 9)} Hộp Sữa, size {rng.randint(36, 44)}",
    lambda rng: f"mã sản phẩm SP-{rng.randrange(10**8):08d}, model XR{rng.randrange(10**6)}",
    lambda rng: f"gọi {bad_phone(rng)} không ai nghe",
    lambda rng: f"mã vận đơn {bad_phone(rng)}",
    lambda rng: f"chuyển khoản {rng.randint(100, 900)}.000đ rồi mà chưa thấy xác nhận",
    lambda rng: f"đã thanh toán {rng.randint(1, 9)}.{rng.randrange(1000):03d}.000 VND qua thẻ",
    lambda rng: f"giao {rng.randint(2, 5)} lần, lần nào cũng hẹn {rng.randint(8, 11)}h30",
    lambda rng: f"đường đi xa nên ship {rng.randint(3, 7)} ngày là bình thường",
    lambda rng: f"địa chỉ email cũ không dùng nữa, mã KH{rng.randrange(10**7)}",
    lambda rng: f"lô hàng {rng.randint(2000, 2025)}{rng.randrange(10**4):04d} hết hạn",
    lambda rng: (
        f"tài khoản shopee của mình nhận mã OTP {rng.randrange(10**5, 10**6)} mà không vào được"
    ),
    lambda rng: f"nhập mã giảm giá {rng.randrange(10**7, 10**8)} không được",
    lambda rng: f"mã vận đơn {''.join(rng.choices('0123456789', k=rng.choice([10, 12, 16])))}",
    lambda rng: f"đơn hàng {rng.randrange(10**9, 10**10)} bị hủy",
    lambda rng: (
        f"trà sữa ít đường, {rng.randint(2, 5)} ly, giao tới quận {rng.randint(1, 12)} nhanh"
    ),
    lambda rng: f"gọi {rng.randint(2, 9)} lần không được, STK shop sai {rng.randint(2, 3)} lần rồi",
    lambda rng: f"tầng {rng.randint(2, 30)} không có thang máy, Phòng {rng.randint(100, 999)} ồn",
    lambda rng: f"IMEI {''.join(rng.choices('0123456789', k=15))} không kích hoạt được",
    lambda rng: f"gọi tổng đài 1900 {rng.randrange(1000, 10000)} mãi không ai bắt máy",
    lambda rng: f"hoàn {rng.randint(1, 9)} {rng.randrange(1000):03d} 000 đ vào ví",
    lambda rng: f"đặt lúc 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 14:30:00",
    lambda rng: f"máy chạy iOS {rng.randint(15, 18)}.{rng.randint(0, 6)}.1 bị lag",
    lambda rng: (
        f"bảo hành {rng.randint(2019, 2023)}-{rng.randint(2024, 2028)}, "
        f"serial {rng.randrange(10**11, 10**12)}"
    ),
    lambda rng: f"số lượng {rng.randint(100000, 999999)} cái trong kho",
    lambda rng: f"order number {rng.randrange(10**11, 10**12)} arrived late",
    lambda rng: (
        f"điểm {rng.randint(1, 9)}.{rng.randint(0, 9)}/10, pin {rng.randint(3000, 6000)} mAh"
    ),
)

_FILLER = (
    "Sản phẩm dùng tốt, đóng gói cẩn thận",
    "Shop tư vấn nhiệt tình",
    "Giao hàng hơi chậm",
    "Hàng không giống hình, mình muốn đổi trả",
    "Chất lượng tạm ổn so với giá tiền",
    "Mình rất hài lòng, sẽ ủng hộ shop dài dài",
    "Nhân viên giao hàng thái độ không tốt",
    "Áo bị lỗi đường may ở tay trái",
    "Pin dùng được khoảng hai ngày",
    "Mong shop phản hồi sớm",
    "Đánh giá 5 sao cho shop",
    "Lần sau sẽ mua tiếp",
    "Hộp bị móp nhưng hàng bên trong vẫn ổn",
    "Mình đã khiếu nại hai lần mà chưa được xử lý",
    "Quá thất vọng về dịch vụ chăm sóc khách hàng",
    "Màu sắc đúng như mô tả",
)


def _address(rng: random.Random, fake: Faker) -> str:
    """Faker's addresses, some typed the way people chat: no capitals, no diacritics."""
    address = fake.address()
    if rng.random() < 0.15:
        return strip_diacritics(address).lower()
    if rng.random() < 0.15:
        house = f"{rng.randint(1, 300)}{rng.choice(['', '/' + str(rng.randint(1, 99)), 'A'])}"
        return f"{house} {fake.street_name()}, Q.{rng.randint(1, 12)}, TP.HCM"
    return address


def _name_email(rng: random.Random, fake: Faker) -> str:
    name = strip_diacritics(fake.first_name() + "." + fake.last_name()).lower().replace(" ", "")
    return f"{name}{rng.randint(1, 99)}@{rng.choice(['gmail.com', 'yahoo.com.vn', 'fpt.vn'])}"


def corpus(n: int, seed: int = 5) -> list[Document]:
    """``n`` documents, the same for the same seed."""
    rng = random.Random(seed)
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    return [_document(rng, fake) for _ in range(n)]


def _document(rng: random.Random, fake: Faker) -> Document:
    # (words before, kind, value, words after): a negative or a filler is all "words after".
    segments: list[tuple[str, str | None, str, str]] = []
    for _ in range(rng.randint(1, 2)):
        kind = rng.choice(KINDS)
        before, after = rng.choice(_POSITIVE[kind]).split("{}")
        segments.append((before, kind, _VALUES[kind](rng, fake), after))
    segments += [("", None, "", rng.choice(_NEGATIVE)(rng)) for _ in range(rng.randint(1, 2))]
    segments += [("", None, "", rng.choice(_FILLER)) for _ in range(rng.randint(0, 2))]
    rng.shuffle(segments)
    bare = rng.random()  # a quarter without diacritics, one in ten in part
    text, labels = "", []
    for before, kind, value, after in segments:
        parts = [before, value, after]
        if bare < 0.25 or (bare < 0.35 and rng.random() < 0.5):
            parts = [strip_diacritics(part) for part in parts]
        if text:
            text += rng.choice([". ", "! ", "\n", ". "])
        text += parts[0]
        if kind is not None:
            labels.append(Label(kind, len(text), len(text) + len(parts[1])))
        text += parts[1] + parts[2]
    return Document(text + ".", tuple(labels))
