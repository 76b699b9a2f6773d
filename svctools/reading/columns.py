"""Reading a block of rows column by column: the cell rules of ``values`` in C-level passes.

Why: a big book has millions of cells, almost all already typed (real date-times, whole
numbers, plain text, a handful of labels repeated). A column of a block of rows is read with a
few C-level passes (``map``, ``set``, ``max``) that give exactly what ``values.cell_reader``
gives cell by cell; only the odd cells (a date typed as text, a phone stored as a number) and
whole columns that fit no fast path are read cell by cell.

A column reader takes the raw values of one column of a block (as either reader gives them:
calamine's ``''`` and floats, openpyxl's ``None`` and ints) and returns the parsed values, with
``BAD`` where ``cell_reader`` would raise (a bad cell, a blank in a required column, a time
after ``latest``), and whether any ``BAD`` may be among them. The caller reads the rows
holding a ``BAD`` again, cell by cell, to report them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from itertools import compress, repeat
from operator import attrgetter, is_not, not_
from typing import Any

from svctools.core.schema import Column
from svctools.reading.values import (
    EXCEL_ERRORS,
    PLAIN_EMAIL,
    PLAIN_MOBILE,
    CellError,
    cell_reader,
)
from svctools.sources.base import EPOCH_1900, INT_LIMIT, normalise_cell

Read = tuple[list[Any], bool]  # the parsed values, and whether a ``BAD`` may be among them
ColumnReader = Callable[[Sequence[Any]], Read]  # a block's column: a tuple or a list

_CACHE_LIMIT = 1 << 16  # distinct raw values remembered per column
_NONE = type(None)
_RAW = frozenset({str, int, float, bool, datetime, date, time, _NONE})  # what readers give
_MICROSECOND = attrgetter("microsecond")
_TZINFO = attrgetter("tzinfo")


class _Bad:
    """A cell ``cell_reader`` refuses: its row is read again cell by cell."""

    def __repr__(self) -> str:
        return "BAD"


BAD: Any = _Bad()
_MISS = object()
_EMPTY_TO_NONE = {"": None}.get  # called (value, value): '' -> None, anything else as it is
_NONE_TO_EMPTY = {None: ""}.get
_NONE_TO_BAD = {None: BAD}.get  # a blank in a required column


class _Cells:
    """The careful path: one cell at a time through ``cell_reader``, ``BAD`` for a refusal."""

    def __init__(self, column: Column, latest: datetime | None, epoch: datetime) -> None:
        self.cell = cell_reader(column, latest, epoch)

    def one(self, value: Any) -> Any:
        try:
            return self.cell(normalise_cell(value))
        except CellError:
            return BAD

    def all(self, values: Sequence[Any]) -> Read:
        out = list(map(self.one, values))
        return out, BAD in out

    def patch(self, out: list[Any], odd: Sequence[int], values: Sequence[Any]) -> Read:
        """``out`` with the cells at ``odd`` read the careful way."""
        one = self.one
        for position in odd:
            out[position] = one(values[position])
        return out, True


def column_reader(
    column: Column, latest: datetime | None = None, epoch: datetime = EPOCH_1900
) -> ColumnReader:
    """The reader of ``column`` for whole blocks (see the module's docstring); ``epoch``: the
    book's serial day 0, for numbers in date columns."""
    cells = _Cells(column, latest, epoch)
    kind = column.type
    if kind == "text":
        return _text_reader(column, cells)
    if kind in ("datetime", "date"):
        return _moment_reader(column, latest, cells)
    if kind in ("enum", "bool", "int", "money"):
        return _cached_reader(column, cells)
    return _sparse_reader(column, cells)


def _plain_phone(value: Any) -> str | None:
    """A mobile number Excel stored as a number (``13812345678.0``), as ``cell_reader`` reads
    it; ``None``: read it the careful way."""
    kind = value.__class__
    if kind is float:
        if not value.is_integer() or not -INT_LIMIT < value < INT_LIMIT:
            return None
        value = int(value)
    elif kind is not int:
        return None
    text = str(value)
    return text if PLAIN_MOBILE.fullmatch(text) else None


def _plain_email(value: Any) -> str | None:
    """An ASCII e-mail address with nothing to clean (no NFKC change, no spaces), as it is."""
    if value.__class__ is str and value.isascii() and PLAIN_EMAIL.fullmatch(value):
        return str(value)
    return None


def _sparse_reader(column: Column, cells: _Cells) -> ColumnReader:
    """Phones and e-mails, each value its own: blanks pass in one C-level pass, a plain mobile
    number (text, or a number Excel made of it) and a plain e-mail address as they are; the
    rest are read one by one."""
    required, phone = column.required, column.type == "phone"
    plain = PLAIN_MOBILE.fullmatch
    quick = _plain_phone if phone else _plain_email

    def read(values: Sequence[Any]) -> Read:
        if not _RAW.issuperset(map(type, values)):
            return cells.all(values)
        out: list[Any] = list(map(_EMPTY_TO_NONE, values, values))
        suspect = False
        if required and None in out:
            out, suspect = list(map(_NONE_TO_BAD, out, out)), True
        if phone:
            odd = [
                i
                for i, v in enumerate(out)
                if (v.__class__ is not str or not plain(v)) and v is not None and v is not BAD
            ]
        else:
            odd = list(compress(range(len(out)), map(is_not, out, repeat(None))))
            odd = [i for i in odd if out[i] is not BAD] if suspect else odd
        rest = []
        for position in odd:
            found = quick(out[position])
            if found is None:
                rest.append(position)
            else:
                out[position] = found
        if not rest:
            return out, suspect
        out, _ = cells.patch(out, rest, values)
        return out, True

    return read


def _text_reader(column: Column, cells: _Cells) -> ColumnReader:
    """Text: stripped, ``''`` blank, Excel's error texts bad; a column that repeats itself
    (labels, staff IDs, models; the part numbers of stock moves: half of a block's values or
    more are repeats) stores each text once."""
    required = column.required
    blank: Callable[[Any, Any], Any] = {"": BAD if required else None}.get
    memo: dict[str, str] = {}
    shared: list[bool] = []  # decided on the first block: does the column repeat itself?

    def read(values: Sequence[Any]) -> Read:
        kinds = set(map(type, values))
        if not kinds <= {str, _NONE}:
            return cells.all(values)  # numbers, dates: cell by cell
        if _NONE in kinds:
            values = list(map(_NONE_TO_EMPTY, values, values))
        out: list[Any] = list(map(str.strip, values))
        suspect = False
        if "" in out:
            out = list(map(blank, out, out))
            suspect = required
        if not EXCEL_ERRORS.isdisjoint(out):
            out = [BAD if value in EXCEL_ERRORS else value for value in out]
            suspect = True
        if not shared:
            shared.append(len(set(out)) * 2 <= len(out))
        if shared[0] and len(memo) < _CACHE_LIMIT:
            out = list(map(memo.setdefault, out, out))
        return out, suspect

    return read


def _moment_reader(column: Column, latest: datetime | None, cells: _Cells) -> ColumnReader:
    """Date-times (and dates): real date-times pass as they are after three C-level checks
    (no fraction of a second to round, no time zone, none after ``latest``); other cells (a
    date typed as text, a number) are read one by one."""
    required, as_date = column.required, column.type == "date"
    last = latest or datetime.max
    fine = frozenset({datetime, date, _NONE} if as_date else {datetime, _NONE})

    def read(values: Sequence[Any]) -> Read:
        if not _RAW.issuperset(map(type, values)):
            return cells.all(values)
        out: list[Any] = list(map(_EMPTY_TO_NONE, values, values))
        kinds = list(map(type, out))
        found = set(kinds)
        moments: list[datetime] = (
            out if found == {datetime} else [v for v in out if v.__class__ is datetime]
        )
        if moments and (
            any(map(_MICROSECOND, moments))
            or any(map(_TZINFO, moments))
            or (not as_date and max(moments) > last)
        ):
            return cells.all(values)
        if as_date:
            out = [v.date() if v.__class__ is datetime else v for v in out]
        suspect = False
        if required and _NONE in found:
            out, suspect = list(map(_NONE_TO_BAD, out, out)), True
        if found <= fine:
            return out, suspect
        odd = list(compress(range(len(out)), map(not_, map(fine.__contains__, kinds))))
        return cells.patch(out, odd, values)

    return read


def _cached_reader(column: Column, cells: _Cells) -> ColumnReader:
    """Labels, flags, counts and amounts repeat: each distinct raw value is read once per
    column and remembered (readers are pure). ``1``, ``1.0`` and ``True`` are equal keys in
    a dict, and read alike only in a yes/no column: elsewhere a block holding a ``True`` or
    ``False`` is read cell by cell, and they are never remembered."""
    cache: dict[Any, Any] = {}
    refused = [False]  # a remembered value is ``BAD``: every block may hold one
    flags_apart = column.type != "bool"

    def read(values: Sequence[Any]) -> Read:
        kinds = set(map(type, values))
        if not kinds <= _RAW or (flags_apart and bool in kinds):
            return cells.all(values)
        out = list(map(cache.get, values, repeat(_MISS)))
        if _MISS in out:
            one = cells.one
            for position, value in enumerate(out):
                if value is _MISS:
                    raw = values[position]
                    found = cache.get(raw, _MISS)  # seen earlier in this block
                    if found is _MISS:
                        found = one(raw)
                        refused[0] = refused[0] or found is BAD
                        if len(cache) < _CACHE_LIMIT and (
                            raw.__class__ is not float or -INT_LIMIT < raw < INT_LIMIT
                        ):
                            cache[raw] = found
                    out[position] = found
        return out, refused[0]

    return read
