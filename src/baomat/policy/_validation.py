"""Pydantic's validation errors, re-worded for the author of a policy file.

Pydantic says `Input should be a valid integer, unable to parse string as an
integer` at `('purposes', 0, 'fields', 'list[constrained-str]', 0)`; an author
needs the key, the rule and the place in the file:

    findings(error, data, plain) -> [Finding(("version",), "'version' must be a whole
                                      number, not 'two'"), ...]

Locations are walked through the parsed data, so pydantic's union-branch
labels drop out and each location is a real path the loader has a line for.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from baomat.policy.errors import Loc, format_loc
from baomat.policy.model import FORMAT, LocalText, Policy
from baomat.policy.rules import Finding

_PREDICATES = {
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "date_type": "must be a date written YYYY-MM-DD",
    "date_parsing": "must be a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "must be a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "must be a date without a time of day",
    "list_type": "must be a list",
    "model_type": "must be a mapping of keys",
    "model_attributes_type": "must be a mapping of keys",
    "dict_type": "must be a mapping of keys",
    "string_too_short": "must not be empty",
    "string_too_long": "must be at most {max_length} characters long",
    "too_short": "must list at least {min_length} item(s)",
    "too_long": "must list at most {max_length} item(s)",
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
}
_SHOWS_VALUE = {
    *(t for t in _PREDICATES if t.endswith(("_type", "_parsing", "_inexact", "_float"))),
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "literal_error",
    "enum",
    "string_pattern_mismatch",
}
_PATTERNS = {
    r"^[a-z][a-z0-9_]*$": (
        "must be an id: lower-case letters, digits and '_', starting with a letter"
    ),
    r"^\d{10}(-\d{3})?$|^\d{12}$": (
        "must be a tax code: 10 digits, 10 digits then '-' and 3 digits, or 12 digits"
    ),
    r"^[A-Z]{2}$": "must be a two-letter country code in capitals (ISO 3166), e.g. 'SG'",
    r"^[a-z0-9][a-z0-9-]*$": "must be a profile name: lower-case letters, digits and '-'",
}


@dataclass(frozen=True)
class _Located:
    error: ErrorDetails
    loc: Loc
    union: tuple[Loc, str] | None
    """Where a union was tried and which branch this error came from."""
    depth: int


def findings(error: ValidationError, data: object, plain: Mapping[Loc, str]) -> list[Finding]:
    """A ValidationError on `data` -> one Finding per mistake, in plain words.

    `plain` maps a location to the raw text of an unquoted scalar, so that
    `vi: no` (read by YAML as false) can be explained as such.
    """
    located = [_locate(e, data) for e in error.errors(include_url=False)]
    return [_finding(group, plain) for group in _prune_union_branches(located)]


def _locate(error: ErrorDetails, data: object) -> _Located:
    loc: list[str | int] = []
    union: tuple[Loc, str] | None = None
    current = data
    parts = error["loc"]
    for i, part in enumerate(parts):
        found, child = _step(current, part)
        if found:
            loc.append(part)
            current = child
        elif error["type"] == "missing" and i == len(parts) - 1:
            loc.append(part)
        elif union is None:
            # not in the data: pydantic's label for the union branch it tried
            union = (tuple(loc), str(part))
    return _Located(error, tuple(loc), union, len(parts))


def _step(current: object, part: str | int) -> tuple[bool, object]:
    """Whether `part` is a real key or index of `current`, and the value there."""
    if isinstance(current, dict) and isinstance(part, str) and part in current:
        return True, current[part]
    if isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
        return True, current[part]
    return False, None


def _prune_union_branches(located: list[_Located]) -> list[list[_Located]]:
    """Keep the union branch that got deepest into the value (the one the author meant).

    When every branch failed on the value itself (`fields: everything` is
    neither a list nor 'all'), their errors are grouped to be said in one rule.
    """
    groups: list[list[_Located]] = []
    points: dict[Loc, dict[str, list[_Located]]] = {}
    for e in located:
        if e.union is None:
            groups.append([e])
        else:
            points.setdefault(e.union[0], {}).setdefault(e.union[1], []).append(e)
    for point, branches in points.items():
        deepest = max(e.depth for errs in branches.values() for e in errs)
        winners = [errs for errs in branches.values() if max(e.depth for e in errs) == deepest]
        if len(winners) > 1 and all(e.loc == point for errs in winners for e in errs):
            groups.append([errs[0] for errs in winners])
        else:
            groups.extend([e] for errs in winners for e in errs)
    return groups


def _finding(group: list[_Located], plain: Mapping[Loc, str]) -> Finding:
    first = group[0]
    error, loc = first.error, first.loc
    kind = error["type"]
    if kind == "missing":
        return Finding(loc, f"required key '{loc[-1]}' is missing")
    if kind == "extra_forbidden":
        return Finding(loc, _unknown_key(loc))
    if kind == "literal_error" and loc == ("format",):
        return Finding(
            loc,
            f"format must be '{FORMAT}', the only policy format this version of baomat "
            f"supports, not {_show(error['input'])}",
        )
    if kind == "string_type" and loc in plain:
        return Finding(loc, _quote_hint(loc, plain[loc], error["input"]))
    wants = [_predicate(e) for e in group]
    if len(wants) > 1 and all(w.startswith("must be ") for w in wants):
        rule = "must be " + " or ".join(w.removeprefix("must be ") for w in wants)
    else:
        rule = "; or ".join(wants)
    if kind in _SHOWS_VALUE:
        rule += f", not {_show(error['input'])}"
        rule += _did_you_mean(error)
    return Finding(loc, f"{_name(loc)} {rule}")


def _predicate(e: _Located) -> str:
    error = e.error
    ctx = error.get("ctx", {})
    kind = error["type"]
    if kind in ("literal_error", "enum"):
        options = _options(error)
        return (
            f"must be {options[0]!r}" if len(options) == 1 else f"must be one of {ctx['expected']}"
        )
    if kind == "string_pattern_mismatch":
        return _PATTERNS.get(
            str(ctx.get("pattern")), f"must match the pattern {ctx.get('pattern')}"
        )
    if kind == "model_type" and _type_at(e.loc) is LocalText:
        return "must be a mapping with 'vi' and 'en' texts"
    if kind in _PREDICATES:
        return _PREDICATES[kind].format(**ctx)
    return error["msg"][:1].lower() + error["msg"][1:]


def _options(error: ErrorDetails) -> list[str]:
    """Pydantic's "'a', 'b' or 'c'" -> ["a", "b", "c"]."""
    return re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))


