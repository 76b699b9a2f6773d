"""An ``.xlsx`` file as a ``BookSource``: streamed (read-only mode), formulas by cached value.

Opening checks what the file really is first, so a CSV, an old ``.xls``, an empty or damaged
file or a password-protected book each get one clear line instead of a parser's traceback.
"""

from __future__ import annotations

import codecs
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from svctools.core.errors import BookError
from svctools.core.messages import Msg
from svctools.core.records import column_number
from svctools.sources.base import EPOCH_1900, OLE, Row
from svctools.sources.sheetxml import Merge, SheetFacts, put_uncalculated, scan, table_totals

_ZIP = b"PK\x03\x04"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


def sniff_file(path: Path) -> bytes:
    """Refuse, with one line, a path that is not a readable, non-empty file; its first bytes."""
    if not path.exists():
        raise BookError(Msg("file.no_such", path=path))
    if path.is_dir():
        raise BookError(Msg("file.folder", path=path))
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
    except OSError as exc:
        raise BookError(Msg("file.unreadable", path=path, reason=exc.strerror)) from None
    if not head:
        raise BookError(Msg("file.empty", path=path))
    return head


def sniff(path: Path) -> None:
    """Refuse, with one line, a path that is not a readable ``.xlsx`` file."""
    head = sniff_file(path)
    if head[:8] == OLE:
        with open(path, "rb") as handle:
            ole_body = handle.read(1 << 20)
        if _ENCRYPTED_MARK in head + ole_body:  # open_xlsx decrypts these before sniffing
            raise BookError(Msg("file.protected", path=path))
        raise BookError(Msg("file.xls", path=path))
    if head[:4] != _ZIP:
        kind = "file.text" if _looks_like_text(head) else "file.not_book"
        raise BookError(Msg(kind, path=path))
    if not zipfile.is_zipfile(path):
        raise BookError(Msg("file.incomplete", path=path))
    check_package(path)


# Limits on what a book may make svctools unpack or allocate (README: "Hostile files").
MAX_PART_BYTES = 2 << 30  # one part of the package, unpacked
MAX_TOTAL_BYTES = 4 << 30  # all parts together
MAX_RATIO = 200  # unpacked / packed, for parts over RATIO_FLOOR
RATIO_FLOOR = 32 << 20
MAX_SHEET_CELLS = 100_000_000  # rows x columns a sheet's <dimension> may claim
_PROLOG_BYTES = 4096
_DTD = (b"<!DOCTYPE", b"<!ENTITY")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})?(\d+)?:?([A-Z]{1,3})?(\d+)?"')


def check_package(path: Path, data: BinaryIO | None = None) -> None:
    """Refuse a zip bomb, XML with a DTD (entity bombs, external entities) and a sheet that
    claims an absurd grid, before any XML parser or reader allocates for them."""
    try:
        with zipfile.ZipFile(data if data is not None else path) as archive:
            parts = archive.infolist()
            total = sum(part.file_size for part in parts)
            if total > MAX_TOTAL_BYTES:
                raise BookError(Msg("file.zip_bomb", path=path, mb=total >> 20))
            for part in parts:
                _check_part(path, archive, part)
    except (zipfile.BadZipFile, EOFError, zlib.error):
        raise BookError(Msg("file.incomplete", path=path)) from None
    finally:
        if data is not None:
            data.seek(0)


