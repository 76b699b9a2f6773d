"""An ``.xlsx`` file as a ``BookSource``: streamed (read-only mode), formulas by cached value.

Opening checks what the file really is first, so a CSV, an old ``.xls``, an empty or damaged
file or a password-protected book each get one clear line instead of a parser's traceback.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from svctools.errors import BookError
from svctools.sources import Row

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


def sniff(path: Path) -> None:
    """Refuse, with one line, a path that is not a readable ``.xlsx`` file."""
    if not path.exists():
        raise BookError(f"{path}: no such file")
    if path.is_dir():
        raise BookError(f"{path}: is a folder, not an .xlsx file")
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
            ole_body = handle.read(1 << 20) if head[:8] == _OLE else b""
    except OSError as exc:
        raise BookError(f"{path}: cannot read ({exc.strerror})") from None
    if not head:
        raise BookError(f"{path}: the file is empty (0 bytes)")
    if head[:8] == _OLE:
        if _ENCRYPTED_MARK in head + ole_body:
            raise BookError(
                f"{path}: the book is password-protected; save a copy without a password "
                "(File > Info > Protect Workbook) and try again"
            )
        raise BookError(
            f"{path}: this is an old Excel 97-2003 .xls file; open it in Excel or WPS and "
            "save it as .xlsx"
        )
    if head[:4] != _ZIP:
        kind = "a CSV or text file" if _looks_like_text(head) else "not an Excel file"
        raise BookError(f"{path}: not an .xlsx workbook ({kind}); save it as .xlsx")
    if not zipfile.is_zipfile(path):
        raise BookError(f"{path}: the file is damaged or incomplete (not a complete .xlsx)")


def _looks_like_text(head: bytes) -> bool:
    """Text (CSV, notes) has no NUL bytes, unless it is UTF-16 with its byte-order mark."""
    return head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" not in head


class XlsxBook:
    """An ``.xlsx`` file read with openpyxl in read-only mode: memory stays flat as rows stream."""

    def __init__(self, path: Path) -> None:
        import openpyxl

        sniff(path)
        self.path = path
        self.name = str(path)
        self._handle = open(path, "rb")  # a file object: openpyxl skips its suffix check
        try:
            self._workbook = openpyxl.load_workbook(
                self._handle, read_only=True, data_only=True, keep_links=False
            )
        except Exception as exc:  # zipfile, KeyError, XML errors: all mean a broken book
            self._handle.close()
            raise BookError(
                f"{path}: the file is damaged or not an Excel workbook ({exc})"
            ) from None

    def sheet_names(self) -> list[str]:
        return list(self._workbook.sheetnames)

    def rows(self, sheet: str) -> Iterator[Row]:
        worksheet = self._workbook[sheet]
        worksheet.reset_dimensions()  # a wrong <dimension> tag would silently cut rows
        try:
            yield from enumerate(worksheet.iter_rows(values_only=True), start=1)
        except (zipfile.BadZipFile, EOFError, OSError, KeyError, ValueError) as exc:
            raise BookError(f"{self.path}: sheet '{sheet}' is damaged ({exc})") from None

    def close(self) -> None:
        self._workbook.close()
        self._handle.close()

    def __enter__(self) -> XlsxBook:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
