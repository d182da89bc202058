"""What every command shares: who the actor is, and errors as one plain line."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import typer

from baomat.domain.errors import DomainError
from baomat.policy.errors import PolicyError
from baomat.store.crypto import CryptoError

CLI_ACTOR = "cli:" + os.environ.get("USER", "operator")
"""The audit actor for commands run by hand: the operating-system user."""

P = ParamSpec("P")
R = TypeVar("R")


def plain_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turns the errors a user can cause into one line and exit code 2."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (DomainError, CryptoError, OSError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except PolicyError as exc:
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            raise typer.Exit(2) from None

    return wrapper
