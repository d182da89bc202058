"""Read a policy file into a `Policy`, or say every mistake in it with its line.

    load_policy(Path("wesale.yaml")) -> Policy(tenant="wesale", ...)
    parse_policy(b"format: x\\n", "p.yaml") -> PolicyError([Problem("p.yaml", "format", 1,
                                               "format must be 'baomat/policy@1', ..."), ...])

The file goes through four gates, each run only when the one before let it
through: bytes (size, UTF-8), YAML events (syntax, aliases, nesting), the YAML
node tree (tags, keys, duplicates) turned into plain data with a line for
every path, and finally the pydantic model and the cross-reference rules.
Nothing is constructed before the event pass has seen the whole file, so an
alias bomb or a deeply nested file costs one linear scan and no memory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import yaml
from pydantic import ValidationError

from baomat.policy import _validation, rules
from baomat.policy.errors import Loc, PolicyError, Problem, format_loc
from baomat.policy.model import Policy

MAX_BYTES = 1024 * 1024
"""A real policy is a few kilobytes; anything past 1 MiB is a mistake or an attack."""

MAX_DEPTH = 32
"""A policy nests about six levels; PyYAML's composer recurses once per level."""

_ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
"""Plain YAML only: no `!!python/...`, `!!binary`, `!!set` or custom tags."""

# libyaml parses a 1 MiB file in about 3 s where pure Python takes 20; both give the same
# events, marks and errors (control characters are found before either runs)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_policy(path: Path) -> Policy:
    """A policy file -> Policy; PolicyError lists every mistake; OSError if it cannot be read."""
    source = str(path)
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > MAX_BYTES:
            _refuse(source, None, _too_big(size))
        # read one byte past the limit: a file that grows, or a device, still stops here
        content = handle.read(MAX_BYTES + 1)
    return parse_policy(content, source)


def parse_policy(content: str | bytes, source: str) -> Policy:
    """The text or bytes of a policy file -> Policy; `source` names it in problems."""
    text = _decode(content, source)
    root = _compose(text, source)
    if not isinstance(root, yaml.MappingNode):
        _refuse(source, _line(root), "the top level must be a mapping of keys (format:, ...)")
    tree = _Tree(source)
    data = tree.build(root, ())
    problems = list(tree.problems)
    try:
        policy = Policy.model_validate(data)
    except ValidationError as error:
        findings = _validation.findings(error, data, tree.plain)
        # a value already reported (a bad tag, a bad date) is not reported again as a wrong type
        findings = [f for f in findings if not any(f.loc[: len(b)] == b for b in tree.bad)]
        raise PolicyError(problems + [tree.problem(f) for f in findings]) from None
    problems += [tree.problem(f) for f in rules.check(policy)]
    if problems:
        raise PolicyError(problems)
    return policy


def _refuse(source: str, line: int | None, rule: str) -> NoReturn:
    """Stop at a mistake about the whole file: nothing after it could be read reliably."""
    raise PolicyError([Problem(source, "", line, rule)])


def _too_big(size: int) -> str:
    return f"the file is {size:,} bytes; policy files are limited to {MAX_BYTES:,} bytes (1 MiB)"


def _decode(content: str | bytes, source: str) -> str:
    """Bytes or text -> text that YAML may read; too big, not UTF-8 or control characters stop."""
    size = len(content.encode("utf-8", "replace")) if isinstance(content, str) else len(content)
    if size > MAX_BYTES:
        _refuse(source, None, _too_big(size))
    if isinstance(content, str):
        text = content
    else:
        try:
            # utf-8-sig: a byte-order mark from a Windows editor is harmless, not a mistake
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = content.count(b"\n", 0, error.start) + 1
            column = error.start - (content.rfind(b"\n", 0, error.start) + 1) + 1
            _refuse(
                source,
                line,
                f"the file is not UTF-8: byte {error.start} (column {column}) "
                "cannot be decoded; save the file as UTF-8",
            )
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if bad is not None:
        # a control character, e.g. pasted from a word processor; YAML refuses them
        line = text.count("\n", 0, bad.start()) + 1
        _refuse(
            source,
            line,
            f"the file contains a control character (U+{ord(bad.group()):04X}) "
            "that YAML does not allow",
        )
    return text


