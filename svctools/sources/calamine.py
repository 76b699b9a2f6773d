"""An ``.xlsx`` file as a ``BookSource`` read with python-calamine: the fast default reader.

Why: calamine parses a sheet in Rust several times faster than openpyxl's read-only mode and
releases the GIL while it does, so the next sheet loads on a second core while this one is
parsed (``prefetch``). The price: a whole sheet is held in memory while it is read (about
1.6 KB per row), where openpyxl streams in flat memory; ``$SVCTOOLS_READER=openpyxl`` picks
the streaming reader for books too big for the machine (see docs/performance.md).

Above this reader everything parses both readers alike. ``rows`` gives values as ``XlsxBook``
(openpyxl) gives them; ``blocks``, the fast path, gives them as calamine does and
``columns.normalise_cell`` tells how the two differ: calamine's blank is ``''``, a whole number
a float, a date-time at midnight a ``date``. Here:

- calamine reads error cells (``#N/A``, ``#DIV/0!``) as blank: the sheet's XML is searched for
  them (nothing is found in almost every book) and their text is put back;
- calamine's rows start at the first used column: positions are restored, and row numbers
  are the ones the clerk sees in Excel.

Before calamine loads a sheet, a quick pass over its XML checks that it is safe to: calamine
builds a dense grid from the first to the last used cell, so one stray value in column XFD or
row 1,048,576 (or a zip bomb) would exhaust memory. Such a sheet is read by openpyxl instead.
"""

from __future__ import annotations

import ctypes
import gc
import os
import posixpath
import re
import threading
import zipfile
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from svctools.core.errors import BookError, ConfigError
from svctools.core.messages import Msg
from svctools.core.records import column_number
from svctools.sources.base import (
    BLOCK_ROWS,
    EPOCH_1900,
    EPOCH_1904,
    OLE,
    OTHER_KINDS,
    Block,
    BookSource,
    Row,
    blocks_of,
    normalise_cell,
)
from svctools.sources.sheetxml import (
    Cells,
    Merge,
    has_uncalculated,
    locate_uncalculated,
    merges_in,
    put_uncalculated,
    table_totals,
)
from svctools.sources.xlsx import XlsxBook, sniff, sniff_file
from svctools.sources.zipmember import Part as _Part
from svctools.sources.zipmember import unpacked as _unpacked

READER_ENV = "SVCTOOLS_READER"
READERS = ("calamine", "openpyxl")

_CHUNK = 1 << 22  # bytes of sheet XML looked at at a time
_EDGE = 64  # bytes kept from the chunk before, for marks split between two chunks
_LOADERS = 2  # sheets calamine loads at once, each on its own thread with its own workbook
# and sheets checked at once: a load waits for its sheet's check, so one checker made the
# second big sheet wait for the checks of both (2.1 s of the 300,000-move stock book's start)
_AHEAD = 2  # big sheets held at once: the one being parsed, one loaded (or loading) ahead
_SMALL_SHEET = 4 << 20  # XML bytes (some 20,000 cells): such a sheet is loaded ahead freely
_CELL_BYTES = 32  # calamine's memory per cell of its grid
_GRID_BUDGET = 2 << 30  # bytes of grid allowed whatever the XML size (a 1M-row ledger: 0.7 GB)
_BOMB_SIZE, _BOMB_RATIO = 64 << 20, 100  # XML this big and this compressible is not a ledger

_ERROR_MARKS = (b' t="e"', b" t='e'")
_FORMULA_TAGS = (b"<f", b":f")  # the start of a formula element, plain or with a prefix
_ROW_REF = b'<row r="'
_WIDE = re.compile(rb' r="[A-Z]{2}')  # a cell beyond column Z
_ROW_NUMBER = re.compile(rb"<(?:[\w.-]+:)?row\b[^>]*?\sr\s*=\s*[\"']([0-9]+)")
_CELL_COLUMN = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})[0-9]""")
_CELL_REF = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})([0-9]+)["']""")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c>")
_CELL_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)</(?:[\w.-]+:)?v>")
_WORKBOOK_TYPES = frozenset(
    f"application/vnd.{kind}.main+xml"
    for kind in (
        "openxmlformats-officedocument.spreadsheetml.sheet",
        "openxmlformats-officedocument.spreadsheetml.template",
        "ms-excel.sheet.macroEnabled",
        "ms-excel.template.macroEnabled",
    )
)
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

