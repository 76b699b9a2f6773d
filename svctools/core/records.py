"""Typed records: what every computation sees, whatever source the book came from."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from typing import Any, ClassVar, cast


class Record(tuple[Any, ...]):
    """One data row: parsed values by column key (``None`` = blank or unreadable).

    ``sheet`` is the sheet's key, ``row`` the row number the clerk sees in Excel, and ``bad``
    the keys whose cells had an error, so a computation can tell a blank from a broken cell.
    Read values with ``record.get(key)`` (a key the book lacks gives ``None``).

    Why a tuple: a book has hundreds of thousands of rows, and a dict per row cost more memory
    than the fastest reader's whole peak. The values sit in the tuple in the sheet's column
    order, followed by ``row`` and ``bad``; the key -> position map is shared by every record
    of a sheet (a class per sheet, ``Record.kind``), and whole columns can be taken with
    ``SheetData.column`` in one C-level pass.
    """

    __slots__ = ()
    sheet: ClassVar[str] = ""
    keys_: ClassVar[tuple[str, ...]] = ()
    index_: ClassVar[dict[str, int]] = {}
    row = cast(int, property(itemgetter(-2)))
    bad = cast("set[str]", property(itemgetter(-1)))

    def __new__(cls, sheet: str, row: int, values: dict[str, Any] | None = None) -> Record:
        """A record built in code (tests, other sources): ``Record("staff", 2, {...})``."""
        values = values or {}
        kind = Record.kind(sheet, tuple(values))
        return kind.make(values, row, set())

    @staticmethod
    @cache
    def kind(sheet: str, keys: tuple[str, ...]) -> type[Record]:
        """The record class of a sheet whose columns are ``keys``, in this order."""
        index = {key: position for position, key in enumerate(keys)}
        attrs = {"__slots__": (), "sheet": sheet, "keys_": keys, "index_": index}
        return type(f"Record[{sheet}]", (Record,), attrs)

    @classmethod
    def make(cls, values: dict[str, Any], row: int, bad: set[str]) -> Record:
        """A record of this kind from values by key (a key missing from ``values`` is blank)."""
        return tuple.__new__(cls, (*map(values.get, cls.keys_), row, bad))

    def get(self, key: str, default: Any = None) -> Any:
        position = self.index_.get(key)
        return default if position is None else self[position]

    def keys(self) -> tuple[str, ...]:
        return self.keys_

    def items(self) -> Iterator[tuple[str, Any]]:
        return zip(self.keys_, self, strict=False)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.items())

    def __contains__(self, key: object) -> bool:
        return key in self.index_

    def __repr__(self) -> str:
        return f"Record({self.sheet}:{self.row}, {self.as_dict()!r})"


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


def first_by(keys: list[Any], values: list[Any]) -> dict[Any, Any]:
    """Each key's value at its first occurrence (``None`` is no key), in C-level passes."""
    found = dict(zip(reversed(keys), reversed(values), strict=True))  # the first written last
    found.pop(None, None)
    return found


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
    other_headers: dict[int, str] = field(default_factory=dict)  # index -> header matching none

    def column(self, key: str) -> list[Any]:
        """Every record's value of column ``key`` (``None`` for each if the sheet lacks it)."""
        if not self.records:
            return []
        position = self.records[0].index_.get(key)
        if position is None:
            return [None] * len(self.records)
        return list(map(itemgetter(position), self.records))

    def cell(self, key: str, row: int) -> str | None:
        """The A1 reference of column ``key`` in ``row`` (``None`` if the column is missing)."""
        if key not in self.columns:
            return None
        return f"{column_letter(self.columns[key][0] + 1)}{row}"


@dataclass
class Records:
    """All sheets' records by sheet key; a sheet the book lacks has no entry."""

    sheets: dict[str, SheetData] = field(default_factory=dict)
    # What computations derive from these records, kept for the next one in the same run
    # (``report`` asks for the repeat repairs five times): see ``derived_once``.
    derived: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    # The columns taken while ``columns_kept`` is on, by (sheet, key): see ``column``.
    kept: dict[tuple[str, str], list[Any]] | None = field(default=None, compare=False, repr=False)

    def derived_once(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """``make()``, made once per ``key`` for these records (which are not changed after
        they are read); the key holds the sheets' sizes, so records built up in code and
        asked again after a change are derived again."""
        key = (*key, *(len(data.records) for data in self.sheets.values()))
        if key not in self.derived:
            self.derived[key] = make()
        return self.derived[key]

    def has(self, key: str) -> bool:
        return key in self.sheets

    def column(self, sheet: str, key: str) -> list[Any]:
        """``SheetData.column`` of ``sheet`` (empty without the sheet), taken once while
        ``columns_kept`` is on: a pass over 100,000 records scattered in memory costs 10-40 ms,
        and a report took 83 columns, 42 different ones (the ledger's completed_at seven
        times). The list is shared then: read it, never change it."""
        data = self.sheets.get(sheet)
        if data is None:
            return []
        if self.kept is None:
            return data.column(key)
        found = self.kept.get((sheet, key))
        if found is None or len(found) != len(data.records):
            found = self.kept[(sheet, key)] = data.column(key)
        return found

    @contextmanager
    def columns_kept(self) -> Iterator[None]:
        """Each column taken once until the outermost of these ends (then let go)."""
        outermost = self.kept is None
        if outermost:
            self.kept = {}
        try:
            yield
        finally:
            if outermost:
                self.kept = None

    def __getitem__(self, key: str) -> list[Record]:
        data = self.sheets.get(key)
        return data.records if data else []

    def index(self, key: str, field_key: str) -> dict[Any, Record]:
        """The first record per value of ``field_key`` (a unique column), for references."""
        data = self.sheets.get(key)
        if data is None:
            return {}
        return first_by(self.column(key, field_key), data.records)

    @classmethod
    def from_lists(cls, **sheets: Iterable[dict[str, Any]]) -> Records:
        """Records built in code (tests, other sources): ``Records.from_lists(staff=[{...}])``."""
        result = cls()
        for key, rows in sheets.items():
            data = SheetData(key=key, name=key, header_row=1)
            listed = [dict(values) for values in rows]
            kind = Record.kind(key, tuple(dict.fromkeys(k for values in listed for k in values)))
            for number, values in enumerate(listed, start=2):
                data.records.append(kind.make(values, number, set()))
            result.sheets[key] = data
        return result
