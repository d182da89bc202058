"""`pii.*`: scanning free text for personal data (`domain.pii.scan`).

Over generated reviews and complaints (about one in three names a phone,
email, ID, card, account or address; most carry prices, dates or order ids),
baomat's scanner against one plain `re.finditer` pass of a simple
digits-or-email pattern over the same text, alternated in the same run; the
fastest of a few rounds of each counts, so a busy machine skews neither.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from typing import TextIO

from stdnum import luhn

from baomat.domain import pii

ROUNDS = 3

# The baseline: what one would write to find digits and emails, and nothing more.
_PLAIN = re.compile(r"[0-9]{6,}|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def measure(mb: float, out: TextIO, *, rounds: int = ROUNDS, seed: int = 5) -> None:
    """Scans ``mb`` megabytes (UTF-8) of generated text → `pii.*` lines."""
    text = reviews(int(mb * 1_000_000), seed)
    size = len(text.encode()) / 1_000_000
    ours = plain = float("inf")
    found = 0
    for _ in range(rounds):
        plain = min(plain, _timed(lambda: sum(1 for _ in _PLAIN.finditer(text)))[0])
        elapsed, found = _timed(lambda: len(pii.scan(text)))
        ours = min(ours, elapsed)
    out.write(f"BENCH pii.scan_mb {size:.1f} MB\n")
    out.write(f"BENCH pii.findings {found} findings\n")
    out.write(f"BENCH pii.scan_mb_per_s {size / ours:.2f} MB/s\n")
    out.write(f"BENCH pii.plain_regex_s {plain:.3f} s\n")
    out.write(f"BENCH pii.scan_ratio {ours / plain:.2f} x\n")
    out.flush()


def _timed(work: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


_OPENINGS = (
    "Sản phẩm dùng tốt, đóng gói cẩn thận.", "Giao hàng hơi chậm so với dự kiến.",
    "Shop tư vấn nhiệt tình, sẽ ủng hộ tiếp.", "Hàng không giống hình, mình muốn đổi trả.",
    "Chat luong tam on so voi gia tien.", "Nhân viên giao hàng thái độ không tốt.",
    "Mình đã khiếu nại hai lần mà chưa được xử lý.", "Màu sắc đúng như mô tả, vải mềm.",
    "Pin dung duoc khoang hai ngay, hoi nong.", "Hộp bị móp nhưng hàng bên trong vẫn ổn.",
)  # fmt: skip
_STREETS = ("Lê Lợi", "Nguyễn Trãi", "Trần Hưng Đạo", "Hai Bà Trưng", "Lý Thường Kiệt")


def reviews(size: int, seed: int = 5) -> str:
    """At least ``size`` bytes (UTF-8) of generated reviews, one a line; the same for a seed."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    lines: list[str] = []
    total = 0
    while total < size:
        parts = [rng.choice(_OPENINGS)]
        if rng.random() < 0.6:
            parts.append(rng.choice(_LOOK_ALIKES)(rng))
        if rng.random() < 0.35:
            parts.append(rng.choice(_PERSONAL)(rng))
        if rng.random() < 0.5:
            parts.append(rng.choice(_OPENINGS))
        line = " ".join(parts)
        lines.append(line)
        total += len(line.encode()) + 1
    return "\n".join(lines)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choices("0123456789", k=n))


def _card(rng: random.Random) -> str:
    body = "4" + _digits(rng, 14)
    return body + luhn.calc_check_digit(body)


def _address(rng: random.Random) -> str:
    return f"Địa chỉ: {rng.randint(1, 300)} {rng.choice(_STREETS)}, Quận {rng.randint(1, 12)}."


def _price(rng: random.Random) -> str:
    return f"Giá {rng.randint(1, 9)}.{rng.randrange(1000):03d}.000đ, ship {rng.randint(15, 40)}k."


def _order(rng: random.Random) -> str:
    return f"Đơn DH{_digits(rng, 9)} đặt ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}/2025."


_PERSONAL: tuple[Callable[[random.Random], str], ...] = (
    lambda rng: f"Gọi mình 09{rng.choice('0134678')}{_digits(rng, 7)} nhé.",
    lambda rng: f"sdt 03{rng.choice('2345')} {_digits(rng, 3)} {_digits(rng, 4)} giờ hành chính.",
    lambda rng: f"Email: khach{rng.randrange(10**5)}@example.vn.",
    _address,
    lambda rng: f"STK {_digits(rng, 13)} Vietcombank, hoàn tiền giúp em.",
    lambda rng: f"thẻ {_card(rng)} bị trừ tiền 2 lần.",
    lambda rng: f"CCCD 0{rng.choice(['01', '79', '48'])}{rng.choice('0123')}{_digits(rng, 8)}.",
)
_LOOK_ALIKES: tuple[Callable[[random.Random], str], ...] = (
    _price,
    _order,
    lambda rng: f"Mã vận đơn {_digits(rng, 12)}, giao lúc {rng.randint(8, 20)}:30.",
    lambda rng: (
        f"Mua {rng.randint(2, 5)} hộp, size {rng.randint(36, 44)}, mã SP-{_digits(rng, 8)}."
    ),
)