_Errors = dict[int, list[tuple[int, str]]]  # Excel row -> [(0-based column, error text)]


def open_xlsx(path: Path, password: str | None = None) -> BookSource:
    """The reader for an ``.xlsx`` path: calamine (fast, whole sheets in memory) by default;
    ``$SVCTOOLS_READER=openpyxl`` streams in flat memory for books too big for the machine.
    A password-protected book is decrypted in memory and read by openpyxl."""
    from svctools.sources.crypto import decrypt, is_encrypted, password_for

    if path.is_dir():
        from svctools.sources.csvbook import CsvFolderBook

        return CsvFolderBook(path)
    if path.is_file() and is_encrypted(path):
        return XlsxBook(path, decrypt(path, password_for(path, password)))
    kind = _other_kind(path)
    if kind is not None:  # .xls, .ods: calamine whatever $SVCTOOLS_READER says
        from svctools.sources.calamine_other import CalamineOther

        sniff_file(path)
        if kind == "xlsb":  # calamine drops the cells other programs write in the short form
            raise BookError(Msg("file.xlsb", path=path))
        return CalamineOther(path, kind)
    choice = os.environ.get(READER_ENV, "").strip().lower() or "calamine"
    if choice not in READERS:
        raise ConfigError(
            Msg("file.reader_env", env=READER_ENV, choice=choice, choices=", ".join(READERS))
        )
    if choice == "calamine" and path.suffix.lower() in (".xlsx", ".xlsm"):
        return CalamineBook(path)
    return XlsxBook(path)


def _other_kind(path: Path) -> str | None:
    """``xls``, ``xlsb`` or ``ods`` by the file's name, or ``xls`` for an old Excel file
    renamed ``.xlsx`` (its first bytes); ``None`` for an ``.xlsx``."""
    kind = OTHER_KINDS.get(path.suffix.lower())
    if kind is None and path.is_file():
        with open(path, "rb") as handle:
            kind = "xls" if handle.read(8) == OLE else None
    return kind


@dataclass
class _Verdict:
    """What a look at a sheet's XML found: its error cells, or why openpyxl must read it."""

    errors: _Errors = field(default_factory=dict)
    openpyxl: str = ""  # the reason; empty: calamine may load the sheet
    uncalculated: Cells = field(default_factory=dict)  # formula cells without a stored result
    merges: list[Merge] = field(default_factory=list)


