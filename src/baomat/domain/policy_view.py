"""The parts of a tenant's policy that the domain's rules read, as structural types.

The domain sits below `baomat.policy` (docs/architecture.md), so it cannot
import `Policy`; these protocols name only what consent and decisions need,
and `baomat.policy.model.Policy` satisfies them as it is (mypy checks that
wherever a `Policy` is passed in).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol


class TextView(Protocol):
    """`policy.purposes[i].text`: the purpose as the subject reads it."""

    @property
    def vi(self) -> str: ...
    @property
    def en(self) -> str: ...


class PurposeView(Protocol):
    """A purpose: its legal basis, consent mode (`opt_in` or `not_needed`) and fields."""

    @property
    def id(self) -> str: ...
    @property
    def text(self) -> TextView: ...
    @property
    def legal_basis(self) -> str: ...
    @property
    def consent(self) -> str: ...
    @property
    def fields(self) -> Sequence[str]: ...
    @property
    def subject_types(self) -> Sequence[str] | None: ...


class ContractView(Protocol):
    @property
    def valid_from(self) -> dt.date: ...
    @property
    def valid_until(self) -> dt.date | None: ...


class RecipientView(Protocol):
    """A recipient: the fields it may receive (`"all"` or a list) and for which purposes."""

    @property
    def id(self) -> str: ...
    @property
    def fields(self) -> Sequence[str] | str: ...
    @property
    def purposes(self) -> Sequence[str]: ...
    @property
    def contract(self) -> ContractView | None: ...


class FieldView(Protocol):
    @property
    def id(self) -> str: ...


class SubjectTypeView(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def fields(self) -> Sequence[FieldView]: ...


class PolicyView(Protocol):
    """A published policy version of one tenant."""

    @property
    def tenant(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def languages(self) -> Sequence[str]: ...
    @property
    def subject_types(self) -> Sequence[SubjectTypeView]: ...
    @property
    def purposes(self) -> Sequence[PurposeView]: ...
    @property
    def recipients(self) -> Sequence[RecipientView]: ...
