"""An ``.xlsx`` file as a ``BookSource`` read with python-calamine: the fast default reader.

Why: calamine parses a sheet in Rust about seven times faster than openpyxl's read-only mode
and releases the GIL while it does, so the next sheet loads on a second core while this one
is parsed (``prefetch``). The price: a whole sheet is held in memory while it is read
(about 1.6 KB per row), where openpyxl streams in flat memory; ``$SVCTOOLS_READER=openpyxl``
picks the streaming reader for books too big for the machine.

Every raw value is normalised here, in one place, to what ``XlsxBook`` (openpyxl) gives, so
everything above the reader parses both alike:

- blanks (``''``) are ``None``; calamine reads every number as a float, so a whole number
  becomes an ``int`` (as openpyxl reads ``<v>3</v>``); a date-time at midnight, which calamine
  gives as a ``date``, becomes a ``datetime``;
- calamine reads error cells (``#N/A``, ``#DIV/0!``) as blank: the sheet's XML is scanned for
  them (a fast search that finds nothing in almost every book) and their text is put back;
- calamine's rows start at the first used column and after padding rows: numbering and column
  positions are restored, so row numbers are the ones the clerk sees in Excel.
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from svctools.errors import BookError, ConfigError
from svctools.sources import BookSource, Row
from svctools.xlsx import sniff

_INT_LIMIT = 1e15  # openpyxl reads a whole number written as "1E+20" as a float: keep those
_CHUNK = 1 << 22
_ERROR_MARKS = (b' t="e"', b" t='e'")
_CELL_REF = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})([0-9]+)["']""")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c>")
_CELL_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)</(?:[\w.-]+:)?v>")
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def normalise(values: list[Any]) -> list[Any]:
    """One row of calamine values as openpyxl gives them (in place: the list is calamine's)."""
    for index, value in enumerate(values):
        kind = type(value)
        if kind is str:
            if not value:
                values[index] = None
        elif kind is float:
            if value.is_integer() and -_INT_LIMIT < value < _INT_LIMIT:
                values[index] = int(value)
        elif kind is date:
            values[index] = datetime(value.year, value.month, value.day)
    return values


@dataclass
class _Loaded:
    """A sheet calamine has read, and the error cells it could not give: (row, column) -> text."""

    sheet: Any
    errors: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    use_openpyxl: bool = False


class CalamineBook:
    """An ``.xlsx`` file read with python-calamine; sheets load in the background in read order."""

    def __init__(self, path: Path) -> None:
        from python_calamine import CalamineWorkbook

        sniff(path)
        self.path = path
        self.name = str(path)
        try:
            self._book = CalamineWorkbook.from_path(str(path))
            self._names: list[str] = list(self._book.sheet_names)
            self._parts = _sheet_parts(path)
        except Exception as exc:  # zip, XML and calamine errors: all mean a broken book
            raise BookError(
                f"{path}: the file is damaged or not an Excel workbook ({exc})"
            ) from None
        self._order: list[str] = []
        self._pending: dict[str, Future[_Loaded]] = {}
        self._worker: ThreadPoolExecutor | None = None
        self._sizes: dict[str, int] = {}

    def sheet_names(self) -> list[str]:
        return list(self._names)

    def prefetch(self, names: Sequence[str]) -> None:
        """The sheets about to be read, in order: while one is parsed, the next one loads."""
        self._order = [name for name in names if name in self._names]
        if self._order:
            self._start(self._order[0])

    def rows(self, sheet: str) -> Iterator[Row]:
        loaded = self._take(sheet)
        end = loaded.sheet.end
        self._sizes[sheet] = 0 if end is None else end[0] + 1
        if sheet in self._order:
            following = self._order.index(sheet) + 1
            if following < len(self._order):
                self._start(self._order[following])
        if loaded.use_openpyxl:
            yield from self._openpyxl_rows(sheet)
            return
        yield from _rows(loaded)

    def row_count(self, sheet: str) -> int | None:
        """Rows in ``sheet`` (its last row number), once its reading has begun: for progress."""
        return self._sizes.get(sheet)

    def close(self) -> None:
        for future in self._pending.values():
            future.cancel()
        if self._worker is not None:
            self._worker.shutdown(wait=True)
            self._worker = None
        self._pending.clear()
        self._book.close()

    def __enter__(self) -> CalamineBook:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- loading -------------------------------------------------------------------------------

    def _start(self, sheet: str) -> None:
        if sheet in self._pending:
            return
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="svctools-read")
        self._pending[sheet] = self._worker.submit(self._load, sheet)

    def _take(self, sheet: str) -> _Loaded:
        future = self._pending.pop(sheet, None)
        return future.result() if future is not None else self._load(sheet)

    def _load(self, sheet: str) -> _Loaded:
        """Read one sheet whole (calamine releases the GIL) and find its error cells."""
        try:
            data = self._book.get_sheet_by_name(sheet)
            part = self._parts.get(sheet)
            errors = _error_cells(self.path, part) if part else {}
        except Exception as exc:  # calamine's own errors, zip and XML errors
            raise BookError(f"{self.path}: sheet '{sheet}' is damaged ({exc})") from None
        if errors is None:
            return _Loaded(data, use_openpyxl=True)
        return _Loaded(data, errors)

    def _openpyxl_rows(self, sheet: str) -> Iterator[Row]:
        """Error cells calamine cannot place (no cell reference): the streaming reader is exact."""
        from svctools.xlsx import XlsxBook

        with XlsxBook(self.path) as book:
            yield from book.rows(sheet)


