"""Where a book comes from. Everything above this module sees only ``BookSource``: raw rows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from svctools.errors import BookError

Row = tuple[int, Sequence[Any]]  # (row number as Excel shows it, raw cell values from column A)


class BookSource(Protocol):
    """A book: its sheet names and, per sheet, rows of raw cell values.

    Raw values are ``None`` for blanks, ``str``, ``int``, ``float``, ``bool``, ``datetime``,
    ``date`` or ``time``; a formula gives its cached value.
    """

    name: str

    def sheet_names(self) -> list[str]: ...

    def rows(self, sheet: str) -> Iterator[Row]: ...

    def close(self) -> None: ...


def open_book(spec: str) -> BookSource:
    """Open BOOK as given on the command line: a path to an ``.xlsx`` file."""
    if spec.startswith("gsheet:") or spec.startswith("https://docs.google.com/spreadsheets/"):
        raise BookError(f"{spec}: Google Sheets books are not supported yet")
    from svctools.xlsx import XlsxBook

    return XlsxBook(Path(spec))
