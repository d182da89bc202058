"""The lint rules' severities, articles and texts, and the `Finding` they produce.

    finding("W-retention-no-end", "policy", path="retention[0]", rule="keep")
    -> Finding(rule="W-retention-no-end", severity="warning",
               article="Decree 52/2013/ND-CP Art. 69.1(c); ...", path="retention[0]", line=None,
               message_vi="Quy tắc lưu trữ 'keep' không có mốc kết thúc: ...",
               message_en="Retention rule 'keep' has no end: add max_keep ...")

The texts live in `baomat/data/lint_rules.yaml`, one entry per rule id with a
text for the policy file (`policy`) and one for prose (`text`); placeholders
take ids and numbers from the policy or the law profile, never a personal value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

Severity = Literal["error", "warning"]
Lang = Literal["vi", "en"]
Param = str | int | Mapping[str, str]
"""A placeholder's value: an id or a number as is, or a text by language (`{"vi", "en"}`)."""


@dataclass(frozen=True)
class Finding:
    """One gap in a policy: its rule id, severity, the article behind it, and what to add.

    `path` locates it in a policy file (`subject_types[0].fields[2]`, empty for the
    whole file); `line` is the 1-based line of a prose text it points at, if any.
    """

    rule: str
    severity: Severity
    article: str
    message_vi: str
    message_en: str
    path: str = ""
    line: int | None = None

    def message(self, lang: Lang) -> str:
        return self.message_vi if lang == "vi" else self.message_en


@cache
def catalogue() -> dict[str, dict[str, Any]]:
    """Rule id -> its entry in `lint_rules.yaml`, read once."""
    source = resources.files("baomat") / "data" / "lint_rules.yaml"
    loaded: dict[str, dict[str, Any]] = yaml.safe_load(source.read_text(encoding="utf-8"))
    return loaded


def finding(
    rule_id: str, wording: str, /, *, path: str = "", line: int | None = None, **params: Param
) -> Finding:
    """The finding of `rule_id` in its `wording` (`policy`, `text`, ...) filled with `params`."""
    entry = catalogue()[rule_id]
    words = entry[wording]
    return Finding(
        rule=rule_id,
        severity=entry["severity"],
        article=entry["article"],
        message_vi=words["vi"].format(**_in("vi", params)),
        message_en=words["en"].format(**_in("en", params)),
        path=path,
        line=line,
    )


def _in(lang: Lang, params: Mapping[str, Param]) -> dict[str, str | int]:
    return {k: v if isinstance(v, str | int) else v[lang] for k, v in params.items()}


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