def _check_part(path: Path, archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    size, packed = part.file_size, max(part.compress_size, 1)
    if size > MAX_PART_BYTES or (size > RATIO_FLOOR and size / packed > MAX_RATIO):
        raise BookError(
            Msg(
                "file.zip_ratio", path=path, part=part.filename, ratio=size // packed, mb=size >> 20
            )
        )
    if not part.filename.endswith((".xml", ".rels", ".vml")):
        return
    with archive.open(part) as handle:
        prolog = handle.read(_PROLOG_BYTES)
    if any(mark in prolog for mark in _DTD):
        raise BookError(Msg("file.unsafe_xml", path=path, part=part.filename))
    match = _DIMENSION.search(prolog) if part.filename.startswith("xl/worksheets/") else None
    if match and match.group(3) and match.group(4):
        columns = column_number(match.group(3).decode())
        rows = int(match.group(4))
        if columns * rows > MAX_SHEET_CELLS:  # the tag may lie (A1:XFD1048576 over 50 rows)
            rows, columns = _real_extent(archive, part)
        if columns * rows > MAX_SHEET_CELLS:
            raise BookError(
                Msg(
                    "file.huge_dimension", path=path, part=part.filename, columns=columns, rows=rows
                )
            )


_CELL_AT = re.compile(rb"""<(?:[\w.-]+:)?c\b[^>]*?\sr\s*=\s*["']([A-Z]{1,3})([0-9]+)""")


def _real_extent(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> tuple[int, int]:
    """Rows and columns up to the last cell really written (a sheet whose ``<dimension>``
    claims the whole grid, as some programs write it, is measured, not believed)."""
    last_row = last_column = 0
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 22):
            text = tail + chunk
            cut = text.rfind(b"<")
            for letters, digits in _CELL_AT.findall(text, 0, max(cut, 0)):
                last_row = max(last_row, int(digits))
                last_column = max(last_column, column_number(letters.decode("ascii")))
            tail = text[max(cut, 0) :]
    for letters, digits in _CELL_AT.findall(tail):
        last_row = max(last_row, int(digits))
        last_column = max(last_column, column_number(letters.decode("ascii")))
    return last_row, last_column


def _looks_like_text(head: bytes) -> bool:
    """Text (CSV, notes): UTF-16 with its byte-order mark, or UTF-8/GB18030 without control
    characters (the head may end inside a character: decoded incrementally, not finished)."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    for encoding in ("utf-8", "gb18030"):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return not any(ord(c) < 32 and c not in "\t\r\n\f" for c in text)
    return False


class XlsxBook:
    """An ``.xlsx`` file read with openpyxl in read-only mode: memory stays flat as rows stream."""

    def __init__(self, path: Path, data: BinaryIO | None = None) -> None:
        """``data``: the package already in memory (a decrypted book); else ``path`` is read."""
        import openpyxl

        if data is None:
            sniff(path)
            data = open(path, "rb")  # a file object: openpyxl skips its suffix check
        else:
            check_package(path, data)
        self.path = path
        self.name = str(path)
        self._handle = data
        try:
            self._workbook = openpyxl.load_workbook(
                self._handle, read_only=True, data_only=True, keep_links=False
            )
        except Exception as exc:  # zipfile, KeyError, XML errors: all mean a broken book
            self._handle.close()
            raise BookError(Msg("file.damaged", path=path, detail=exc)) from None
        self.epoch = self._workbook.epoch or EPOCH_1900
        self._facts: dict[str, SheetFacts] = {}

    def sheet_names(self) -> list[str]:
        return list(self._workbook.sheetnames)

    def hidden_sheets(self) -> set[str]:
        """The sheets the clerk does not see (hidden or very hidden)."""
        return {ws.title for ws in self._workbook.worksheets if ws.sheet_state != "visible"}

    def totals_rows(self, sheet: str) -> set[int]:
        """The total rows of the sheet's Excel Tables."""
        path = getattr(self._workbook[sheet], "_worksheet_path", None)
        return set() if path is None else table_totals(self._workbook._archive, path)

    def merged(self, sheet: str) -> list[Merge]:
        """The merged ranges of ``sheet``, known once its reading has begun."""
        facts = self._facts.get(sheet)
        return facts.merges if facts is not None else []

    def rows(self, sheet: str) -> Iterator[Row]:
        worksheet = self._workbook[sheet]
        worksheet.reset_dimensions()  # a wrong <dimension> tag would silently cut rows
        try:
            facts = self._facts[sheet] = self._scan(worksheet)
            missing = facts.uncalculated
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                if any(map(_escaped, values)):
                    values = tuple(_unescape(v) if isinstance(v, str) else v for v in values)
                if missing and number in missing:
                    values = tuple(put_uncalculated(values, missing[number]))
                yield number, values
        except (zipfile.BadZipFile, EOFError, OSError, KeyError, ValueError) as exc:
            raise BookError(
                Msg("file.sheet_damaged", path=self.path, sheet=sheet, detail=exc)
            ) from None

    def _scan(self, worksheet: Any) -> SheetFacts:
        """Merged cells and formulas without a stored result, from the sheet's XML."""
        path = getattr(worksheet, "_worksheet_path", None)
        if path is None:
            return SheetFacts()

        def chunks() -> Iterator[bytes]:
            with self._workbook._archive.open(path) as stream:
                while chunk := stream.read(1 << 22):
                    yield chunk

        return scan(chunks(), chunks())

    def close(self) -> None:
        self._workbook.close()
        self._handle.close()

    def __enter__(self) -> XlsxBook:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _escaped(value: Any) -> bool:
    """Text holding Excel's ``_xHHHH_`` escape (a carriage return is stored as ``_x000D_``),
    which openpyxl's read-only mode leaves as it is and calamine (and Excel) decode."""
    return value.__class__ is str and "_x" in value


def _unescape(text: str) -> str:
    from openpyxl.utils.escape import unescape

    return str(unescape(text))