def _rows(loaded: _Loaded) -> Iterator[Row]:
    """Calamine's rows with Excel's numbering, columns from A, values normalised."""
    start = loaded.sheet.start
    if start is None:  # an empty sheet
        return
    pad = [None] * start[1]
    errors = loaded.errors
    fix: Callable[[list[Any]], list[Any]] = normalise
    for number, values in enumerate(loaded.sheet.iter_rows(), start=1):
        if pad:
            values = pad + values
        values = fix(values)
        if errors and number in errors:
            for column, text in errors[number]:
                if column < len(values):
                    values[column] = text
        yield number, values


def _sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> its XML part in the zip, from ``workbook.xml`` and its relationships."""
    from defusedxml.ElementTree import fromstring

    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        workbook_part = "xl/workbook.xml"
        rels_part = "xl/_rels/workbook.xml.rels"
        if workbook_part not in names or rels_part not in names:
            return {}
        workbook = fromstring(archive.read(workbook_part))
        rels = fromstring(archive.read(rels_part))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts: dict[str, str] = {}
    for sheet in workbook.iter(f"{{{_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{_RELS}}}id"))
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        parts[sheet.get("name", "")] = posixpath.normpath(part)
    return parts


def _error_cells(path: Path, part: str) -> dict[int, list[tuple[int, str]]] | None:
    """Error cells of a sheet part: row -> [(0-based column, text)]; ``None`` = cannot place them.

    A first pass only searches for ``t="e"`` while the XML streams by (nothing found in almost
    every book); only a sheet that has error cells is scanned again to locate them.
    """
    with zipfile.ZipFile(path) as archive:
        if part not in archive.namelist():
            return {}
        if not _has_error_mark(archive, part):
            return {}
        return _locate_errors(archive, part)


def _has_error_mark(archive: zipfile.ZipFile, part: str) -> bool:
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if any(mark in window for mark in _ERROR_MARKS):
                return True
            tail = window[-8:]
    return False


def _locate_errors(archive: zipfile.ZipFile, part: str) -> dict[int, list[tuple[int, str]]] | None:
    found: dict[int, list[tuple[int, str]]] = {}
    rest = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            buffer = rest + chunk
            cut = len(buffer) if not chunk else _last_cell_end(buffer)
            region, rest = buffer[:cut], buffer[cut:]
            if region and not _errors_in(region, found):
                return None
            if not chunk:
                return found


def _last_cell_end(buffer: bytes) -> int:
    """Where the last complete ``</c>`` in ``buffer`` ends (0: none yet)."""
    last = 0
    for match in _CELL_END.finditer(buffer):
        last = match.end()
    return last


def _errors_in(region: bytes, found: dict[int, list[tuple[int, str]]]) -> bool:
    """Collect the error cells in ``region`` (whole cells only); ``False`` if one has no ``r``."""
    for mark in _ERROR_MARKS:
        at = region.find(mark)
        while at >= 0:
            tag_start = region.rfind(b"<", 0, at)
            tag_end = region.find(b">", at)
            reference = _CELL_REF.search(region, tag_start, tag_end)
            if reference is None or tag_end < 0:
                return False
            if region[tag_end - 1 : tag_end] != b"/":  # <c t="e"/> holds no value
                end = _CELL_END.search(region, tag_end)
                value = _CELL_VALUE.search(region, tag_end, end.start() if end else len(region))
                if value is not None:
                    row = int(reference.group(2))
                    found.setdefault(row, []).append(
                        (_column_index(reference.group(1)), value.group(1).decode("utf-8"))
                    )
            at = region.find(mark, at + 1)
    return True


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


READER_ENV = "SVCTOOLS_READER"
READERS = ("calamine", "openpyxl")


def open_xlsx(path: Path) -> BookSource:
    """The reader for an ``.xlsx`` path: calamine (fast, whole sheets in memory) by default;
    ``$SVCTOOLS_READER=openpyxl`` streams in flat memory for books too big for the machine."""
    choice = os.environ.get(READER_ENV, "").strip().lower() or "calamine"
    if choice not in READERS:
        raise ConfigError(f"${READER_ENV}={choice!r}: choose one of {', '.join(READERS)}")
    if choice == "calamine" and path.suffix.lower() in (".xlsx", ".xlsm"):
        return CalamineBook(path)
    from svctools.xlsx import XlsxBook

    return XlsxBook(path)
