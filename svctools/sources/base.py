"""Where a book comes from. Everything above this module sees only ``BookSource``: raw rows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

Row = tuple[int, Sequence[Any]]  # (row number as Excel shows it, raw cell values from column A)
Block = tuple[Sequence[int], list[Sequence[Any]]]  # (row numbers, those rows' raw values)
BLOCK_ROWS = 4096  # rows read and parsed together, column by column
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE container's first bytes: .xls, or encrypted
OTHER_KINDS = {".xls": "xls", ".xlsb": "xlsb", ".ods": "ods"}  # read by calamine_other


class BookSource(Protocol):
    """A book: its sheet names and, per sheet, rows of raw cell values.

    Raw values are ``None`` for blanks, ``str``, ``int``, ``float``, ``bool``, ``datetime``,
    ``date`` or ``time``; a formula gives its cached value. A source may also offer
    ``blocks(sheet)``: the same rows in blocks of up to ``BLOCK_ROWS``, whose values may still be
    raw (``''`` for a blank, a float for a whole number, a ``date`` for a midnight date-time):
    ``columns.normalise_cell`` makes one what ``rows`` gives.
    """

    name: str

    def sheet_names(self) -> list[str]: ...

    def rows(self, sheet: str) -> Iterator[Row]: ...

    def close(self) -> None: ...


def blocks_of(rows: Iterator[Row]) -> Iterator[Block]:
    """Rows (``BookSource.rows``) grouped in blocks (``BookSource.blocks``)."""
    while chunk := list(islice(rows, BLOCK_ROWS)):
        yield [number for number, _ in chunk], [values for _, values in chunk]


def is_google(spec: str) -> bool:
    """BOOK names a Google Sheet (``gsheet:KEY`` or its URL) rather than an ``.xlsx`` path."""
    return spec.startswith("gsheet:") or "docs.google.com/spreadsheets/" in spec[:40]


def open_elsewhere(spec: str) -> str | None:
    """The lock file Excel/WPS (``~$name``) or LibreOffice (``.~lock.name#``) keeps beside a book
    that is open, if any: the clerk may have unsaved edits, which svctools cannot see."""
    if is_google(spec):
        return None
    path = Path(spec)
    for lock in (path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")):
        if lock.exists():
            return lock.name
    return None


EPOCH_1900 = datetime(1899, 12, 30)  # serial day 0 as Excel counts (its 1900 leap-day bug in)
EPOCH_1904 = datetime(1904, 1, 1)  # books saved with the 1904 date system (older Mac Excel)


class Unreadable(str):
    """A cell whose value the file does not hold in a form we may trust: the reading layer
    reports it (``code``) instead of reading it. The text is what is known of the cell."""

    code = "unreadable"


class NotCalculated(Unreadable):
    """A formula cell with no stored result (a book written by a program and never opened in
    Excel/WPS): calamine and openpyxl would both read it as blank."""

    code = "formula_not_calculated"


class Undecodable(Unreadable):
    """A CSV cell whose bytes are not text in the file's encoding."""

    code = "bad_encoding"


INT_LIMIT = 1e15  # a whole float this big stays a float (as openpyxl reads "1E+20")


def normalise_cell(value: Any) -> Any:
    """One raw value as openpyxl gives it: ``''`` -> ``None``, a whole float -> ``int``, a
    ``date`` -> midnight ``datetime`` (what ``fastxlsx.normalise`` does to a row)."""
    kind = value.__class__
    if kind is str:
        return value or None
    if kind is float:
        if value.is_integer() and -INT_LIMIT < value < INT_LIMIT:
            return int(value)
    elif kind is date:
        return datetime(value.year, value.month, value.day)
    return value
