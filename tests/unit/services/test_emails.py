"""Email templates: every one in both languages, and a missing context value is an error."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import jinja2
import pytest

from baomat.services import emails

ROOT = Path(str(files("baomat") / "data" / "templates" / "email"))


def test_every_template_has_a_subject_and_a_text_in_every_language() -> None:
    assert "login_code" in emails.names()
    for language in emails.LANGUAGES:
        for name in emails.names():
            assert (ROOT / language / f"{name}.subject.j2").is_file(), (language, name)
            assert (ROOT / language / f"{name}.txt.j2").is_file(), (language, name)


def test_a_login_code_renders_in_each_language_on_one_subject_line() -> None:
    context = {"organisation": "Cửa hàng Thử", "code": "042917", "minutes": 10}

    vi = emails.render("login_code", "vi", context)
    en = emails.render("login_code", "en", context)

    assert vi.subject == "Mã đăng nhập Cửa hàng Thử: 042917"
    assert en.subject == "Your Cửa hàng Thử login code: 042917"
    assert "10 phút" in vi.text and "10 minutes" in en.text
    assert vi.html is None


def test_a_missing_value_or_an_unknown_template_is_an_error() -> None:
    with pytest.raises(jinja2.UndefinedError):
        emails.render("login_code", "vi", {"organisation": "Cửa hàng Thử"})
    with pytest.raises(emails.UnknownTemplate):
        emails.render("no_such_template", "vi", {})
    with pytest.raises(emails.UnknownTemplate):
        emails.render("login_code", "fr", {})