class CalamineBook:
    """An ``.xlsx`` file read with python-calamine; sheets load in the background.

    Helper threads: two check each sheet's XML (``_inspect``); two load sheets with calamine,
    each with its own workbook, a sheet only once its check has passed; the main thread parses.
    At most ``_AHEAD`` big sheets are held at once (the one being parsed and those loaded
    ahead), and loads are started by the main thread only, in reading order.
    """

    def __init__(self, path: Path) -> None:
        from python_calamine import CalamineWorkbook, SheetVisibleEnum

        sniff(path)
        self.path = path
        self.name = str(path)
        try:
            _check_workbook_part(path)
            self._book = CalamineWorkbook.from_path(str(path))
            self._names: list[str] = list(self._book.sheet_names)
            self._hidden = {
                sheet.name
                for sheet in self._book.sheets_metadata
                if sheet.visible != SheetVisibleEnum.Visible
            }
            self._parts = _sheet_parts(path)
            self.epoch = EPOCH_1904 if _date1904(path) else EPOCH_1900
        except Exception as exc:  # zip, XML and calamine errors: all mean a broken book
            raise BookError(Msg("file.damaged", path=path, detail=exc)) from None
        self._guards: dict[str, Future[_Verdict]] = {}
        self._loads: dict[str, Future[Any]] = {}
        self._queue: deque[str] = deque()  # sheets to load ahead, in reading order
        self._announced: list[str] = []
        self._window: set[str] = set()  # loaded ahead (or loading), not parsed yet
        self._closing = False
        self._books = [self._book]  # every workbook opened; the free ones go to loader threads
        self._free = [self._book]
        self._lock = threading.Lock()
        self._local = threading.local()
        self._checker: ThreadPoolExecutor | None = None
        self._loader: ThreadPoolExecutor | None = None
        self._sizes: dict[str, int] = {}
        self._fallback: XlsxBook | None = None
        self._merges: dict[str, list[Merge]] = {}

    def sheet_names(self) -> list[str]:
        return list(self._names)

    def hidden_sheets(self) -> set[str]:
        """The sheets the clerk does not see (hidden or very hidden)."""
        return set(self._hidden)

    def totals_rows(self, sheet: str) -> set[int]:
        """The total rows of the sheet's Excel Tables."""
        part = self._parts.get(sheet)
        if part is None:
            return set()
        with zipfile.ZipFile(self.path) as archive:
            return table_totals(archive, part.member)

    def merged(self, sheet: str) -> list[Merge]:
        """The merged ranges of ``sheet``, known once its reading has begun."""
        if self._fallback is not None and sheet not in self._merges:
            return self._fallback.merged(sheet)
        return self._merges.get(sheet, [])

    def read_order(self, names: Sequence[str]) -> list[str]:
        """The order to read ``names`` in: the small sheets (staff, stores: parsed at once while
        the big ones load), then the big ones, the biggest first. Why the biggest first: it
        takes longest to load, so it starts at once, and a sheet is held whole while it is
        parsed, so parsing the biggest while few records exist yet keeps the peak low (the
        records of a whole book plus the biggest sheet would be more than twice the memory
        the fastest reader needs)."""
        return sorted(names, key=lambda name: (self._size(name) >= _SMALL_SHEET, -self._size(name)))

    def prefetch(self, names: Sequence[str], load: bool = True) -> None:
        """The sheets about to be read, in this order: they are checked and loaded ahead;
        with ``load=False`` only checked (a check is cheap to abandon, a load is not).
        Announcing the same order again changes nothing."""
        order = [name for name in names if name in self._names]
        for name in order:
            self._guard(name)
        if not load or order == self._announced:
            return
        self._announced = order
        self._queue = deque(order)
        self._fill()

    def rows(self, sheet: str) -> Iterator[Row]:
        for numbers, rows in self.blocks(sheet):
            for number, values in zip(numbers, rows, strict=True):
                yield number, list(map(normalise_cell, values))

    def blocks(self, sheet: str) -> Iterator[Block]:
        """The rows of ``sheet`` in blocks, values as calamine gives them (see ``BookSource``)."""
        if sheet in self._queue:  # read out of the announced order: load it now
            self._queue.remove(sheet)
        held = sheet in self._window
        try:
            sheet_data, verdict = self._take(sheet)
            self._merges[sheet] = verdict.merges
            if sheet_data is None:  # unsafe for calamine, or error cells it cannot place
                yield from blocks_of(self._openpyxl_rows(sheet))
                return
            end = sheet_data.end
            self._sizes[sheet] = 0 if end is None else end[0] + 1
            yield from _blocks(sheet_data, verdict.errors, verdict.uncalculated)
            del sheet_data  # the sheet's cells, now parsed: free them before the next sheet
            _give_back_memory()
        finally:
            if held:
                self._window.discard(sheet)
                self._fill()

    def row_count(self, sheet: str) -> int | None:
        """Rows in ``sheet`` (its last row number), once its reading has begun: for progress."""
        return self._sizes.get(sheet)

    def close(self) -> None:
        self._closing = True
        self._queue.clear()
        for worker in (self._loader, self._checker):
            if worker is not None:
                worker.shutdown(wait=True, cancel_futures=True)
        self._loader = self._checker = None
        self._loads.clear()
        self._guards.clear()
        if self._fallback is not None:
            self._fallback.close()
        for book in self._books:
            book.close()

    def __enter__(self) -> CalamineBook:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- loading -------------------------------------------------------------------------------

    def _guard(self, sheet: str) -> Future[_Verdict]:
        """The check a load of ``sheet`` waits for (one pass: safety and error cells)."""
        if sheet not in self._guards:
            part = self._parts.get(sheet)
            if part is None:  # calamine will say what is wrong
                done: Future[_Verdict] = Future()
                done.set_result(_Verdict())
                self._guards[sheet] = done
            else:
                if self._checker is None:
                    self._checker = ThreadPoolExecutor(
                        _LOADERS, thread_name_prefix="svctools-check"
                    )
                self._guards[sheet] = self._checker.submit(_inspect, self.path, part)
        return self._guards[sheet]

    def _fill(self) -> None:
        """Keep ``_AHEAD`` big sheets loaded or loading (main thread only); small sheets come
        along freely. The biggest sheet let in starts first, on a loader of its own, the others
        follow in reading order on the other loader."""
        admitted: list[str] = []
        while self._queue and len(self._window) < _AHEAD:
            sheet = self._queue.popleft()
            if self._size(sheet) >= _SMALL_SHEET:
                self._window.add(sheet)
            admitted.append(sheet)
        if admitted:
            biggest = max(admitted, key=self._size)
            for sheet in [biggest, *(name for name in admitted if name != biggest)]:
                self._start(sheet)

    def _size(self, sheet: str) -> int:
        part = self._parts.get(sheet)
        return 0 if part is None else part.size

    def _start(self, sheet: str) -> None:
        """Load ``sheet`` in the background (calamine releases the GIL) once it passed its
        check, while the main thread parses the sheets before it."""
        if sheet in self._loads:
            return
        if self._loader is None:
            self._loader = ThreadPoolExecutor(_LOADERS, thread_name_prefix="svctools-load")
        self._loads[sheet] = self._loader.submit(self._load, sheet, self._guard(sheet))

    def _load(self, sheet: str, guard: Future[_Verdict]) -> Any:
        if self._closing or guard.result().openpyxl:
            return None
        return self._own_book().get_sheet_by_name(sheet)

    def _own_book(self) -> Any:
        """This loader thread's workbook: a workbook object loads one sheet at a time."""
        book = getattr(self._local, "book", None)
        if book is None:
            from python_calamine import CalamineWorkbook

            with self._lock:
                book = self._free.pop() if self._free else None
            if book is None:
                book = CalamineWorkbook.from_path(str(self.path))
                with self._lock:
                    self._books.append(book)
            self._local.book = book
        return book

    def _take(self, sheet: str) -> tuple[Any, _Verdict]:
        self._start(sheet)
        loading, checking = self._loads.pop(sheet), self._guards.pop(sheet)
        try:
            data, verdict = loading.result(), checking.result()
        except Exception as exc:  # calamine's own errors, zip and XML errors: openpyxl reads
            # the sheet, or refuses it in its own words (the same as with $SVCTOOLS_READER)
            return None, _Verdict(openpyxl=f"calamine cannot read it ({exc})")
        return (None if verdict.openpyxl else data), verdict

    def _openpyxl_rows(self, sheet: str) -> Iterator[Row]:
        """A sheet calamine should not or cannot read exactly: the streaming reader reads it."""
        if self._fallback is None:
            self._fallback = XlsxBook(self.path)
            gc.collect()  # opening can leave a whole sheet's text in cycles; the caller may have
            # turned automatic collection off while reading (``read_book`` does)
        yield from self._fallback.rows(sheet)