def _compose(text: str, source: str) -> yaml.Node:
    """Text -> the YAML node tree, after an event pass that rejects aliases and deep nesting."""
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent):
                _refuse(
                    source,
                    _line(event),
                    f"YAML aliases (*{event.anchor}) are not allowed in "
                    "policy files; write the value out",
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    _refuse(
                        source,
                        _line(event),
                        f"the file nests more than {MAX_DEPTH} levels "
                        "deep; a policy needs far fewer",
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        raise PolicyError([_syntax_problem(source, error)]) from None
    except yaml.YAMLError as error:
        # only the reader raises unmarked errors, and its cases were refused above
        _refuse(source, None, f"the file is not valid YAML: {type(error).__name__}")
    if root is None:
        _refuse(source, None, "the file is empty")
    return root


def _syntax_problem(source: str, error: yaml.MarkedYAMLError) -> Problem:
    """PyYAML's problem and context, without its snippet of the offending line."""
    mark = error.problem_mark or error.context_mark
    what = error.problem or error.context or "unreadable YAML"
    if mark is None:
        return Problem(source, "", None, f"the file is not valid YAML: {what}")
    rule = f"the file is not valid YAML: {what} (column {mark.column + 1})"
    context = error.context_mark
    if error.context and error.problem and context is not None:
        # "while parsing a flow mapping" + where it began: often where the real mistake is
        rule += f", {error.context} that starts on line {context.line + 1}"
    return Problem(source, "", mark.line + 1, rule)


def _line(item: yaml.Node | yaml.Event) -> int:
    """The 1-based line where a node or event starts (PyYAML counts from 0)."""
    mark = item.start_mark
    return 1 if mark is None else int(mark.line) + 1


@dataclass
class _Tree:
    """Turns YAML nodes into plain data, remembering each path's line."""

    source: str
    lines: dict[Loc, int] = field(default_factory=dict)
    plain: dict[Loc, str] = field(default_factory=dict)
    """The raw text of unquoted scalars that YAML read as something other than text."""
    problems: list[Problem] = field(default_factory=list)
    bad: list[Loc] = field(default_factory=list)
    constructor: yaml.constructor.SafeConstructor = field(
        default_factory=yaml.constructor.SafeConstructor
    )

    def problem(self, finding: rules.Finding) -> Problem:
        return self.fail(finding.loc, self.line_of(finding.loc), finding.rule, record=False)

    def line_of(self, loc: Loc) -> int | None:
        """The line of a path; for a path not in the file (a missing key), its parent's."""
        while loc not in self.lines and loc:
            loc = loc[:-1]
        return self.lines.get(loc)

    def fail(
        self, loc: Loc, line: int | None, rule: str, *, record: bool = True, bad: bool = True
    ) -> Problem:
        """Make a Problem; `record` keeps it, `bad` also silences later errors about `loc`."""
        problem = Problem(self.source, format_loc(loc), line, rule)
        if record:
            self.problems.append(problem)
        if record and bad:
            self.bad.append(loc)
        return problem

    def build(self, node: yaml.Node, loc: Loc) -> object:
        self.lines.setdefault(loc, _line(node))
        if node.tag not in _ALLOWED_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.fail(loc, _line(node), f"the tag '{tag}' is not allowed in policy files")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)  # aliases were refused before composing
        try:
            value: object = self.constructor.construct_object(node)
        except (ValueError, yaml.YAMLError):
            # a plain scalar shaped like a date but not one (2026-02-30), or `!!int abc`
            kind = node.tag.rsplit(":", 1)[-1].replace("timestamp", "date")
            text = str(node.value)[:40]
            self.fail(loc, _line(node), f"'{text}' is not a valid {kind}")
            return None
        if not node.style and not isinstance(value, str):  # plain: None, or "" from libyaml
            self.plain[loc] = str(node.value)
        return value

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, object]:
        out: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                self.fail(
                    loc,
                    _line(key_node),
                    "keys must be plain words; merge keys (<<) "
                    "and lists or mappings as keys are not allowed",
                )
                continue
            # the key as written: an unquoted `no:` stays the text "no", not false
            key = str(key_node.value)
            if key in out:
                first = self.lines[(*loc, key)]
                self.fail(
                    (*loc, key),
                    _line(key_node),
                    f"duplicate key '{key}' (first on line "
                    f"{first}); a key may appear once per mapping",
                    bad=False,
                )
                continue
            self.lines[(*loc, key)] = _line(key_node)
            out[key] = self.build(value_node, (*loc, key))
        return out