def _did_you_mean(error: ErrorDetails) -> str:
    if error["type"] not in ("literal_error", "enum") or not isinstance(error["input"], str):
        return ""
    close = difflib.get_close_matches(error["input"], _options(error), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _unknown_key(loc: Loc) -> str:
    key = str(loc[-1])
    owner = _type_at(loc[:-1])
    if not (isinstance(owner, type) and issubclass(owner, BaseModel)):
        return f"unknown key '{key}'"
    allowed = list(owner.model_fields)
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"unknown key '{key}' (did you mean '{close[0]}'?)"
    return f"unknown key '{key}' (allowed here: {', '.join(allowed)})"


def _quote_hint(loc: Loc, raw: str, value: object) -> str:
    kind = {bool: "true/false value", int: "number", float: "number"}.get(type(value), "value")
    if isinstance(value, dt.date):
        kind = "date"
    elif value is None:
        return f"{_name(loc)} must be text, not empty"
    return (
        f"{_name(loc)} must be text, but YAML reads the unquoted {raw} as a {kind}; "
        f'write it in quotes: "{raw}"'
    )


def _name(loc: Loc) -> str:
    """("recipients", 0, "fields", 1) -> "'fields[1]'"; () -> "the file"."""
    last_key = max((i for i, part in enumerate(loc) if isinstance(part, str)), default=None)
    return "the file" if last_key is None else f"'{format_loc(loc[last_key:])}'"


def _show(value: object) -> str:
    """A value for a message, short: a policy file holds no personal data, but a file
    checked by mistake might, so long values are cut."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "empty"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _type_at(loc: Loc) -> object:
    """("purposes", 0, "text") -> LocalText: the model type declared at a location."""
    current: object = Policy
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, str) and isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(part)
            if info is None:
                return None
            current = info.annotation
        elif isinstance(part, int) and get_origin(current) is list:
            current = get_args(current)[0]
        else:
            return None
    return _unwrap(current)


def _unwrap(tp: object) -> object:
    """Annotated[X, ...] -> X; X | None -> X; (list[Id] | Literal["all"]) -> list[Id]."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin is Union or origin is UnionType:
            tp = next(a for a in get_args(tp) if a is not type(None))
        else:
            return tp
