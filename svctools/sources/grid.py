"""How big a grid calamine will build for an ``.xls`` or ``.ods``, measured before it does.

Why: calamine loads every sheet of an ``.xls`` or ``.ods`` whole when the book is opened, as a
dense grid from the first to the last cell holding a value, about 32 bytes a cell however empty
(75 a cell with the values of a real ledger). One value typed in the last cell of an ``.xls``
(IV65536) makes a 16.7-million-cell grid, 0.5 GB, from a 7 KB file; an ``.ods`` cell that
says ``number-columns-repeated="5000"`` in a row repeated 5,000 times makes 25 million. Rust
cannot report running out of memory: the process aborts. So the cells holding values are
counted here first, from the file, and a book whose grids exceed ``MAX_CELLS`` is refused with
one line. The limits are measured (README "What it reads"): the 100,000-order bench book is
6.3 million cells as ``.ods`` (content.xml 745 MB, 468 MB of memory), 3.4 million as ``.xls``
(56 MB, cut by the format at 65,536 rows a sheet, 316 MB of memory).
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from svctools.core.errors import BookError
from svctools.core.messages import Msg
from svctools.sources.sheetxml import Merge
from svctools.sources.zipmember import part_of, unpacked

MAX_CELLS = 12_000_000  # all sheets' grids together: 0.4 GB empty, held twice while a sheet is read
MAX_ODS_CONTENT = 1536 << 20  # content.xml unpacked (the 100,000-order book: 745 MB)
MAX_XLS_BYTES = 256 << 20  # the .xls file (the fullest bench .xls: 56 MB)

_CHUNK = 1 << 22
_ROW_END = b"</table:table-row>"
_ROW = b"<table:table-row"
_VALUE = b"office:value-type"
_CLOSED_ROW = re.compile(rb"<table:table-row\b[^>]*/>")
_COLUMNS = re.compile(rb'number-columns-repeated\s*=\s*["\'](\d+)')
_ROWS = re.compile(rb'number-rows-repeated\s*=\s*["\'](\d+)')
_ROWS_SPANNED = re.compile(rb'number-rows-spanned\s*=\s*["\'](\d+)')
_COLUMNS_SPANNED = re.compile(rb'number-columns-spanned\s*=\s*["\'](\d+)')
_CELL_TAG = re.compile(rb"<table:(?:covered-)?table-cell\b[^>]*>")
# BIFF8 records of a cell holding a value (calamine skips BLANK and MULBLANK): row, column
# first; MULRK ends with its last column.
_CELLS = frozenset((0x00FD, 0x0203, 0x027E, 0x0006, 0x0205, 0x0204, 0x00D6))
_MULRK, _BOF, _EOF = 0x00BD, 0x0809, 0x000A
_RECORD = struct.Struct("<HHHH")


def check_ods(path: Path) -> list[OdsTable]:
    """Refuse an ``.ods`` whose content.xml or grid is beyond what calamine can hold; its
    tables as counted (calamine does not give an ``.ods``'s merged cells: they are here)."""
    with zipfile.ZipFile(path) as archive:
        try:
            info = archive.getinfo("content.xml")
        except KeyError:
            return []  # calamine says what is missing
        if info.file_size > MAX_ODS_CONTENT:
            _too_big(path, "content.xml", info.file_size, MAX_ODS_CONTENT)
    tables = _ods_tables(unpacked(path, part_of(info)))[1:]
    _check_cells(path, [(table.height, table.width) for table in tables])
    return tables


def check_xls(path: Path) -> None:
    """Refuse an ``.xls`` too big to load, or whose cells span a grid beyond the limit."""
    import olefile

    size = path.stat().st_size
    if size > MAX_XLS_BYTES:
        _too_big(path, path.name, size, MAX_XLS_BYTES)
    with olefile.OleFileIO(str(path)) as ole:
        name = "Workbook" if ole.exists("Workbook") else "Book"
        if not ole.exists(name):
            return  # calamine says what is missing
        data = ole.openstream(name).read()
    _check_cells(path, _xls_grids(data))


def _check_cells(path: Path, grids: list[tuple[int, int]]) -> None:
    cells = sum(rows * columns for rows, columns in grids)
    if cells > MAX_CELLS:
        rows, columns = max(grids, key=lambda grid: grid[0] * grid[1])
        raise BookError(
            Msg("file.grid_too_big", path=path, cells=cells, limit=MAX_CELLS, rows=rows,
                columns=columns)
        )  # fmt: skip


def _too_big(path: Path, part: str, size: int, limit: int) -> None:
    raise BookError(Msg("file.too_big", path=path, part=part, mb=size >> 20, limit=limit >> 20))


@dataclass
class OdsTable:
    """One table of content.xml as counted: rows seen, rows up to the last with a value, the
    widest row up to its last value, and its merged cells (rows 1-based, columns 0-based)."""

    seen: int = 0
    height: int = 0
    width: int = 0
    merges: list[Merge] = field(default_factory=list)


def _ods_tables(chunks: Iterable[bytes]) -> list[OdsTable]:
    """Each table of content.xml as calamine counts its grid: repeated rows and cells count
    each time, empty rows only before a row with a value. The first is what precedes them."""
    tables = [OdsTable()]
    carry = b""
    for chunk in chunks:
        buffer = carry + chunk
        cut = buffer.rfind(_ROW_END)
        if cut < 0:
            carry = buffer
            continue
        carry = buffer[cut + len(_ROW_END) :]
        at = 0
        for begins in _table_starts(buffer, cut):
            _ods_rows(buffer[at:begins], tables[-1])
            tables.append(OdsTable())
            at = begins
        _ods_rows(buffer[at:cut], tables[-1])
    tables.extend(OdsTable() for _ in _table_starts(carry, len(carry)))
    return tables


def _table_starts(buffer: bytes, end: int) -> list[int]:
    """Where each ``<table:table`` element starts (not its rows, columns or cells)."""
    found = []
    for mark in (b"<table:table ", b"<table:table>", b"<table:table\n", b"<table:table\t"):
        at = buffer.find(mark, 0, end)
        while at >= 0:
            found.append(at)
            at = buffer.find(mark, at + 1, end)
    return sorted(found)


def _ods_rows(text: bytes, table: OdsTable) -> None:
    """Count the rows in ``text`` (whole ``<table:table-row>`` elements) into ``table``."""
    seen, height, width = table.seen, table.height, table.width
    covered = b"<table:covered-table-cell" in text
    closed = _CLOSED_ROW.search(text) is not None  # rows without cells: height only
    repeated = b"rows-repeated" in text
    spanned = b"-spanned" in text
    for piece in text.split(_ROW_END):
        start = piece.find(_ROW)
        if start < 0:
            continue
        if closed and (later := piece.rfind(_ROW)) != start:
            seen += piece.count(_ROW, start, later)
            seen += sum(_span(m) - 1 for m in _ROWS.finditer(piece, start, later))
            start = later
        tag_end = piece.find(b">", start)
        if spanned and b"-spanned" in piece:
            table.merges.extend(_merges(piece, tag_end, seen + 1))
        seen += _span(_ROWS.search(piece, start, tag_end)) if repeated else 1
        last = piece.rfind(_VALUE, tag_end)
        if last < 0:
            continue
        height = seen
        cell = piece.rfind(b"<", tag_end, last)
        column = piece.count(b"<table:table-cell", tag_end, cell) + 1
        if covered:
            column += piece.count(b"<table:covered-table-cell", tag_end, cell)
        if piece.find(b"columns-repeated", tag_end, piece.find(b">", last)) >= 0:
            column += sum(
                int(n) - 1 for n in _COLUMNS.findall(piece, tag_end, piece.find(b">", last))
            )
        if column > width:
            width = column
    table.seen, table.height, table.width = seen, height, width


def _merges(piece: bytes, start: int, row: int) -> Iterator[Merge]:
    """The merged cells starting on this row (``number-rows-spanned``/``-columns-spanned``)."""
    column = 0
    for found in _CELL_TAG.finditer(piece, start):
        tag = found.group(0)
        rows, columns = _ROWS_SPANNED.search(tag), _COLUMNS_SPANNED.search(tag)
        down, across = _span(rows), _span(columns)
        if down > 1 or across > 1:
            yield row, column, row + down - 1, column + across - 1
        column += _span(_COLUMNS.search(tag))


def _span(found: re.Match[bytes] | None) -> int:
    return max(int(found.group(1)), 1) if found else 1


def _xls_grids(data: bytes) -> list[tuple[int, int]]:
    """(rows, columns) of each substream, from A1 to its last cell holding a value (BIFF8)."""
    grids: list[tuple[int, int]] = []
    bottom = right = -1
    at, end, unpack, cells = 0, len(data) - 8, _RECORD.unpack_from, _CELLS
    while at <= end:
        kind, size, row, column = unpack(data, at)
        at += 4 + size
        if kind in cells:
            if row > bottom:
                bottom = row
            if column > right:
                right = column
        elif kind == _MULRK and size >= 6:
            bottom = max(bottom, row)
            right = max(right, column, data[at - 2] | data[at - 1] << 8)
        elif kind == _EOF or kind == _BOF:
            if bottom >= 0:
                grids.append((bottom + 1, right + 1))
            bottom = right = -1
    if bottom >= 0:
        grids.append((bottom + 1, right + 1))
    return grids