def _blocks(sheet: Any, errors: _Errors, uncalculated: Cells) -> Iterator[Block]:
    """Calamine's rows with Excel's numbering, columns from A, error cells put back and
    formulas without a stored result marked."""
    start = sheet.start
    if start is None:  # an empty sheet
        return
    pad = [None] * start[1]
    rows, number = sheet.iter_rows(), 1
    while block := list(islice(rows, BLOCK_ROWS)):
        if pad:
            block = [pad + values for values in block]
        numbers = range(number, number + len(block))
        if errors:
            for row in set(errors).intersection(numbers):
                values = block[row - number]
                for column, text in errors[row]:
                    if column < len(values):
                        values[column] = text
        if uncalculated:
            for row in set(uncalculated).intersection(numbers):
                block[row - number] = put_uncalculated(block[row - number], uncalculated[row])
        yield numbers, block
        number += len(block)


def _give_back_memory() -> None:
    """Hand a freed sheet's memory back to the system at once (glibc keeps it otherwise), so
    the next sheets and the records do not stack on top of it. Elsewhere: nothing to do."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _check_workbook_part(path: Path) -> None:
    """Refuse what openpyxl refuses: a package whose content types name no workbook part (a
    Word document renamed ``.xlsx``, say), with the same words."""
    from defusedxml.ElementTree import fromstring

    with zipfile.ZipFile(path) as archive:
        types = fromstring(archive.read("[Content_Types].xml"))
    declared = {item.get("ContentType") for item in types}
    if not declared & _WORKBOOK_TYPES:
        raise ValueError("File contains no valid workbook part")


_DATE1904 = re.compile(rb"""<(?:[\w.-]+:)?workbookPr\b[^>]*\bdate1904\s*=\s*["'](1|true)["']""")


def _date1904(path: Path) -> bool:
    """The book counts dates from 1904 (``<workbookPr date1904="1">``)."""
    with zipfile.ZipFile(path) as archive:
        names = {name.lower(): name for name in archive.namelist()}
        member = names.get("xl/workbook.xml")
        return member is not None and bool(_DATE1904.search(archive.read(member)[:65536]))


def _sheet_parts(path: Path) -> dict[str, _Part]:
    """Sheet name -> its XML part, found as calamine finds it (``workbook.xml``, its
    relationships, member names compared case-insensitively)."""
    from defusedxml.ElementTree import fromstring

    with zipfile.ZipFile(path) as archive:
        infos = {info.filename.lower(): info for info in archive.infolist()}
        workbook = infos.get("xl/workbook.xml")
        rels = infos.get("xl/_rels/workbook.xml.rels")
        if workbook is None or rels is None:
            return {}
        sheets = fromstring(archive.read(workbook))
        targets = {rel.get("Id"): rel.get("Target", "") for rel in fromstring(archive.read(rels))}
    parts: dict[str, _Part] = {}
    for sheet in sheets.iter(f"{{{_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{_RELS}}}id")) or ""
        if target.startswith("/xl/"):
            target = target[1:]
        elif not target.startswith("xl/"):
            target = "xl/" + target
        info = infos.get(posixpath.normpath(target).lower())
        if info is not None:
            parts[sheet.get("name", "")] = _Part(
                info.filename,
                info.file_size,
                info.compress_size,
                info.header_offset,
                info.compress_type,
                info.flag_bits,
            )
    return parts


