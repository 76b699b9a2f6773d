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

import ctypes
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
_SMALL_SHEET = (
    4 << 20
)  # bytes of sheet XML (some 20,000 cells): loaded ahead without a second thought
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


_Errors = dict[int, list[tuple[int, str]]]  # row -> [(0-based column, error text)]


def _done(value: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(value)
    return future


@dataclass
class _Loaded:
    """A sheet calamine has read, and the error cells it could not give: (row, column) -> text."""

    sheet: Any
    errors: _Errors = field(default_factory=dict)
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
            self._parts, self._sizes_xml = _sheet_parts(path)
        except Exception as exc:  # zip, XML and calamine errors: all mean a broken book
            raise BookError(
                f"{path}: the file is damaged or not an Excel workbook ({exc})"
            ) from None
        self._order: list[str] = []
        self._pending: dict[str, Future[Any]] = {}
        self._scans: dict[str, Future[_Errors | None]] = {}
        self._loader: ThreadPoolExecutor | None = None  # calamine: one sheet at a time
        self._scanner: ThreadPoolExecutor | None = None  # error cells, beside the loader
        self._sizes: dict[str, int] = {}

    def sheet_names(self) -> list[str]:
        return list(self._names)

    def prefetch(self, names: Sequence[str]) -> None:
        """The sheets about to be read, in order: while one is parsed, the next one loads.

        Every sheet's error scan is queued at once: they run while the first sheet loads and
        the main thread has nothing to parse yet, so later they take no core from parsing.
        """
        self._order = [name for name in names if name in self._names]
        if self._order:
            self._start(self._order[0])
        for name in self._order:
            self._scan(name)

    def rows(self, sheet: str) -> Iterator[Row]:
        loaded = self._take(sheet)
        end = loaded.sheet.end
        self._sizes[sheet] = 0 if end is None else end[0] + 1
        self._start_after(sheet)
        if loaded.use_openpyxl:
            yield from self._openpyxl_rows(sheet)
            return
        yield from _rows(loaded)
        del loaded  # the sheet's cells, now parsed: free them before the next sheet
        _give_back_memory()

    def row_count(self, sheet: str) -> int | None:
        """Rows in ``sheet`` (its last row number), once its reading has begun: for progress."""
        return self._sizes.get(sheet)

    def close(self) -> None:
        for future in [*self._pending.values(), *self._scans.values()]:
            future.cancel()
        for worker in (self._loader, self._scanner):
            if worker is not None:
                worker.shutdown(wait=True)
        self._loader = self._scanner = None
        self._pending.clear()
        self._scans.clear()
        self._book.close()

    def __enter__(self) -> CalamineBook:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- loading -------------------------------------------------------------------------------

    def _start_after(self, sheet: str) -> None:
        """Start loading the sheets read after ``sheet``: up to and including the next big one,
        so at most one big sheet waits in memory beside the one being parsed."""
        if sheet not in self._order:
            return
        for following in self._order[self._order.index(sheet) + 1 :]:
            self._start(following)
            if self._sizes_xml.get(following, 0) >= _SMALL_SHEET:
                break

    def _start(self, sheet: str) -> None:
        """Load ``sheet`` in the background (calamine releases the GIL) while the main thread
        parses the sheet before it; its error scan runs on a second thread."""
        if sheet in self._pending:
            return
        if self._loader is None:
            self._loader = ThreadPoolExecutor(1, thread_name_prefix="svctools-load")
        self._pending[sheet] = self._loader.submit(self._book.get_sheet_by_name, sheet)
        self._scan(sheet)

    def _scan(self, sheet: str) -> None:
        if sheet in self._scans:
            return
        part = self._parts.get(sheet)
        if part is None:
            self._scans[sheet] = _done({})
            return
        if self._scanner is None:
            self._scanner = ThreadPoolExecutor(1, thread_name_prefix="svctools-scan")
        self._scans[sheet] = self._scanner.submit(_error_cells, self.path, part)

    def _take(self, sheet: str) -> _Loaded:
        self._start(sheet)
        loading, scanning = self._pending.pop(sheet), self._scans.pop(sheet)
        try:
            data, errors = loading.result(), scanning.result()
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


def _give_back_memory() -> None:
    """Hand a freed sheet's memory back to the system at once (glibc keeps it otherwise), so
    the next sheets and the records do not stack on top of it. Elsewhere: nothing to do."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


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


def _sheet_parts(path: Path) -> tuple[dict[str, str], dict[str, int]]:
    """Sheet name -> its XML part in the zip (from ``workbook.xml`` and its relationships), and
    sheet name -> the part's size."""
    from defusedxml.ElementTree import fromstring

    with zipfile.ZipFile(path) as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}
        workbook_part = "xl/workbook.xml"
        rels_part = "xl/_rels/workbook.xml.rels"
        if workbook_part not in sizes or rels_part not in sizes:
            return {}, {}
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
    return parts, {name: sizes.get(part, 0) for name, part in parts.items()}


def _error_cells(path: Path, part: str) -> _Errors | None:
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


def _locate_errors(archive: zipfile.ZipFile, part: str) -> _Errors | None:
    found: _Errors = {}
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


def _errors_in(region: bytes, found: _Errors) -> bool:
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
