"""The project's exceptions. The CLI maps each to an exit code (SPEC §6); nothing else exits."""

from __future__ import annotations

from typing import Any

from svctools.core.messages import EN, Msg


class SvctoolsError(Exception):
    """Base of every error a user can cause; the message is one clear line.

    Raised with a ``Msg`` it is worded in the reader's language by ``text(lang)`` (``str()``
    gives the English); raised with a plain string (a library's own words) it is that string.
    """

    exit_code = 2

    def __init__(self, message: str | Msg = "", *args: Any) -> None:
        self.msg = message if isinstance(message, Msg) else None
        super().__init__(message.text(EN) if isinstance(message, Msg) else message, *args)

    def text(self, lang: str) -> str:
        """The one line for the user, in ``lang``."""
        return self.msg.text(lang) if self.msg is not None else str(self)


class ConfigError(SvctoolsError):
    """A bad ``svctools.toml``: unknown key, wrong type, unreadable file."""


class BookError(SvctoolsError):
    """The book cannot be opened or read at all (missing, not an xlsx, damaged, encrypted)."""


class UsageError(SvctoolsError):
    """A bad argument that click itself cannot check (a month, an as-of moment)."""


class BookHasErrors(SvctoolsError):
    """A computing command met errors in rows it needs (exit 1); ``problems`` lists them."""

    exit_code = 1

    def __init__(self, message: str | Msg, problems: list[Any] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class MissingSheet(SvctoolsError):
    """A command needs a sheet the book does not have (exit 1, SPEC §2.2)."""

    exit_code = 1