def _chunks(path: Path, part: _Part) -> Iterator[tuple[bytes, bytes]]:
    """The sheet's XML as it unpacks: each chunk, and the bytes around its start (``edge``)."""
    tail = b""
    for chunk in _unpacked(path, part):
        yield chunk, tail + chunk[:_EDGE]
        tail = chunk[-_EDGE:]


def _inspect(path: Path, part: _Part) -> _Verdict:
    """Is the sheet safe for calamine, and where are its error cells, formulas without a
    stored result and merged cells?"""
    verdict, marked, formulas = _look(path, part)
    if verdict.openpyxl:
        return verdict
    if formulas:
        verdict.uncalculated = locate_uncalculated(_unpacked(path, part))
    if not marked:
        return verdict
    with zipfile.ZipFile(path) as archive:
        errors = _locate_errors(archive, part.member)
    if errors is None:
        return _Verdict(openpyxl="error cells without a cell reference")
    verdict.errors = errors
    return verdict


def _look(path: Path, part: _Part) -> tuple[_Verdict, bool, bool]:
    """One pass over the sheet's XML: the grid calamine would build (rows × columns between the
    first and last used cell; a wide sheet gets a second, exact pass), the merged ranges, and
    whether any cell is an error cell (``t="e"``) or a formula without a stored result (both
    found in almost no book)."""
    if part.size > _BOMB_SIZE and part.size > _BOMB_RATIO * max(part.packed, 1):
        ratio = part.size // max(part.packed, 1)
        return _Verdict(openpyxl=f"XML {ratio} times its packed size"), False, False
    last_row, wide, marked, formulas, tags = 0, False, False, False, False
    merges: set[Merge] = set()
    for chunk, edge in _chunks(path, part):
        at = chunk.rfind(_ROW_REF)
        if at >= 0:
            digits = chunk[at + len(_ROW_REF) : at + len(_ROW_REF) + 8].split(b'"')[0]
            last_row = max(last_row, int(digits) if digits.isdigit() else 0)
        wide = wide or bool(_WIDE.search(chunk) or _WIDE.search(edge))
        marked = marked or _has_error_mark(chunk, edge)
        # A formula's marks follow its <f> (or <x:f>) tag: a sheet of plain values (almost
        # every ledger) is searched for those two bytes, not for the six marks, and only
        # where an "f" is at all (a one-byte search, twenty times faster than a two-byte one).
        tags = tags or (
            (b"f" in chunk or b"f" in edge)
            and any(tag in chunk or tag in edge for tag in _FORMULA_TAGS)
        )
        formulas = formulas or (tags and has_uncalculated(chunk, edge))
        merges_in(chunk, edge, merges)
    rows, columns = last_row, 26
    if wide:
        rows, columns = _extent(path, part)
    if rows * columns * _CELL_BYTES > max(_GRID_BUDGET, 4 * part.size):
        reason = f"its cells span {rows:,} rows × {columns:,} columns"
        return _Verdict(openpyxl=reason), False, False
    return _Verdict(merges=sorted(merges)), marked, formulas


