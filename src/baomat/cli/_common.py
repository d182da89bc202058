"""What every command shares: who the actor is, and errors as one plain line."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import NoReturn, ParamSpec, TypeVar

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


def fail(message: str, message_vi: str | None = None) -> NoReturn:
    """Prints `error: message` (and `lỗi: message_vi`) on stderr and exits with code 2."""
    typer.echo(f"error: {message}", err=True)
    if message_vi:
        typer.echo(f"lỗi: {message_vi}", err=True)
    raise typer.Exit(2)


def emit(text: str, output: Path | None) -> None:
    """A report to stdout, or written to `output` (then "wrote PATH"); an unwritable path fails."""
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"{output}: cannot write the file: {error.strerror or error}")
    typer.echo(f"wrote {output}")
