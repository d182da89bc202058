"""Mistakes found in a policy file, each located by path and line.

A `Problem` is one mistake; a `PolicyError` carries every mistake of one file,
so that an author fixes them all in one pass instead of one per run.

    Problem("p.yaml", "purposes[1].fields[0]", 42, "purpose 'x' uses field 'fax' ...")
    -> str: "p.yaml:42: purposes[1].fields[0]: purpose 'x' uses field 'fax' ..."
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

Loc = tuple[str | int, ...]
"""A path inside the document: ("purposes", 2, "fields", 0); () is the whole file."""


def format_loc(loc: Loc) -> str:
    """("purposes", 2, "fields", 0) -> "purposes[2].fields[0]"; () -> ""."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class Problem:
    """One mistake: the file, where in it, the 1-based line, and the broken rule in words.

    `path` is empty and `line` None for mistakes about the whole file (too big,
    empty, unreadable).
    """

    file: str
    path: str
    line: int | None
    rule: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.rule}" if self.path else f"{where}: {self.rule}"


class PolicyError(Exception):
    """Every mistake found in one policy file; never empty."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(problems, key=lambda p: p.line or 0)
        if not self.problems:
            raise ValueError("a PolicyError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))
