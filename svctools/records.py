"""Typed records: what every computation sees, whatever source the book came from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


class Record(dict[str, Any]):
    """One data row: parsed values by column key (``None`` = blank or unreadable).

    ``sheet`` is the sheet's key, ``row`` the row number the clerk sees in Excel, and ``bad``
    the keys whose cells had an error, so a computation can tell a blank from a broken cell.
    """

    __slots__ = ("bad", "row", "sheet")

    def __init__(self, sheet: str, row: int, values: dict[str, Any] | None = None) -> None:
        super().__init__(values or {})
        self.sheet = sheet
        self.row = row
        self.bad: set[str] = set()

    def __repr__(self) -> str:
        return f"Record({self.sheet}:{self.row}, {dict.__repr__(self)})"


def column_letter(number: int) -> str:
    """Excel's column name for a 1-based column number (1 -> A, 27 -> AA)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """Excel's column letters as a 1-based number (A -> 1, XFD -> 16384)."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


@dataclass
class SheetData:
    """One sheet as found in the book: its name there, the header row and the columns found."""

    key: str
    name: str
    header_row: int
    columns: dict[str, tuple[int, str]] = field(
        default_factory=dict
    )  # key -> (0-based index, header)
    records: list[Record] = field(default_factory=list)

    def cell(self, key: str, row: int) -> str | None:
        """The A1 reference of column ``key`` in ``row`` (``None`` if the column is missing)."""
        if key not in self.columns:
            return None
        return f"{column_letter(self.columns[key][0] + 1)}{row}"


@dataclass
class Records:
    """All sheets' records by sheet key; a sheet the book lacks has no entry."""

    sheets: dict[str, SheetData] = field(default_factory=dict)

    def has(self, key: str) -> bool:
        return key in self.sheets

    def __getitem__(self, key: str) -> list[Record]:
        data = self.sheets.get(key)
        return data.records if data else []

    def index(self, key: str, field_key: str) -> dict[Any, Record]:
        """The first record per value of ``field_key`` (a unique column), for references."""
        found: dict[Any, Record] = {}
        for record in self[key]:
            value = record.get(field_key)
            if value is not None and value not in found:
                found[value] = record
        return found

    @classmethod
    def from_lists(cls, **sheets: Iterable[dict[str, Any]]) -> Records:
        """Records built in code (tests, other sources): ``Records.from_lists(staff=[{...}])``."""
        result = cls()
        for key, rows in sheets.items():
            data = SheetData(key=key, name=key, header_row=1)
            for number, values in enumerate(rows, start=2):
                data.records.append(Record(key, number, dict(values)))
            result.sheets[key] = data
        return result
