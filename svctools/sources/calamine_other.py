"""``.xls`` (Excel 97–2003, still WPS's default in many offices) and ``.ods`` books, read
with python-calamine: the same values as an ``.xlsx`` (checked against LibreOffice's conversions),
the same rules above (SPEC §7.6).

Why no XML scan here as for ``.xlsx``: an ``.xls`` or ``.ods`` always stores a formula's result
(the programs that write them calculate on save), and calamine gives their merged cells (``.xls``,
``.xlsb``) itself. What calamine does not say is the date system: ``.xls`` keeps it in a
``DATEMODE`` record, ``.ods`` in ``<table:null-date>``; both are looked up here.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from svctools.core.errors import BookError
from svctools.core.messages import Msg
from svctools.sources.base import (
    BLOCK_ROWS,
    EPOCH_1900,
    EPOCH_1904,
    OLE,
    Block,
    Row,
    normalise_cell,
)
from svctools.sources.grid import OdsTable, check_ods, check_xls
from svctools.sources.sheetxml import Merge

_NULL_DATE = re.compile(rb"<table:null-date\b[^>]*table:date-value=\"(\d{4})-")
_DATEMODE, _EOF = 0x0022, 0x000A


class CalamineOther:
    """An ``.xls``, ``.xlsb`` or ``.ods`` book; each sheet loaded whole when it is read."""

    def __init__(self, path: Path, kind: str) -> None:
        from python_calamine import CalamineWorkbook, SheetVisibleEnum

        self.path, self.name, self.kind = path, str(path), kind
        if kind in ("ods", "xlsb"):  # (.xlsb is refused before: see open_xlsx)
            from svctools.sources.xlsx import check_package

            check_package(path)  # zip bombs and DTDs, as for .xlsx
        tables: list[OdsTable] = []
        try:  # calamine loads an .xls or .ods whole: its size first
            if kind == "ods":
                tables = check_ods(path)
            elif kind == "xls":
                check_xls(path)
            self._book = CalamineWorkbook.from_path(str(path))
            self._names: list[str] = list(self._book.sheet_names)
            self._hidden = {
                sheet.name
                for sheet in self._book.sheets_metadata
                if sheet.visible != SheetVisibleEnum.Visible
            }
            self.epoch = EPOCH_1904 if _date1904(path, kind) else EPOCH_1900
        except BookError:
            raise
        except Exception as exc:  # calamine's own errors, OLE and zip errors: a broken book
            raise BookError(_broken(path, kind, exc)) from None
        self._merges: dict[str, list[Merge]] = {}
        if kind == "ods":  # calamine does not give an .ods's merged cells: counted with its size
            self._merges = {n: t.merges for n, t in zip(self._names, tables, strict=False)}

    def sheet_names(self) -> list[str]:
        return list(self._names)

    def hidden_sheets(self) -> set[str]:
        return set(self._hidden)

    def merged(self, sheet: str) -> list[Merge]:
        return self._merges.get(sheet, [])

    def rows(self, sheet: str) -> Iterator[Row]:
        for numbers, rows in self.blocks(sheet):
            for number, values in zip(numbers, rows, strict=True):
                yield number, list(map(normalise_cell, values))

    def blocks(self, sheet: str) -> Iterator[Block]:
        """The rows of ``sheet`` in blocks, numbered as the program shows them, from column A."""
        try:
            data = self._book.get_sheet_by_name(sheet)
            ranges = getattr(data, "merged_cell_ranges", None)
            if self.kind != "ods":
                self._merges[sheet] = [
                    (top + 1, left, bottom + 1, right)
                    for (top, left), (bottom, right) in (ranges if isinstance(ranges, list) else [])
                ]
            start = data.start
            rows_iter = data.iter_rows() if start is not None else iter(())
        except Exception as exc:
            damaged = Msg("file.sheet_damaged", path=self.path, sheet=sheet, detail=exc)
            raise BookError(damaged) from None
        if start is None:
            return
        number, pad = start[0] + 1, [None] * start[1]
        rows: Iterator[Any] = rows_iter
        while block := list(islice(rows, BLOCK_ROWS)):
            if pad:
                block = [pad + values for values in block]
            yield range(number, number + len(block)), block
            number += len(block)

    def close(self) -> None:
        self._book.close()

    def __enter__(self) -> CalamineOther:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _broken(path: Path, kind: str, exc: Exception) -> Msg:
    """Why the book cannot be read, in the clerk's terms."""
    if type(exc).__name__ == "PasswordError":
        return Msg("file.protected", path=path)
    with open(path, "rb") as handle:
        head = handle.read(512)
    if kind == "xls" and head[:8] != OLE and b"\x00" not in head:
        return Msg("file.xls_is_text", path=path)  # a web system's "Excel" export: HTML or XML
    return Msg("file.damaged", path=path, detail=exc)


def _date1904(path: Path, kind: str) -> bool:
    """The book counts dates from 1904: ``.xls``'s DATEMODE record, ``.ods``'s null date."""
    if kind == "xls":
        return _xls_date1904(path)
    if kind == "ods":
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
            seen = b""
            while chunk := stream.read(1 << 16):
                seen = seen[-256:] + chunk
                found = _NULL_DATE.search(seen)
                if found:
                    return found.group(1) == b"1904"
                if b"<table:table " in seen:  # the settings come before the first table
                    return False
    return False


def _xls_date1904(path: Path) -> bool:
    """The DATEMODE record of the workbook globals (BIFF8): 1 = the 1904 date system."""
    import olefile

    with olefile.OleFileIO(str(path)) as ole:
        name = "Workbook" if ole.exists("Workbook") else "Book"
        if not ole.exists(name):
            return False
        data = ole.openstream(name).read(1 << 20)  # the globals come first and are small
    at = 0
    while at + 4 <= len(data):
        kind, size = struct.unpack_from("<HH", data, at)
        if kind == _DATEMODE:
            return data[at + 4 : at + 6] == b"\x01\x00"
        if kind == _EOF:
            return False
        at += 4 + size
    return False