def _has_error_mark(chunk: bytes, edge: bytes) -> bool:
    """Whether ``t="e"`` (or ``t='e'``) is in ``chunk`` or ``edge``. Why the detour: a search
    for a needle ending in a quote stops at every quote of the XML; ``"e"`` is searched for
    first, twice as fast, and ``'`` is in almost no sheet (a one-byte search)."""
    if any(mark in edge for mark in _ERROR_MARKS):
        return True
    double, single = _ERROR_MARKS
    return (b'"e"' in chunk and double in chunk) or (b"'" in chunk and single in chunk)


def _extent(path: Path, part: _Part) -> tuple[int, int]:
    """Rows and columns between the first and last used cell, counted exactly (wide sheets)."""
    last_row, letters = 0, set()
    for chunk, edge in _chunks(path, part):
        for text in (chunk, edge):
            last_row = max([last_row, *map(int, _ROW_NUMBER.findall(text))])
            letters.update(_CELL_COLUMN.findall(text))
    columns = [column_number(name.decode("ascii")) for name in letters] or [1]
    return last_row, max(columns) - min(columns) + 1


def _locate_errors(archive: zipfile.ZipFile, member: str) -> _Errors | None:
    found: _Errors = {}
    rest = b""
    with archive.open(member) as stream:
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
                    found.setdefault(int(reference.group(2)), []).append(
                        (
                            column_number(reference.group(1).decode("ascii")) - 1,
                            value.group(1).decode("utf-8"),
                        )
                    )
            at = region.find(mark, at + 1)
    return True
