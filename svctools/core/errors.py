"""The project's exceptions. The CLI maps each to an exit code (SPEC §6); nothing else exits."""

from __future__ import annotations

from typing import Any


class SvctoolsError(Exception):
    """Base of every error a user can cause; the message is one clear line."""

    exit_code = 2


class ConfigError(SvctoolsError):
    """A bad ``svctools.toml``: unknown key, wrong type, unreadable file."""


class BookError(SvctoolsError):
    """The book cannot be opened or read at all (missing, not an xlsx, damaged, encrypted)."""


class UsageError(SvctoolsError):
    """A bad argument that click itself cannot check (a month, an as-of moment)."""


class BookHasErrors(SvctoolsError):
    """A computing command met errors in rows it needs (exit 1); ``problems`` lists them."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Any] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class MissingSheet(SvctoolsError):
    """A command needs a sheet the book does not have (exit 1, SPEC §2.2)."""

    exit_code = 1
